// The [move], [acknowledgement] and [alerts] tables of a node config: every
// key, the defaults, and each kind of mistake with its line.
#include <string>

#include "absl/strings/str_cat.h"
#include "config/config_test_util.h"
#include "config/node_config.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "status_matchers.h"

namespace handover::config {
namespace {

using handover::testing::StatusLines;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// Only what is required: 15 lines.
constexpr char kMinimal[] = R"([node]
agency_id = "stockport-cs"
key_dir = "keys"
data_dir = "data"
trust_root = "authority.pub"
[listen]
address = "127.0.0.1:7443"
tls_cert = "node.pem"
tls_key = "node.key"
[router]
address = "localhost:8443"
agency_id = "handover-router"
tls_cert = "node.pem"
tls_key = "node.key"
ca = "ca.pem"
)";

// kMinimal followed by `tables`, whose first line is line 16.
absl::StatusOr<NodeConfig> ParseWith(const std::string& tables) {
  return ParseNodeConfig(std::string(kMinimal) + tables, "node.toml");
}

std::vector<std::string> ProblemsWith(const std::string& tables) {
  return StatusLines(ParseWith(tables).status());
}

AckDeadline Days(int n) { return AckDeadline{absl::ZeroDuration(), n}; }
AckDeadline Lasting(absl::Duration d) { return AckDeadline{d, 0}; }

TEST(NodeConfigMoveTest, TheDefaults) {
  ASSERT_OK_AND_ASSIGN(NodeConfig c, ParseWith(""));
  EXPECT_THAT(c.move.always_copy, IsEmpty());
  EXPECT_EQ(c.move.policy_file, "");
  EXPECT_EQ(c.acknowledgement.police_force, Lasting(absl::Minutes(15)));
  EXPECT_EQ(c.acknowledgement.health_team, Days(1));
  EXPECT_EQ(c.acknowledgement.childrens_services, Days(1));
  EXPECT_EQ(c.acknowledgement.other, Days(1));
  EXPECT_EQ(c.alerts.raise, AlertMode::kAuto);
  EXPECT_EQ(c.alerts.escalate_after, absl::Minutes(15));
}

TEST(NodeConfigMoveTest, EveryKeyIsRead) {
  ASSERT_OK_AND_ASSIGN(NodeConfig c, ParseWith(R"(
[move]
always_copy = ["greater-manchester-police", "stockport-health"]
policy_file = "view-policy.toml"

[acknowledgement]
police_force = "10m"
health_team = "8h"
local_authority_childrens_services = "2 working days"
other = "5 working days"

[alerts]
raise = "on"
escalate_after = "30m"
)"));
  EXPECT_THAT(c.move.always_copy,
              ElementsAre("greater-manchester-police", "stockport-health"));
  EXPECT_EQ(c.move.policy_file, "view-policy.toml");
  EXPECT_EQ(c.acknowledgement.police_force, Lasting(absl::Minutes(10)));
  EXPECT_EQ(c.acknowledgement.health_team, Lasting(absl::Hours(8)));
  EXPECT_EQ(c.acknowledgement.childrens_services, Days(2));
  EXPECT_EQ(c.acknowledgement.other, Days(5));
  EXPECT_EQ(c.alerts.raise, AlertMode::kOn);
  EXPECT_EQ(c.alerts.escalate_after, absl::Minutes(30));
}

TEST(NodeConfigMoveTest, EachAlertMode) {
  ASSERT_OK_AND_ASSIGN(NodeConfig on, ParseWith("[alerts]\nraise = \"off\"\n"));
  EXPECT_EQ(on.alerts.raise, AlertMode::kOff);
  ASSERT_OK_AND_ASSIGN(NodeConfig a, ParseWith("[alerts]\nraise = \"auto\"\n"));
  EXPECT_EQ(a.alerts.raise, AlertMode::kAuto);
  ASSERT_OK_AND_ASSIGN(NodeConfig empty,
                       ParseWith("[move]\nalways_copy = []\n"));
  EXPECT_THAT(empty.move.always_copy, IsEmpty());
}

TEST(NodeConfigMoveTest, AlwaysCopyMistakesAreNamedAtTheirLines) {
  absl::Status s = ParseWith(R"([move]
always_copy = [
  "greater-manchester-police",
  "Not An Id",
  7,
  "greater-manchester-police",
]
)")
                       .status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(
      StatusLines(s),
      ElementsAre(
          ::testing::StartsWith(
              "node.toml:19: [move] always_copy entry 2: \"Not An Id\": "),
          "node.toml:20: [move] always_copy entry 3 must be a string, not an "
          "integer",
          "node.toml:21: [move] always_copy entry 4: "
          "\"greater-manchester-police\" repeats entry 1"));
  EXPECT_THAT(ProblemsWith("[move]\nalways_copy = \"gmp\"\n"),
              ElementsAre("node.toml:17: [move] always_copy must be an array "
                          "of strings, not a string"));
}

TEST(NodeConfigMoveTest, AlwaysCopyHoldsAtMost64) {
  std::string ids;
  for (int i = 0; i < 64; ++i) {
    absl::StrAppend(&ids, i == 0 ? "" : ", ", "\"agency-", i, "\"");
  }
  ASSERT_OK_AND_ASSIGN(NodeConfig c,
                       ParseWith("[move]\nalways_copy = [" + ids + "]\n"));
  EXPECT_EQ(c.move.always_copy.size(), 64u);
  EXPECT_THAT(
      ProblemsWith("[move]\nalways_copy = [" + ids + ", \"agency-64\"]\n"),
      ElementsAre("node.toml:17: [move] always_copy: lists 65 agencies; the "
                  "limit is 64"));
}

TEST(NodeConfigMoveTest, PolicyFileIsAPath) {
  EXPECT_THAT(ProblemsWith("[move]\npolicy_file = \"\"\n"),
              ElementsAre("node.toml:17: [move] policy_file: must not be "
                          "empty"));
  EXPECT_THAT(ProblemsWith("[move]\npolicy_file = 1\n"),
              ElementsAre("node.toml:17: [move] policy_file must be a string, "
                          "not an integer"));
}

TEST(NodeConfigMoveTest, DeadlineMistakes) {
  EXPECT_THAT(
      ProblemsWith(R"([acknowledgement]
police_force = "0 working days"
health_team = "1 day"
local_authority_childrens_services = 8
other = "0s"
)"),
      ElementsAre(
          "node.toml:17: [acknowledgement] police_force: \"0 working days\" "
          "is out of range; a deadline in working days must be from 1 to 30",
          ::testing::StartsWith(
              "node.toml:18: [acknowledgement] health_team: \"1 day\" is not "
              "a deadline; "),
          "node.toml:19: [acknowledgement] local_authority_childrens_services "
          "must be a string, not an integer",
          "node.toml:20: [acknowledgement] other: \"0s\" must be longer "
          "than 0"));
}

TEST(NodeConfigMoveTest, UnknownKeysAreRefused) {
  EXPECT_THAT(
      ProblemsWith(R"([move]
always_cc = []
[acknowledgement]
childrens_services = "1 working day"
[alerts]
rise = "on"
)"),
      ElementsAre(
          "node.toml:17: unknown key \"always_cc\" in [move]",
          "node.toml:19: unknown key \"childrens_services\" in "
          "[acknowledgement]",
          "node.toml:21: unknown key \"rise\" in [alerts]; did you mean "
          "\"raise\"?"));
}

TEST(NodeConfigMoveTest, LogTable) {
  ASSERT_OK_AND_ASSIGN(NodeConfig defaults, ParseWith(""));
  EXPECT_EQ(defaults.log.tree_head_interval, absl::Minutes(10));
  ASSERT_OK_AND_ASSIGN(NodeConfig set,
                       ParseWith("[log]\ntree_head_interval = \"90s\"\n"));
  EXPECT_EQ(set.log.tree_head_interval, absl::Seconds(90));
  EXPECT_THAT(
      ProblemsWith("[log]\ntree_head_interval = \"2d\"\nretain = 1\n"),
      ElementsAre("node.toml:17: [log] tree_head_interval: 2d is out of "
                  "range; it must be from 1s to 1d",
                  "node.toml:18: unknown key \"retain\" in [log]"));
}

TEST(NodeConfigMoveTest, RetentionTable) {
  ASSERT_OK_AND_ASSIGN(NodeConfig defaults, ParseWith(""));
  EXPECT_FALSE(defaults.retention.inbox_content_after.has_value());
  ASSERT_OK_AND_ASSIGN(
      NodeConfig set,
      ParseWith("[retention]\ninbox_content_after = \"90d\"\n"));
  EXPECT_EQ(set.retention.inbox_content_after, absl::Hours(24 * 90));
  ASSERT_OK_AND_ASSIGN(
      NodeConfig day, ParseWith("[retention]\ninbox_content_after = \"1d\"\n"));
  EXPECT_EQ(day.retention.inbox_content_after, absl::Hours(24));
  ASSERT_OK_AND_ASSIGN(
      NodeConfig century,
      ParseWith("[retention]\ninbox_content_after = \"36525d\"\n"));
  EXPECT_EQ(century.retention.inbox_content_after, absl::Hours(24 * 36525));
  ASSERT_OK_AND_ASSIGN(NodeConfig empty, ParseWith("[retention]\n"));
  EXPECT_FALSE(empty.retention.inbox_content_after.has_value());
  EXPECT_THAT(
      ProblemsWith("[retention]\ninbox_content_after = \"23h\"\nkeep = 1\n"),
      ElementsAre("node.toml:17: [retention] inbox_content_after: 23h is out "
                  "of range; it must be from 1d to 36525d",
                  "node.toml:18: unknown key \"keep\" in [retention]"));
}

TEST(NodeConfigMoveTest, AlertMistakes) {
  EXPECT_THAT(
      ProblemsWith("[alerts]\nraise = \"yes\"\nescalate_after = \"8d\"\n"),
      ElementsAre("node.toml:17: [alerts] raise: unknown mode \"yes\"; "
                  "expected \"auto\", \"on\" or \"off\"",
                  "node.toml:18: [alerts] escalate_after: 8d is out of "
                  "range; it must be from 1s to 7d"));
  EXPECT_THAT(ProblemsWith("[alerts]\nescalate_after = \"500ms\"\n"),
              ElementsAre("node.toml:17: [alerts] escalate_after: 500ms is "
                          "out of range; it must be from 1s to 7d"));
  ASSERT_OK_AND_ASSIGN(NodeConfig week,
                       ParseWith("[alerts]\nescalate_after = \"7d\"\n"));
  EXPECT_EQ(week.alerts.escalate_after, absl::Hours(7 * 24));
  ASSERT_OK_AND_ASSIGN(NodeConfig second,
                       ParseWith("[alerts]\nescalate_after = \"1s\"\n"));
  EXPECT_EQ(second.alerts.escalate_after, absl::Seconds(1));
}

TEST(NodeConfigMoveTest, ATableOfTheWrongType) {
  // At the top, before [node], so that it is a key of the document.
  EXPECT_THAT(
      StatusLines(ParseNodeConfig("alerts = \"on\"\n" + std::string(kMinimal),
                                  "node.toml")
                      .status()),
      ElementsAre("node.toml:1: alerts must be a table, not a string"));
}

}  // namespace
}  // namespace handover::config

// The policy file reader: the example file is the built-in policy, and
// every kind of mistake is reported, all at once, each at its own line.
#include "policy/policy_file.h"

#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "common/file_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/default_policy.h"
#include "status_matchers.h"
#include "temp_dir.h"

namespace handover::policy {
namespace {

namespace v1 = handover::v1;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;
using ::testing::StartsWith;

constexpr char kExample[] =
    HANDOVER_SOURCE_DIR "/docs/examples/view-policy.toml";

// A valid policy; tests append to it or replace parts of it.
constexpr char kValid[] = R"([police_force]
fields = ["identity", "risk.known_risk_persons", "contacts"]
attachment_labels = ["photo"]

[health_team]
fields = ["identity", "health"]
attachment_labels = []

[local_authority_childrens_services]
fields = ["identity", "placements"]
attachment_labels = ["*"]

[other]
fields = ["identity"]
attachment_labels = []
)";

std::vector<std::string> Lines(const absl::Status& status) {
  if (status.ok()) return {};
  return absl::StrSplit(status.message(), '\n');
}

// The problems `text` gives, one string per line.
std::vector<std::string> Problems(const std::string& text) {
  absl::StatusOr<ViewPolicy> policy = ParseViewPolicy(text, "p.toml");
  EXPECT_EQ(policy.status().code(), absl::StatusCode::kInvalidArgument);
  return Lines(policy.status());
}

// Replaces the first `from` in `text`.
void Replace(std::string* text, const std::string& from,
             const std::string& to) {
  const size_t at = text->find(from);
  ASSERT_NE(at, std::string::npos) << from;
  text->replace(at, from.size(), to);
}

// kValid with its [other] table replaced by `other`.
std::string WithOther(const std::string& other) {
  const std::string valid = kValid;
  return valid.substr(0, valid.find("[other]")) + other;
}

TEST(PolicyFileTest, TheExampleFileIsTheBuiltInPolicy) {
  ASSERT_OK_AND_ASSIGN(ViewPolicy from_file, LoadViewPolicyFile(kExample));
  ASSERT_OK_AND_ASSIGN(ViewPolicy built_in, DefaultViewPolicy());
  EXPECT_TRUE(from_file == built_in);
}

TEST(PolicyFileTest, TheExampleFileIsTheFuzzSeed) {
  ASSERT_OK_AND_ASSIGN(std::string example, ReadFileBounded(kExample, 1 << 20));
  ASSERT_OK_AND_ASSIGN(
      std::string seed,
      ReadFileBounded(HANDOVER_SOURCE_DIR
                      "/tests/fuzz/corpus/view_policy/view-policy.toml",
                      1 << 20));
  EXPECT_EQ(example, seed);
}

// docs/POLICY.md's example [police_force] table, put in place of the
// example file's own, gives a valid policy.
TEST(PolicyFileTest, TheGuidesExampleTableParses) {
  ASSERT_OK_AND_ASSIGN(
      std::string guide,
      ReadFileBounded(HANDOVER_SOURCE_DIR "/docs/POLICY.md", 1 << 20));
  const size_t open = guide.find("```toml\n");
  ASSERT_NE(open, std::string::npos);
  const size_t start = open + 8;
  const std::string table =
      guide.substr(start, guide.find("```", start) - start);
  ASSERT_OK_AND_ASSIGN(std::string text, ReadFileBounded(kExample, 1 << 20));
  const size_t from = text.find("[police_force]");
  const size_t to = text.find("\n#", from);
  ASSERT_NE(to, std::string::npos);
  text.replace(from, to + 1 - from, table);
  ASSERT_OK_AND_ASSIGN(ViewPolicy policy, ParseViewPolicy(text, "guide"));
  const KindPolicy* police = policy.ForKind(v1::AGENCY_KIND_POLICE_FORCE);
  EXPECT_EQ(police->fields()[1].Path(), "health.needs");
  EXPECT_THAT(police->attachment_labels(), ElementsAre("grab-pack", "photo"));
}

TEST(PolicyFileTest, AValidPolicy) {
  ASSERT_OK_AND_ASSIGN(ViewPolicy policy, ParseViewPolicy(kValid, "p.toml"));
  const KindPolicy* police = policy.ForKind(v1::AGENCY_KIND_POLICE_FORCE);
  ASSERT_NE(police, nullptr);
  ASSERT_THAT(police->fields(), SizeIs(3));
  EXPECT_EQ(police->fields()[1].Path(), "risk.known_risk_persons");
  EXPECT_THAT(police->attachment_labels(), ElementsAre("photo"));
  EXPECT_THAT(
      policy.ForKind(v1::AGENCY_KIND_LOCAL_AUTHORITY_CHILDRENS_SERVICES)
          ->attachment_labels(),
      ElementsAre("*"));
  EXPECT_TRUE(
      policy.ForKind(v1::AGENCY_KIND_OTHER)->attachment_labels().empty());
}

TEST(PolicyFileTest, AFileThatIsNotToml) {
  EXPECT_THAT(Problems("[police_force\nfields = [\"identity\"]\n"),
              ElementsAre(StartsWith("p.toml:1:")));
  EXPECT_THAT(Problems("fields = [\"identity\",\n")[0],
              HasSubstr("TOML syntax error"));
  EXPECT_THAT(Problems(std::string("\x00\xff\xfe", 3))[0],
              HasSubstr("TOML syntax error"));
}

TEST(PolicyFileTest, AnEmptyFileNamesEveryMissingKind) {
  EXPECT_THAT(Problems(""),
              ElementsAre("p.toml: missing required table "
                          "[local_authority_childrens_services]",
                          "p.toml: missing required table [health_team]",
                          "p.toml: missing required table [police_force]",
                          "p.toml: missing required table [other]"));
}

TEST(PolicyFileTest, AMisspeltKindIsUnknownWithASuggestion) {
  std::string text = kValid;
  Replace(&text, "[other]", "[othr]");
  EXPECT_THAT(Problems(text),
              ElementsAre("p.toml:13: unknown table [othr]; did you mean "
                          "[other]?",
                          "p.toml: missing required table [other]"));
}

TEST(PolicyFileTest, UnknownTopLevelKeys) {
  EXPECT_THAT(
      Problems(std::string("version = 1\n") + kValid),
      ElementsAre("p.toml:1: unknown key \"version\" at the top level"));
}

TEST(PolicyFileTest, AKindThatIsNotATable) {
  EXPECT_THAT(Problems("other = 1\n" + WithOther("")),
              ElementsAre("p.toml:1: other must be a table, not an integer"));
}

TEST(PolicyFileTest, UnknownKeysInAKind) {
  EXPECT_THAT(
      Problems(
          WithOther("[other]\nfields = [\"identity\"]\n"
                    "attachment_labels = []\nattachments = [\"photo\"]\n")),
      ElementsAre("p.toml:16: unknown key \"attachments\" in [other]; the keys "
                  "are fields and attachment_labels"));
}

TEST(PolicyFileTest, MissingKeysInAKind) {
  EXPECT_THAT(
      Problems(WithOther("[other]\n")),
      ElementsAre("p.toml:13: missing required key \"fields\" in [other]",
                  "p.toml:13: missing required key "
                  "\"attachment_labels\" in [other]"));
}

TEST(PolicyFileTest, WrongTypes) {
  EXPECT_THAT(
      Problems(WithOther("[other]\nfields = \"identity\"\n"
                         "attachment_labels = [\"photo\", 3]\n")),
      ElementsAre("p.toml:14: [other] fields must be an array of strings, such "
                  "as fields = [\"identity\", \"contacts\"]",
                  "p.toml:15: [other] attachment_labels entry 2 must be a "
                  "string"));
  EXPECT_THAT(Problems(WithOther("[other]\nfields = [\"identity\", "
                                 "[\"contacts\"]]\nattachment_labels = 1\n")),
              ElementsAre("p.toml:14: [other] fields entry 2 must be a string",
                          "p.toml:15: [other] attachment_labels must be an "
                          "array of strings, such as attachment_labels = "
                          "[\"photo\"]"));
}

TEST(PolicyFileTest, UnknownFieldsAreNamedAtTheirLine) {
  const std::vector<std::string> problems = Problems(
      WithOther("[other]\nfields = [\n  \"identity\",\n  \"identty\",\n"
                "  \"risk.self_harn\",\n]\nattachment_labels = []\n"));
  ASSERT_THAT(problems, SizeIs(2));
  EXPECT_THAT(problems[0],
              StartsWith("p.toml:16: [other] fields: \"identty\": the bundle "
                         "has no section \"identty\"; the sections are "
                         "identity, health,"));
  EXPECT_THAT(problems[1],
              StartsWith("p.toml:17: [other] fields: \"risk.self_harn\": risk "
                         "has no field \"self_harn\"; its fields are "
                         "sexual_exploitation,"));
}

TEST(PolicyFileTest, EverySelectorMistake) {
  const std::vector<std::string> problems =
      Problems(WithOther("[other]\n"
                         "fields = [\n"
                         "  \"identity\",\n"                 // 15
                         "  \"\",\n"                         // 16
                         "  \"contacts.phone\",\n"           // 17
                         "  \"risk.self_harm.level\",\n"     // 18
                         "  \"metadata\",\n"                 // 19
                         "  \"attachments\",\n"              // 20
                         "  \"identity\",\n"                 // 21
                         "  \"grab_pack\",\n"                // 22
                         "  \"grab_pack.places_may_go\",\n"  // 23
                         "  \"legalStatus\",\n"              // 24
                         "]\n"
                         "attachment_labels = []\n"));
  EXPECT_THAT(
      problems,
      ElementsAre(
          "p.toml:16: [other] fields: \"\": an empty name",
          "p.toml:17: [other] fields: \"contacts.phone\": contacts is a list, "
          "so it can only be named whole (write \"contacts\")",
          "p.toml:18: [other] fields: \"risk.self_harm.level\": more than one "
          "'.'; name a section or one field inside it",
          "p.toml:19: [other] fields: \"metadata\": metadata is always sent, "
          "so it is not listed",
          "p.toml:20: [other] fields: \"attachments\": attachments are chosen "
          "by attachment_labels, not by fields",
          "p.toml:21: [other] fields: \"identity\": listed twice",
          "p.toml:23: [other] fields: \"grab_pack.places_may_go\": overlaps "
          "\"grab_pack\", listed already; a section is named either whole or "
          "field by field",
          StartsWith("p.toml:24: [other] fields: \"legalStatus\": the bundle "
                     "has no section \"legalStatus\"")));
}

TEST(PolicyFileTest, IdentityIsRequired) {
  EXPECT_THAT(Problems(WithOther("[other]\nfields = [\"contacts\"]\n"
                                 "attachment_labels = []\n")),
              ElementsAre("p.toml:14: [other] fields must include "
                          "\"identity\": every agency needs to know which "
                          "child the record is about"));
}

TEST(PolicyFileTest, EveryLabelMistake) {
  EXPECT_THAT(
      Problems(WithOther("[other]\nfields = [\"identity\"]\n"
                         "attachment_labels = [\"Photo\", \"photo\", "
                         "\"photo\", \"*\"]\n")),
      ElementsAre(
          "p.toml:15: [other] attachment_labels: \"Photo\": not an attachment "
          "label (1 to 32 lower-case letters, digits or hyphens, such as "
          "\"photo\"), nor \"*\" for every attachment",
          "p.toml:15: [other] attachment_labels: \"photo\": listed twice",
          "p.toml:15: [other] attachment_labels: \"*\": \"*\" means every "
          "attachment, so it must be listed alone"));
}

TEST(PolicyFileTest, ControlCharactersStayOnOneLine) {
  const std::vector<std::string> problems =
      Problems(WithOther("[other]\nfields = [\"identity\", \"a\\nb\"]\n"
                         "attachment_labels = []\n"));
  ASSERT_THAT(problems, SizeIs(1));
  EXPECT_THAT(problems[0], HasSubstr("\"a\\x0ab\""));
}

TEST(PolicyFileTest, EveryMistakeIsReportedAtOnceInLineOrder) {
  std::string text = std::string("colour = \"blue\"\n") + kValid;
  Replace(&text, "risk.known_risk_persons", "risk.nope");
  Replace(&text, "[\"photo\"]", "[\"PHOTO\"]");
  Replace(&text, "[other]", "[otter]");
  const std::vector<std::string> problems = Problems(text);
  EXPECT_THAT(problems,
              ElementsAre(StartsWith("p.toml:1: unknown key \"colour\""),
                          StartsWith("p.toml:3: [police_force] fields: "
                                     "\"risk.nope\""),
                          StartsWith("p.toml:4: [police_force] "
                                     "attachment_labels: \"PHOTO\""),
                          StartsWith("p.toml:14: unknown table [otter]"),
                          "p.toml: missing required table [other]"));
}

TEST(PolicyFileTest, ASizeBound) {
  std::string text = kValid;
  text.append(kMaxViewPolicyFileBytes - text.size(), '\n');
  EXPECT_OK(ParseViewPolicy(text, "p.toml").status());
  text.push_back('\n');
  absl::StatusOr<ViewPolicy> policy = ParseViewPolicy(text, "p.toml");
  EXPECT_EQ(policy.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(policy.status().message()),
              HasSubstr("p.toml: the view policy is 1048577 bytes; the limit "
                        "is 1MiB"));
}

TEST(PolicyFileTest, LoadingFiles) {
  handover::testing::TempDir dir;
  const std::string path = dir.path() + "/policy.toml";
  EXPECT_EQ(LoadViewPolicyFile(path).status().code(),
            absl::StatusCode::kNotFound);
  std::ofstream(path) << WithOther(
      "[other]\nfields = []\n"
      "attachment_labels = []\n");
  absl::StatusOr<ViewPolicy> policy = LoadViewPolicyFile(path);
  EXPECT_EQ(policy.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(policy.status().message()),
              StartsWith(path + ":14: "));
  std::ofstream(path) << std::string(kMaxViewPolicyFileBytes + 1, '#');
  EXPECT_EQ(LoadViewPolicyFile(path).status().code(),
            absl::StatusCode::kResourceExhausted);
  std::ofstream(path, std::ios::trunc) << kValid;
  EXPECT_OK(LoadViewPolicyFile(path).status());
}

}  // namespace
}  // namespace handover::policy

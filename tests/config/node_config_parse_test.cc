// ParseNodeConfig: every field, the defaults, and each kind of mistake in
// the text, with its exact line.
#include <string>

#include "config/config_file.h"
#include "config/config_test_util.h"
#include "config/node_config.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "status_matchers.h"

namespace handover::config {
namespace {

using handover::testing::kDigestA;
using handover::testing::kDigestB;
using handover::testing::StatusLines;
using ::testing::ElementsAre;

// Every key set, none to its default.
constexpr char kFull[] = R"([node]
agency_id = "stockport-cs"
key_dir = "/etc/handover/keys"
data_dir = "/var/lib/handover"
trust_root = "/etc/handover/authority.pub"

[listen]
address = "0.0.0.0:7443"
tls_cert = "/etc/handover/tls/node.pem"
tls_key = "/etc/handover/tls/node.key"
client_ca = "/etc/handover/tls/clients-ca.pem"

[router]
address = "router.example.org:8443"
agency_id = "handover-router"
tls_cert = "/etc/handover/tls/client.pem"
tls_key = "/etc/handover/tls/client.key"
ca = "/etc/handover/tls/router-ca.pem"

[retry]
initial_backoff = "500ms"
max_backoff = "10m"
multiplier = 1.5

[limits]
max_envelope_bytes = "512MiB"
max_bundle_json_bytes = 1048576
max_attachments = 64
submissions_per_minute_per_client = 120
max_open_streams_per_client = 4
stream_stall_timeout = "30s"

[[clients]]
name = "case-system"
role = "submitter"
cert_sha256 = "b94732174633e54059c8b8822f1de6a3167fc95d388319ed0d2736fec20700b8"

[[clients]]
name = "control-room"
role = "alert-operator"
token_sha256 = "5A:36:17:D8:02:46:17:D1:51:EA:4F:9E:76:ED:01:5B:6C:AB:DB:F8:15:8A:5A:44:1B:0B:9D:B1:5B:AB:EB:1B"
)";

// Only what is required.
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

TEST(NodeConfigParseTest, EveryFieldRoundTrips) {
  ASSERT_OK_AND_ASSIGN(NodeConfig c, ParseNodeConfig(kFull, "node.toml"));
  EXPECT_EQ(c.source, "node.toml");
  EXPECT_EQ(c.node.agency_id, "stockport-cs");
  EXPECT_EQ(c.node.key_dir, "/etc/handover/keys");
  EXPECT_EQ(c.node.data_dir, "/var/lib/handover");
  EXPECT_EQ(c.node.trust_root, "/etc/handover/authority.pub");
  EXPECT_EQ(c.listen.address, "0.0.0.0:7443");
  EXPECT_EQ(c.listen.tls_cert, "/etc/handover/tls/node.pem");
  EXPECT_EQ(c.listen.tls_key, "/etc/handover/tls/node.key");
  EXPECT_EQ(c.listen.client_ca, "/etc/handover/tls/clients-ca.pem");
  EXPECT_EQ(c.router.address, "router.example.org:8443");
  EXPECT_EQ(c.router.agency_id, "handover-router");
  EXPECT_EQ(c.router.tls_cert, "/etc/handover/tls/client.pem");
  EXPECT_EQ(c.router.tls_key, "/etc/handover/tls/client.key");
  EXPECT_EQ(c.router.ca, "/etc/handover/tls/router-ca.pem");
  EXPECT_EQ(c.retry.initial_backoff, absl::Milliseconds(500));
  EXPECT_EQ(c.retry.max_backoff, absl::Minutes(10));
  EXPECT_EQ(c.retry.multiplier, 1.5);
  EXPECT_EQ(c.limits.max_envelope_bytes, uint64_t{512} << 20);
  EXPECT_EQ(c.limits.max_bundle_json_bytes, 1048576u);
  EXPECT_EQ(c.limits.max_attachments, 64);
  EXPECT_EQ(c.limits.submissions_per_minute_per_client, 120);
  EXPECT_EQ(c.limits.max_open_streams_per_client, 4);
  EXPECT_EQ(c.limits.stream_stall_timeout, absl::Seconds(30));
  ASSERT_EQ(c.clients.size(), 2u);
  EXPECT_EQ(c.clients[0].name, "case-system");
  EXPECT_EQ(c.clients[0].role, ClientRole::kSubmitter);
  EXPECT_EQ(c.clients[0].cert_sha256, kDigestA);
  EXPECT_EQ(c.clients[0].token_sha256, "");
  EXPECT_EQ(c.clients[1].name, "control-room");
  EXPECT_EQ(c.clients[1].role, ClientRole::kAlertOperator);
  EXPECT_EQ(c.clients[1].cert_sha256, "");
  EXPECT_EQ(c.clients[1].token_sha256, kDigestB);  // colons and case undone
}

TEST(NodeConfigParseTest, DefaultsApply) {
  ASSERT_OK_AND_ASSIGN(NodeConfig c, ParseNodeConfig(kMinimal, "node.toml"));
  EXPECT_EQ(c.node.key_dir, "keys");  // relative paths stay as written
  EXPECT_EQ(c.listen.client_ca, "");
  EXPECT_EQ(c.retry.initial_backoff, absl::Seconds(1));
  EXPECT_EQ(c.retry.max_backoff, absl::Minutes(5));
  EXPECT_EQ(c.retry.multiplier, 2.0);
  EXPECT_EQ(c.limits.max_envelope_bytes, uint64_t{2} << 30);
  EXPECT_EQ(c.limits.max_bundle_json_bytes, uint64_t{16} << 20);
  EXPECT_EQ(c.limits.max_attachments, 1024);
  EXPECT_EQ(c.limits.submissions_per_minute_per_client, 600);
  EXPECT_EQ(c.limits.max_open_streams_per_client, 16);
  EXPECT_EQ(c.limits.stream_stall_timeout, absl::Minutes(2));
  EXPECT_TRUE(c.clients.empty());
}

// kMinimal with `line` added after key_dir (line 3), as line 4.
std::string MinimalWith(const std::string& line) {
  std::string text = kMinimal;
  const std::string key_dir = "key_dir = \"keys\"\n";
  text.insert(text.find(key_dir) + key_dir.size(), line + "\n");
  return text;
}

TEST(NodeConfigParseTest, PreviousKeyDirsAreAnOptionalListOfPaths) {
  ASSERT_OK_AND_ASSIGN(NodeConfig minimal,
                       ParseNodeConfig(kMinimal, "node.toml"));
  EXPECT_TRUE(minimal.node.previous_key_dirs.empty());
  ASSERT_OK_AND_ASSIGN(
      NodeConfig c,
      ParseNodeConfig(MinimalWith("previous_key_dirs = [\"keys-2025\", "
                                  "\"/etc/handover/keys-2024\"]"),
                      "node.toml"));
  EXPECT_THAT(c.node.previous_key_dirs,
              ElementsAre("keys-2025", "/etc/handover/keys-2024"));
  ASSERT_OK_AND_ASSIGN(
      NodeConfig empty,
      ParseNodeConfig(MinimalWith("previous_key_dirs = []"), "node.toml"));
  EXPECT_TRUE(empty.node.previous_key_dirs.empty());
}

TEST(NodeConfigParseTest, PreviousKeyDirsMistakesAreNamedWithTheirLines) {
  EXPECT_THAT(StatusLines(ParseNodeConfig(
                              MinimalWith("previous_key_dirs = \"keys-old\""),
                              "node.toml")
                              .status()),
              ElementsAre("node.toml:4: [node] previous_key_dirs must be an "
                          "array of strings, not a string"));
  absl::Status s = ParseNodeConfig(MinimalWith(R"(previous_key_dirs = [
  "keys-2025",
  2024,
  "",
])"),
                                   "node.toml")
                       .status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(StatusLines(s),
              ElementsAre("node.toml:6: [node] previous_key_dirs entry 2 must "
                          "be a string, not an integer",
                          "node.toml:7: [node] previous_key_dirs entry 3: "
                          "must not be empty"));
  EXPECT_THAT(StatusLines(ParseNodeConfig(
                              MinimalWith("previous_key_dir = [\"keys-old\"]"),
                              "node.toml")
                              .status()),
              ElementsAre("node.toml:4: unknown key \"previous_key_dir\" in "
                          "[node]; did you mean \"previous_key_dirs\"?"));
}

TEST(NodeConfigParseTest, SyntaxErrorGivesLineAndColumn) {
  absl::Status s = ParseNodeConfig(R"([node]
agency_id = "stockport-cs"
key_dir = "unterminated
)",
                                   "node.toml")
                       .status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(StatusLines(s), ElementsAre(::testing::StartsWith(
                                  "node.toml:3:24: TOML syntax error: ")));
}

// toml++ 3.3 reached __builtin_unreachable on these (see toml_fixed.h); a
// build with -fsanitize=undefined traps here if the fix is lost.
TEST(NodeConfigParseTest, NonAsciiOutsideAStringIsAPlainSyntaxError) {
  EXPECT_THAT(
      StatusLines(ParseNodeConfig("a = 1\n\xc3\xa9 = 2\n", "n.toml").status()),
      ElementsAre("n.toml:2:1: TOML syntax error: Error while parsing root "
                  "table: expected keys, tables, whitespace or comments, saw "
                  "'\xc3\xa9'"));
  EXPECT_THAT(
      StatusLines(ParseNodeConfig("a = 1\xc7\xa5\n", "n.toml").status()),
      ElementsAre("n.toml:1:6: TOML syntax error: Error while parsing "
                  "decimal integer: expected digit, saw '\xc7\xa5'"));
  // Upstream issue #190: a line-ending backslash, then U+00A7.
  EXPECT_THAT(
      StatusLines(
          ParseNodeConfig("s = \"\"\"\\\n\xc2\xa7\"\"\"\n", "n.toml").status()),
      ::testing::Contains("n.toml:1: unknown key \"s\" at the top "
                          "level"));
}

TEST(NodeConfigParseTest, DuplicateKeyIsASyntaxError) {
  std::string text = std::string(kMinimal) + "[listen]\n";
  EXPECT_THAT(StatusLines(ParseNodeConfig(text, "n.toml").status()),
              ElementsAre(::testing::StartsWith("n.toml:16:")));
}

TEST(NodeConfigParseTest, UnknownTablesAndKeysAreNamedWithTheirLines) {
  std::string text = "listne = 1\n" + std::string(kMinimal) + R"([retry]
initial_backof = "1s"
jitter = true
[listen.tls]
x = 1
[limit]
[[client]]
name = "x"
)";
  EXPECT_THAT(
      StatusLines(ParseNodeConfig(text, "node.toml").status()),
      ElementsAre(
          "node.toml:1: unknown key \"listne\" at the top level; did you "
          "mean \"listen\"?",
          "node.toml:18: unknown key \"initial_backof\" in [retry]; did you "
          "mean \"initial_backoff\"?",
          "node.toml:19: unknown key \"jitter\" in [retry]",
          "node.toml:20: unknown key \"tls\" in [listen]",
          "node.toml:22: unknown table [limit]; did you mean [limits]?",
          "node.toml:23: unknown table [[client]]; did you mean [[clients]]?"));
}

TEST(NodeConfigParseTest, MissingTablesAndKeysAreNamed) {
  absl::Status s = ParseNodeConfig(R"(# a node with gaps
[node]
agency_id = "stockport-cs"

[listen]
tls_cert = "node.pem"
)",
                                   "node.toml")
                       .status();
  EXPECT_THAT(StatusLines(s),
              ElementsAre("node.toml:2: missing required key \"key_dir\" in "
                          "[node]",
                          "node.toml:2: missing required key \"data_dir\" in "
                          "[node]",
                          "node.toml:2: missing required key \"trust_root\" "
                          "in [node]",
                          "node.toml:5: missing required key \"address\" in "
                          "[listen]",
                          "node.toml:5: missing required key \"tls_key\" in "
                          "[listen]",
                          "node.toml: missing required table [router]"));
  EXPECT_THAT(StatusLines(ParseNodeConfig("", "empty.toml").status()),
              ElementsAre("empty.toml: missing required table [node]",
                          "empty.toml: missing required table [listen]",
                          "empty.toml: missing required table [router]"));
}

TEST(NodeConfigParseTest, WrongTypesAreNamed) {
  std::string text = R"(node = "stockport-cs"
clients = 3
[listen]
address = 7443
tls_cert = ["a.pem"]
tls_key = "node.key"
[router]
address = "localhost:8443"
agency_id = "handover-router"
tls_cert = "node.pem"
tls_key = "node.key"
ca = true
[retry]
initial_backoff = 5
multiplier = "2"
[limits]
max_envelope_bytes = 1.5
max_attachments = "10"
)";
  EXPECT_THAT(
      StatusLines(ParseNodeConfig(text, "node.toml").status()),
      ElementsAre(
          "node.toml:1: node must be a table, not a string",
          "node.toml:2: clients must be an array of tables ([[clients]]), "
          "not an integer",
          "node.toml:4: [listen] address must be a string, not an integer",
          "node.toml:5: [listen] tls_cert must be a string, not an array",
          "node.toml:12: [router] ca must be a string, not a boolean",
          "node.toml:14: [retry] initial_backoff must be a string, not an "
          "integer",
          "node.toml:15: [retry] multiplier must be a number, not a string",
          "node.toml:17: [limits] max_envelope_bytes must be a size (a "
          "string such as \"16MiB\"), not a floating-point number",
          "node.toml:18: [limits] max_attachments must be an integer, not a "
          "string"));
}

TEST(NodeConfigParseTest, BadValuesAreExplained) {
  std::string text = R"([node]
agency_id = "Stockport CS"
key_dir = ""
data_dir = "data"
trust_root = "authority.pub"
[listen]
address = "localhost"
tls_cert = "node.pem"
tls_key = "node.key"
[router]
address = "localhost:0"
agency_id = "Router"
tls_cert = "node.pem"
tls_key = "node.key"
ca = "ca.pem"
[retry]
initial_backoff = "10m"
max_backoff = "5 m"
multiplier = 0.5
[limits]
max_envelope_bytes = "2GB"
max_bundle_json_bytes = "32MiB"
max_attachments = 5000
submissions_per_minute_per_client = 0
max_open_streams_per_client = 0
stream_stall_timeout = "2h"
)";
  EXPECT_THAT(
      StatusLines(ParseNodeConfig(text, "node.toml").status()),
      ElementsAre(
          "node.toml:2: [node] agency_id: \"Stockport CS\": agency id may "
          "hold only a-z, 0-9, '-' and '.', and must start with a letter or "
          "digit (bad byte at position 0)",
          "node.toml:3: [node] key_dir: must not be empty",
          "node.toml:7: [listen] address: \"localhost\" has no port; expected "
          "\"host:port\", e.g. \"127.0.0.1:7443\", \"localhost:7443\" or "
          "\"[::1]:7443\"",
          "node.toml:11: [router] address: \"localhost:0\" has a bad port "
          "\"0\"; the port must be a number from 1 to 65535",
          "node.toml:12: [router] agency_id: \"Router\": agency id may hold "
          "only a-z, 0-9, '-' and '.', and must start with a letter or digit "
          "(bad byte at position 0)",
          "node.toml:17: [retry] initial_backoff: 10m is longer than "
          "max_backoff (5m)",
          "node.toml:18: [retry] max_backoff: \"5 m\" has an unknown unit "
          "\" m\"; expected a whole number and a unit (ms, s, m, h or d), "
          "e.g. \"500ms\", \"30s\", \"5m\", \"12h\", \"5d\"",
          "node.toml:19: [retry] multiplier: 0.5 is out of range; it must be "
          "from 1 to 10",
          "node.toml:21: [limits] max_envelope_bytes: \"2GB\" has an unknown "
          "unit \"GB\"; expected a whole number of bytes with an optional "
          "unit (KiB, MiB, GiB or TiB), e.g. \"4096\", \"64KiB\", "
          "\"16MiB\", \"2GiB\"",
          "node.toml:22: [limits] max_bundle_json_bytes: 32MiB is out of "
          "range; it must be from 1 to 16MiB",
          "node.toml:23: [limits] max_attachments: 5000 is out of range; it "
          "must be from 0 to 1024",
          "node.toml:24: [limits] submissions_per_minute_per_client: 0 is "
          "out of range; it must be from 1 to 1000000",
          "node.toml:25: [limits] max_open_streams_per_client: 0 is out of "
          "range; it must be from 1 to 10000",
          "node.toml:26: [limits] stream_stall_timeout: 2h is out of range; "
          "it must be from 1s to 1h"));
}

TEST(NodeConfigParseTest, MaxBackoffBelowTheDefaultInitialIsRefused) {
  std::string text =
      std::string(kMinimal) + "[retry]\nmax_backoff = \"500ms\"\n";
  EXPECT_THAT(StatusLines(ParseNodeConfig(text, "node.toml").status()),
              ElementsAre("node.toml:17: [retry] max_backoff: 500ms is "
                          "shorter than initial_backoff (1s)"));
}

TEST(NodeConfigParseTest, ZeroDurationAndNegativeSizeAreRefused) {
  std::string text = std::string(kMinimal) + R"([retry]
initial_backoff = "0s"
[limits]
max_envelope_bytes = -1
)";
  EXPECT_THAT(
      StatusLines(ParseNodeConfig(text, "node.toml").status()),
      ElementsAre("node.toml:17: [retry] initial_backoff: must be longer "
                  "than 0",
                  "node.toml:19: [limits] max_envelope_bytes: must not be "
                  "negative"));
}

TEST(NodeConfigParseTest, TheRoutersAgencyIdIsRequired) {
  std::string text(kMinimal);
  text.erase(text.find("agency_id = \"handover-router\"\n"), 30);
  EXPECT_THAT(StatusLines(ParseNodeConfig(text, "node.toml").status()),
              ElementsAre("node.toml:10: missing required key \"agency_id\" "
                          "in [router]"));
}

TEST(NodeConfigParseTest, ListenMayUsePortZero) {
  std::string text(kMinimal);
  text.replace(text.find("127.0.0.1:7443"), 14, "127.0.0.1:0");
  ASSERT_OK_AND_ASSIGN(NodeConfig c, ParseNodeConfig(text, "node.toml"));
  EXPECT_EQ(c.listen.address, "127.0.0.1:0");
}

TEST(NodeConfigParseTest, ControlCharactersStayEscapedOnOneLine) {
  std::string text(kMinimal);
  text.replace(text.find("\"localhost:8443\""), 16, "\"a\\nb\"");
  EXPECT_THAT(StatusLines(ParseNodeConfig(text, "node.toml").status()),
              ElementsAre("node.toml:11: [router] address: \"a\\x0ab\" has no "
                          "port; expected \"host:port\", e.g. "
                          "\"127.0.0.1:7443\", \"localhost:7443\" or "
                          "\"[::1]:7443\""));
}

TEST(NodeConfigParseTest, OversizedTextIsRefused) {
  std::string text(kMaxConfigFileBytes + 1, '#');
  absl::Status s = ParseNodeConfig(text, "big.toml").status();
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(std::string(s.message()),
            "big.toml: the config is 1048577 bytes; the limit is 1MiB");
}

}  // namespace
}  // namespace handover::config

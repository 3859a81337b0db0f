// ParseRouterConfig: every field, the defaults and the mistakes.
#include <string>

#include "config/config_test_util.h"
#include "config/router_config.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "status_matchers.h"

namespace handover::config {
namespace {

using handover::testing::StatusLines;
using ::testing::ElementsAre;

constexpr char kMinimal[] = R"([router]
agency_id = "handover-router"
key_dir = "/etc/handover/keys"
listen = "0.0.0.0:8443"
tls_cert = "/etc/handover/router.pem"
tls_key = "/etc/handover/router.key"
client_ca = "/etc/handover/ca.pem"
data_dir = "/var/lib/handover-router"
directory = "/etc/handover/directory.signed"
trust_root = "/etc/handover/authority.pub"
)";

TEST(RouterConfigTest, EveryFieldRoundTrips) {
  std::string text = std::string(kMinimal) + R"([retry]
initial_backoff = "2s"
max_backoff = "1h"
multiplier = 3
[limits]
max_envelope_bytes = "1GiB"
max_open_streams_per_agency = 32
stream_stall_timeout = "5m"
[delivery]
default_ttl = "36h"
ciphertext_retention = "7d"
)";
  ASSERT_OK_AND_ASSIGN(RouterConfig c, ParseRouterConfig(text, "r.toml"));
  EXPECT_EQ(c.source, "r.toml");
  EXPECT_EQ(c.router.agency_id, "handover-router");
  EXPECT_EQ(c.router.key_dir, "/etc/handover/keys");
  EXPECT_EQ(c.router.listen, "0.0.0.0:8443");
  EXPECT_EQ(c.router.tls_cert, "/etc/handover/router.pem");
  EXPECT_EQ(c.router.tls_key, "/etc/handover/router.key");
  EXPECT_EQ(c.router.client_ca, "/etc/handover/ca.pem");
  EXPECT_EQ(c.router.data_dir, "/var/lib/handover-router");
  EXPECT_EQ(c.router.directory, "/etc/handover/directory.signed");
  EXPECT_EQ(c.router.trust_root, "/etc/handover/authority.pub");
  EXPECT_EQ(c.retry.initial_backoff, absl::Seconds(2));
  EXPECT_EQ(c.retry.max_backoff, absl::Hours(1));
  EXPECT_EQ(c.retry.multiplier, 3.0);
  EXPECT_EQ(c.limits.max_envelope_bytes, uint64_t{1} << 30);
  EXPECT_EQ(c.limits.max_open_streams_per_agency, 32);
  EXPECT_EQ(c.limits.stream_stall_timeout, absl::Minutes(5));
  EXPECT_EQ(c.delivery.default_ttl, absl::Hours(36));
  EXPECT_EQ(c.delivery.ciphertext_retention, absl::Hours(24 * 7));
}

TEST(RouterConfigTest, DefaultsApply) {
  ASSERT_OK_AND_ASSIGN(RouterConfig c, ParseRouterConfig(kMinimal, "r.toml"));
  EXPECT_EQ(c.retry.initial_backoff, absl::Seconds(1));
  EXPECT_EQ(c.retry.max_backoff, absl::Minutes(5));
  EXPECT_EQ(c.retry.multiplier, 2.0);
  EXPECT_EQ(c.limits.max_envelope_bytes, uint64_t{2} << 30);
  EXPECT_EQ(c.limits.max_open_streams_per_agency, 16);
  EXPECT_EQ(c.limits.stream_stall_timeout, absl::Minutes(2));
  EXPECT_EQ(c.delivery.default_ttl, absl::Hours(24 * 5));
  EXPECT_EQ(c.delivery.ciphertext_retention, absl::Hours(24 * 30));
  EXPECT_EQ(c.log.tree_head_interval, absl::Minutes(10));
}

TEST(RouterConfigTest, LogTable) {
  ASSERT_OK_AND_ASSIGN(
      RouterConfig c,
      ParseRouterConfig(
          std::string(kMinimal) + "[log]\ntree_head_interval = \"1h\"\n",
          "r.toml"));
  EXPECT_EQ(c.log.tree_head_interval, absl::Hours(1));
  EXPECT_FALSE(ParseRouterConfig(std::string(kMinimal) +
                                     "[log]\ntree_head_interval = \"0s\"\n",
                                 "r.toml")
                   .ok());
}

TEST(RouterConfigTest, StreamLimitsOutOfRangeAreRefused) {
  EXPECT_THAT(
      StatusLines(ParseRouterConfig(std::string(kMinimal) +
                                        "[limits]\n"
                                        "max_open_streams_per_agency = 10001\n"
                                        "stream_stall_timeout = \"500ms\"\n",
                                    "r.toml")
                      .status()),
      ElementsAre("r.toml:12: [limits] max_open_streams_per_agency: 10001 is "
                  "out of range; it must be from 1 to 10000",
                  "r.toml:13: [limits] stream_stall_timeout: 500ms is out of "
                  "range; it must be from 1s to 1h"));
}

TEST(RouterConfigTest, MistakesAreAllReported) {
  std::string text = R"([router]
agency_id = "Handover Router"
listen = "8443"
tls_cert = "/etc/handover/router.pem"
tls_key = "/etc/handover/router.key"
data_dir = "/var/lib/handover-router"
directory = "/etc/handover/directory.signed"
trust_root = "/etc/handover/authority.pub"
ca = "/etc/handover/ca.pem"
[limits]
max_envelope_bytes = "512"
max_bundle_json_bytes = "16MiB"
[delivery]
default_ttl = "5 days"
ciphertext_retention = "0d"
[clients]
)";
  absl::Status s = ParseRouterConfig(text, "router.toml").status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(
      StatusLines(s),
      ElementsAre(
          "router.toml:1: missing required key \"key_dir\" in [router]",
          "router.toml:1: missing required key \"client_ca\" in [router]",
          "router.toml:2: [router] agency_id: \"Handover Router\": agency id "
          "may hold only a-z, 0-9, '-' and '.', and must start with a letter "
          "or digit (bad byte at position 0)",
          "router.toml:3: [router] listen: \"8443\" has no port; expected "
          "\"host:port\", e.g. \"127.0.0.1:7443\", \"localhost:7443\" or "
          "\"[::1]:7443\"",
          "router.toml:9: unknown key \"ca\" in [router]",
          "router.toml:11: [limits] max_envelope_bytes: 512 is out of range; "
          "it must be from 1KiB to 1TiB",
          "router.toml:12: unknown key \"max_bundle_json_bytes\" in [limits]",
          "router.toml:14: [delivery] default_ttl: \"5 days\" has an unknown "
          "unit \" days\"; expected a whole number and a unit (ms, s, m, h "
          "or d), e.g. \"500ms\", \"30s\", \"5m\", \"12h\", \"5d\"",
          "router.toml:15: [delivery] ciphertext_retention: must be longer "
          "than 0",
          "router.toml:16: unknown table [clients]"));
}

TEST(RouterConfigTest, SyntaxErrorIsOneLine) {
  EXPECT_THAT(
      StatusLines(ParseRouterConfig("[router\n", "router.toml").status()),
      ElementsAre(::testing::StartsWith("router.toml:1:")));
}

}  // namespace
}  // namespace handover::config

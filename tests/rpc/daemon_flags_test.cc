// The command line handover-node and handover-router share.
#include "rpc/daemon_flags.h"

#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace handover::rpc {
namespace {

using ::testing::HasSubstr;

absl::StatusOr<DaemonFlags> Parse(std::vector<const char*> args) {
  args.insert(args.begin(), "handover-daemon");
  return ParseDaemonFlags(static_cast<int>(args.size()), args.data());
}

TEST(DaemonFlagsTest, ReadsConfigCheckAndLogLevel) {
  absl::StatusOr<DaemonFlags> flags =
      Parse({"--config", "node.toml", "--check", "--log-level=debug"});
  ASSERT_TRUE(flags.ok()) << flags.status();
  EXPECT_EQ(flags->config_path, "node.toml");
  EXPECT_TRUE(flags->check);
  EXPECT_EQ(flags->log_level, spdlog::level::debug);

  flags = Parse({"--config=a.toml", "--log-level", "error"});
  ASSERT_TRUE(flags.ok()) << flags.status();
  EXPECT_EQ(flags->config_path, "a.toml");
  EXPECT_FALSE(flags->check);
  EXPECT_EQ(flags->log_level, spdlog::level::err);
}

TEST(DaemonFlagsTest, DefaultsToInfo) {
  absl::StatusOr<DaemonFlags> flags = Parse({"--config", "n.toml"});
  ASSERT_TRUE(flags.ok());
  EXPECT_EQ(flags->log_level, spdlog::level::info);
}

TEST(DaemonFlagsTest, HelpAndVersionNeedNoConfig) {
  EXPECT_TRUE(Parse({"--help"})->help);
  EXPECT_TRUE(Parse({"-h"})->help);
  EXPECT_TRUE(Parse({"--version"})->version);
}

TEST(DaemonFlagsTest, RefusesMistakesWithOneLine) {
  EXPECT_EQ(Parse({}).status().message(),
            "--config FILE is required (see --help)");
  EXPECT_EQ(Parse({"--config"}).status().message(), "--config needs a value");
  EXPECT_EQ(
      Parse({"--config", "a", "--log-level", "loud"}).status().message(),
      "--log-level must be trace, debug, info, warn or error, not 'loud'");
  EXPECT_EQ(Parse({"--config", "a", "--verbose"}).status().message(),
            "unknown argument '--verbose' (see --help)");
  EXPECT_EQ(Parse({"--config", "a", "--check=yes"}).status().message(),
            "--check takes no value");
  EXPECT_EQ(Parse({"--config", "a", "extra"}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace handover::rpc

// The handover-node command line.
#include "node/app/node_flags.h"

#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace handover::node::app {
namespace {

using ::testing::HasSubstr;

absl::StatusOr<NodeFlags> Parse(std::vector<const char*> args) {
  args.insert(args.begin(), "handover-node");
  return ParseNodeFlags(static_cast<int>(args.size()), args.data());
}

TEST(NodeFlagsTest, ReadsConfigCheckAndLogLevel) {
  absl::StatusOr<NodeFlags> flags =
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

TEST(NodeFlagsTest, DefaultsToInfo) {
  absl::StatusOr<NodeFlags> flags = Parse({"--config", "n.toml"});
  ASSERT_TRUE(flags.ok());
  EXPECT_EQ(flags->log_level, spdlog::level::info);
}

TEST(NodeFlagsTest, HelpAndVersionNeedNoConfig) {
  EXPECT_TRUE(Parse({"--help"})->help);
  EXPECT_TRUE(Parse({"--version"})->version);
}

TEST(NodeFlagsTest, RefusesMistakesWithOneLine) {
  EXPECT_THAT(Parse({}).status().message(), HasSubstr("--config"));
  EXPECT_THAT(Parse({"--config"}).status().message(),
              HasSubstr("needs a value"));
  EXPECT_THAT(
      Parse({"--config", "a", "--log-level", "loud"}).status().message(),
      HasSubstr("trace, debug, info, warn or error"));
  EXPECT_THAT(Parse({"--config", "a", "--verbose"}).status().message(),
              HasSubstr("unknown argument '--verbose'"));
  EXPECT_THAT(Parse({"--config", "a", "--check=yes"}).status().message(),
              HasSubstr("takes no value"));
  EXPECT_THAT(Parse({"--config", "a", "extra"}).status().code(),
              absl::StatusCode::kInvalidArgument);
}

TEST(NodeFlagsTest, UsageHasAnExample) {
  EXPECT_THAT(NodeUsage(), HasSubstr("Example:"));
  EXPECT_THAT(NodeUsage(), HasSubstr("--config"));
  EXPECT_THAT(NodeUsage(), HasSubstr("listen-address"));
}

}  // namespace
}  // namespace handover::node::app

// The handover-node --help text (the flags are rpc/daemon_flags.h's, tested
// in tests/rpc/daemon_flags_test.cc).
#include "node/app/node_flags.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace handover::node::app {
namespace {

using ::testing::HasSubstr;

TEST(NodeFlagsTest, UsageHasAnExample) {
  EXPECT_THAT(NodeUsage(), HasSubstr("Example:"));
  EXPECT_THAT(NodeUsage(), HasSubstr("--config"));
  EXPECT_THAT(NodeUsage(), HasSubstr("listen-address"));
}

}  // namespace
}  // namespace handover::node::app

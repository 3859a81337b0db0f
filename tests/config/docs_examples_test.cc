// The example configs in docs/CONFIG.md parse, and are the same text as the
// fuzzing seeds in tests/fuzz/corpus/config/.
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "config/node_config.h"
#include "config/router_config.h"
#include "gtest/gtest.h"
#include "status_matchers.h"
#include "tls/test_certs.h"

namespace handover::config {
namespace {

using handover::testing::ReadTestFile;

// The bodies of the ```toml blocks in `markdown`.
std::vector<std::string> TomlBlocks(const std::string& markdown) {
  std::vector<std::string> blocks;
  const std::string open = "\n```toml\n";
  for (size_t at = markdown.find(open); at != std::string::npos;
       at = markdown.find(open, at + 1)) {
    size_t start = at + open.size();
    size_t end = markdown.find("\n```", start - 1);
    if (end == std::string::npos) break;
    blocks.push_back(markdown.substr(start, end + 1 - start));
  }
  return blocks;
}

std::string Source(const std::string& relative) {
  return std::string(HANDOVER_SOURCE_DIR) + "/" + relative;
}

TEST(DocsExamplesTest, ExamplesParseAndMatchTheSeeds) {
  std::vector<std::string> blocks =
      TomlBlocks(ReadTestFile(Source("docs/CONFIG.md")));
  // §3 shows the move notice tables on their own, then the whole node
  // config; §4 the router's.
  ASSERT_EQ(blocks.size(), 3u);
  EXPECT_TRUE(absl::StartsWith(blocks[0], "# [move], [acknowledgement]"));
  EXPECT_TRUE(absl::StartsWith(blocks[1], "# handover-node"));
  EXPECT_TRUE(absl::StartsWith(blocks[2], "# handover-router"));
  EXPECT_OK(ParseNodeConfig(blocks[1], "CONFIG.md node").status());
  EXPECT_OK(ParseRouterConfig(blocks[2], "CONFIG.md router").status());
  EXPECT_EQ(blocks[1],
            ReadTestFile(Source("tests/fuzz/corpus/config/node.toml")));
  EXPECT_EQ(blocks[2],
            ReadTestFile(Source("tests/fuzz/corpus/config/router.toml")));
}

TEST(DocsExamplesTest, TheMoveTablesExampleParsesInANodeConfig) {
  std::vector<std::string> blocks =
      TomlBlocks(ReadTestFile(Source("docs/CONFIG.md")));
  ASSERT_EQ(blocks.size(), 3u);
  absl::StatusOr<NodeConfig> c =
      ParseNodeConfig(blocks[1] + "\n" + blocks[0], "CONFIG.md move");
  ASSERT_OK(c.status());
  EXPECT_EQ(c->move.always_copy,
            std::vector<std::string>{"greater-manchester-police"});
  EXPECT_EQ(c->move.policy_file, "view-policy.toml");
  EXPECT_EQ(c->acknowledgement.health_team.duration, absl::Hours(8));
  EXPECT_EQ(c->acknowledgement.other.working_days, 2);
  EXPECT_EQ(c->alerts.raise, AlertMode::kAuto);
}

}  // namespace
}  // namespace handover::config

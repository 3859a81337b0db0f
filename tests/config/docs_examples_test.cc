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
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_TRUE(absl::StartsWith(blocks[0], "# handover-node"));
  EXPECT_TRUE(absl::StartsWith(blocks[1], "# handover-router"));
  EXPECT_OK(ParseNodeConfig(blocks[0], "CONFIG.md node").status());
  EXPECT_OK(ParseRouterConfig(blocks[1], "CONFIG.md router").status());
  EXPECT_EQ(blocks[0],
            ReadTestFile(Source("tests/fuzz/corpus/config/node.toml")));
  EXPECT_EQ(blocks[1],
            ReadTestFile(Source("tests/fuzz/corpus/config/router.toml")));
}

}  // namespace
}  // namespace handover::config

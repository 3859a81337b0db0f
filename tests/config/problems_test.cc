#include "config/problems.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace handover::config {
namespace {

using ::testing::ElementsAre;

TEST(ProblemListTest, EmptyIsOk) {
  ProblemList problems("node.toml");
  EXPECT_TRUE(problems.empty());
  EXPECT_TRUE(problems.ToStatus().ok());
}

TEST(ProblemListTest, LinesAreOrderedByLineWithUnknownLinesLast) {
  ProblemList problems("node.toml");
  problems.Add(12, "twelve");
  problems.Add(0, "no line", absl::StatusCode::kNotFound);
  problems.Add(3, "three", absl::StatusCode::kInvalidArgument, 7);
  problems.Add(12, "twelve again");
  problems.AddStatus("[listen] tls_key",
                     absl::PermissionDeniedError("/x.key has mode 0644"));
  problems.AddStatus("ignored", absl::OkStatus());
  EXPECT_THAT(problems.Lines(),
              ElementsAre("node.toml:3:7: three", "node.toml:12: twelve",
                          "node.toml:12: twelve again", "node.toml: no line",
                          "node.toml: [listen] tls_key: /x.key has mode 0644"));
  absl::Status status = problems.ToStatus();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(status.message()),
            "node.toml:3:7: three\nnode.toml:12: twelve\n"
            "node.toml:12: twelve again\nnode.toml: no line\n"
            "node.toml: [listen] tls_key: /x.key has mode 0644");
}

TEST(ProblemListTest, CodeIsThatOfTheFirstLine) {
  ProblemList problems("router.toml");
  problems.AddStatus("[router] tls_key", absl::PermissionDeniedError("loose"));
  problems.AddStatus("[router] ca", absl::NotFoundError("gone"));
  EXPECT_EQ(problems.ToStatus().code(), absl::StatusCode::kPermissionDenied);
}

TEST(ProblemListTest, AFloodIsCut) {
  ProblemList problems("junk.toml");
  for (int i = 1; i <= 60; ++i) problems.Add(i, "bad");
  std::string message(problems.ToStatus().message());
  EXPECT_EQ(std::count(message.begin(), message.end(), '\n'),
            static_cast<long>(kMaxReportedProblems));
  EXPECT_THAT(message, ::testing::EndsWith(
                           "junk.toml:50: bad\njunk.toml: ...and 10 more "
                           "problems"));
}

}  // namespace
}  // namespace handover::config

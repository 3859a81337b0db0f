#include "common/file_util.h"

#include <sys/stat.h>

#include <filesystem>

#include "gtest/gtest.h"
#include "status_matchers.h"
#include "temp_dir.h"

namespace handover {
namespace {

namespace fs = std::filesystem;

size_t EntriesIn(const std::string& dir) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
  return n;
}

TEST(AtomicFile, NothingAppearsUntilCommit) {
  testing::TempDir tmp;
  const std::string path = tmp.path() + "/out.bin";
  {
    ASSERT_OK_AND_ASSIGN(auto file, AtomicFile::Create(path, 0600));
    ASSERT_OK(file->Append("hello"));
    EXPECT_FALSE(fs::exists(path));
  }
  // Dropped without Commit: no final file, no temporary left behind.
  EXPECT_FALSE(fs::exists(path));
  EXPECT_EQ(EntriesIn(tmp.path()), 0u);

  ASSERT_OK_AND_ASSIGN(auto file, AtomicFile::Create(path, 0640));
  ASSERT_OK(file->Append("hello world"));
  ASSERT_OK(file->WriteAt(0, "HELLO"));
  ASSERT_OK(file->Commit());
  ASSERT_OK_AND_ASSIGN(std::string got, ReadFileBounded(path, 100));
  EXPECT_EQ(got, "HELLO world");
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u);
  EXPECT_EQ(EntriesIn(tmp.path()), 1u);
}

TEST(AtomicFile, MissingDirectoryIsNotFound) {
  testing::TempDir tmp;
  EXPECT_EQ(
      AtomicFile::Create(tmp.path() + "/no/such/file", 0600).status().code(),
      absl::StatusCode::kNotFound);
}

TEST(ReadFileBounded, EnforcesTheLimit) {
  testing::TempDir tmp;
  const std::string path = tmp.path() + "/f";
  ASSERT_OK(WriteFileAtomically(path, std::string(100, 'x'), 0600));
  EXPECT_OK(ReadFileBounded(path, 100).status());
  auto too_big = ReadFileBounded(path, 99);
  EXPECT_EQ(too_big.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(ReadFileBounded(tmp.path(), 10).status().code(),
            absl::StatusCode::kInvalidArgument);  // a directory
}

TEST(CheckSecretFileMode, AcceptsOnlyPrivateRegularFiles) {
  testing::TempDir tmp;
  const std::string path = tmp.path() + "/k";
  ASSERT_OK(WriteFileAtomically(path, "k", 0600));
  EXPECT_OK(CheckSecretFileMode(path));
  ASSERT_EQ(chmod(path.c_str(), 0644), 0);
  auto s = CheckSecretFileMode(path);
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(s.message().find("0644"), absl::string_view::npos);
  const std::string link = tmp.path() + "/link";
  ASSERT_EQ(symlink(path.c_str(), link.c_str()), 0);
  EXPECT_EQ(CheckSecretFileMode(link).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(CheckSecretFileMode(tmp.path() + "/none").code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace handover

#include "common/disk_full.h"

#include <cerrno>

#include "common/posix_error.h"
#include "gtest/gtest.h"

namespace handover {
namespace {

TEST(DiskFullTest, EnospcAndEdquotAreMarkedDiskFull) {
  for (int error : {ENOSPC, EDQUOT}) {
    const absl::Status status = PosixError("write /data/x.tmp", error);
    EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
    EXPECT_TRUE(IsDiskFull(status));
    EXPECT_NE(status.message().find("the disk is full"),
              absl::string_view::npos)
        << status;
  }
}

TEST(DiskFullTest, OtherExhaustionIsNotDiskFull) {
  EXPECT_FALSE(IsDiskFull(PosixError("open /data/x", EMFILE)));
  EXPECT_FALSE(IsDiskFull(PosixError("write /data/x", EFBIG)));
  EXPECT_FALSE(IsDiskFull(absl::ResourceExhaustedError("over the limit")));
  EXPECT_FALSE(IsDiskFull(absl::OkStatus()));
}

TEST(DiskFullTest, ReplaceDiskFullMessageDropsTheDetailAndKeepsTheMark) {
  const absl::Status replaced = ReplaceDiskFullMessage(
      PosixError("write /data/secret-path", ENOSPC), "the disk is full");
  EXPECT_EQ(replaced.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(replaced.message(), "the disk is full");
  EXPECT_TRUE(IsDiskFull(replaced));
  const absl::Status limit = absl::ResourceExhaustedError("too big");
  EXPECT_EQ(ReplaceDiskFullMessage(limit, "the disk is full"), limit);
}

}  // namespace
}  // namespace handover

// DirectoryHolder: verification against the trust root, rollback refused
// (also across a restart, through the store), a changed file picked up.
#include "router/directory_holder.h"

#include <string>

#include "common/file_util.h"
#include "gtest/gtest.h"
#include "router/router_env_fixture.h"
#include "status_matchers.h"

namespace handover::router {
namespace {

using testing::kStart;

class DirectoryHolderTest : public testing::RouterEnvTest {};

TEST_F(DirectoryHolderTest, ServesTheVerifiedFileAndRecordsItsVersion) {
  EXPECT_EQ(directory_->version(), 1u);
  EXPECT_EQ(*directory_->SignedBytes(),
            *ReadFileBounded(DirectoryPath(), 1 << 24));
  EXPECT_EQ(*store_->DirectoryVersion(), 1u);
  // Unchanged file: nothing to do.
  ASSERT_OK_AND_ASSIGN(bool changed, directory_->Reload(/*force=*/false));
  EXPECT_FALSE(changed);
}

TEST_F(DirectoryHolderTest, ANewerVersionIsPickedUpAndAnnounced) {
  uint64_t announced = 0;
  directory_->AddListener([&](uint64_t v) { announced = v; });
  agencies_.WriteSigned(DirectoryPath(), 3, kStart);
  ASSERT_OK_AND_ASSIGN(bool changed, directory_->Reload(/*force=*/false));
  EXPECT_TRUE(changed);
  EXPECT_EQ(directory_->version(), 3u);
  EXPECT_EQ(announced, 3u);
  EXPECT_EQ(*store_->DirectoryVersion(), 3u);
}

TEST_F(DirectoryHolderTest, RollbackAndForgeryAreRefused) {
  PublishDirectory(4);
  ASSERT_EQ(directory_->version(), 4u);
  agencies_.WriteSigned(DirectoryPath(), 2, kStart);
  ASSERT_OK_AND_ASSIGN(bool changed, directory_->Reload(/*force=*/true));
  EXPECT_FALSE(changed);
  EXPECT_EQ(directory_->version(), 4u);

  // Signed by someone else.
  testing::TestAgencies impostors({"stockport-cs"});
  impostors.WriteSigned(DirectoryPath(), 9, kStart);
  ASSERT_OK_AND_ASSIGN(changed, directory_->Reload(/*force=*/true));
  EXPECT_FALSE(changed);
  EXPECT_EQ(directory_->version(), 4u);
}

TEST_F(DirectoryHolderTest, ARestartRefusesAnOlderFile) {
  PublishDirectory(5);
  agencies_.WriteSigned(DirectoryPath(), 4, kStart);
  absl::Status s = DirectoryHolder::Load(
                       DirectoryPath(), agencies_.authority().public_identity(),
                       store_.get())
                       .status();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
}

}  // namespace
}  // namespace handover::router

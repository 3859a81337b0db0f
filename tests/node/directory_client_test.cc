// DirectoryClient with real signed directories and a local stand-in for the
// router's GetDirectory: verification against the trust root, refusal of
// rollback (also across restarts), atomic persistence and start-up from the
// saved file.
#include "node/directory_client.h"

#include <filesystem>
#include <memory>
#include <string>
#include <utility>

#include "absl/synchronization/mutex.h"
#include "common/file_util.h"
#include "directory/signed_directory.h"
#include "directory_test_util.h"
#include "gtest/gtest.h"
#include "status_matchers.h"
#include "temp_dir.h"

namespace handover::node {
namespace {

using ::handover::directory::testing::NewIdentity;
using ::handover::directory::testing::ValidDirectory;

// Answers with whatever the test last put in; shared with the client.
class FakeFetcher final : public DirectoryFetcher {
 public:
  struct State {
    absl::Mutex mu;
    absl::StatusOr<std::string> answer ABSL_GUARDED_BY(mu) =
        absl::UnavailableError("router down");
    int calls ABSL_GUARDED_BY(mu) = 0;
  };
  explicit FakeFetcher(std::shared_ptr<State> state)
      : state_(std::move(state)) {}
  absl::StatusOr<std::string> Fetch() override {
    absl::MutexLock lock(&state_->mu);
    ++state_->calls;
    return state_->answer;
  }

 private:
  std::shared_ptr<State> state_;
};

class DirectoryClientTest : public ::testing::Test {
 protected:
  DirectoryClientTest()
      : authority_(NewIdentity("authority")),
        state_(std::make_shared<FakeFetcher::State>()) {}

  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(store_, OpenSqliteNodeStore(dir_.path() + "/node.db"));
  }

  std::string Signed(uint64_t version,
                     const crypto::SecretIdentity* by = nullptr) {
    auto bytes = directory::SignDirectory(ValidDirectory(version),
                                          by ? *by : authority_);
    EXPECT_TRUE(bytes.ok()) << bytes.status();
    return *bytes;
  }

  void RouterServes(absl::StatusOr<std::string> answer) {
    absl::MutexLock lock(&state_->mu);
    state_->answer = std::move(answer);
  }
  int Fetches() {
    absl::MutexLock lock(&state_->mu);
    return state_->calls;
  }

  std::unique_ptr<DirectoryClient> NewClient() {
    DirectoryClientOptions options;
    options.data_dir = dir_.path();
    options.trust_root = authority_.public_identity();
    options.refresh_interval = absl::Hours(1);
    auto client = DirectoryClient::Create(
        options, store_.get(), std::make_unique<FakeFetcher>(state_));
    EXPECT_TRUE(client.ok()) << client.status();
    return client.ok() ? *std::move(client) : nullptr;
  }

  std::string SavedPath() const { return dir_.path() + "/directory.signed"; }

  handover::testing::TempDir dir_;
  crypto::SecretIdentity authority_;
  std::shared_ptr<FakeFetcher::State> state_;
  std::unique_ptr<NodeStore> store_;
};

TEST_F(DirectoryClientTest, HasNothingUntilOneVerifies) {
  std::unique_ptr<DirectoryClient> client = NewClient();
  EXPECT_EQ(client->Current(), nullptr);
  EXPECT_EQ(client->version(), 0u);
  EXPECT_TRUE(absl::IsUnavailable(client->Refresh()));
  EXPECT_EQ(client->Current(), nullptr);
  EXPECT_FALSE(std::filesystem::exists(SavedPath()));
}

TEST_F(DirectoryClientTest, AdoptsAVerifiedDirectoryAndSavesIt) {
  std::unique_ptr<DirectoryClient> client = NewClient();
  const std::string v2 = Signed(2);
  RouterServes(v2);
  ASSERT_OK(client->Refresh());
  ASSERT_NE(client->Current(), nullptr);
  EXPECT_EQ(client->Current()->version(), 2u);
  EXPECT_TRUE(client->Current()->FindAgency("stockport-cs").ok());
  EXPECT_EQ(*ReadFileBounded(SavedPath(), 1 << 20), v2);
  EXPECT_EQ(*store_->HighestDirectoryVersion(), 2u);
}

TEST_F(DirectoryClientTest, RefusesRollbackAndKeepsTheCurrentOne) {
  std::unique_ptr<DirectoryClient> client = NewClient();
  const std::string v3 = Signed(3);
  RouterServes(v3);
  ASSERT_OK(client->Refresh());
  std::shared_ptr<const directory::DirectoryView> before = client->Current();

  RouterServes(Signed(2));  // validly signed, but older
  EXPECT_TRUE(absl::IsFailedPrecondition(client->Refresh()));
  EXPECT_EQ(client->Current(), before);
  EXPECT_EQ(client->version(), 3u);
  EXPECT_EQ(*ReadFileBounded(SavedPath(), 1 << 20), v3);
}

TEST_F(DirectoryClientTest, SameVersionAgainChangesNothing) {
  std::unique_ptr<DirectoryClient> client = NewClient();
  RouterServes(Signed(4));
  ASSERT_OK(client->Refresh());
  std::shared_ptr<const directory::DirectoryView> before = client->Current();
  RouterServes(Signed(4));
  ASSERT_OK(client->Refresh());
  EXPECT_EQ(client->Current(), before);
}

TEST_F(DirectoryClientTest, PicksUpANewerVersion) {
  std::unique_ptr<DirectoryClient> client = NewClient();
  RouterServes(Signed(1));
  ASSERT_OK(client->Refresh());
  std::shared_ptr<const directory::DirectoryView> old = client->Current();
  RouterServes(Signed(2));
  ASSERT_OK(client->Refresh());
  EXPECT_EQ(client->version(), 2u);
  // A reader holding the old snapshot still has a valid view.
  EXPECT_EQ(old->version(), 1u);
}

TEST_F(DirectoryClientTest, RefusesADirectoryNotSignedByTheTrustRoot) {
  std::unique_ptr<DirectoryClient> client = NewClient();
  crypto::SecretIdentity impostor = NewIdentity("authority");
  RouterServes(Signed(5, &impostor));
  EXPECT_TRUE(absl::IsUnauthenticated(client->Refresh()));
  EXPECT_EQ(client->Current(), nullptr);
  EXPECT_FALSE(std::filesystem::exists(SavedPath()));
  EXPECT_EQ(*store_->HighestDirectoryVersion(), 0u);

  std::string tampered = Signed(5);
  tampered[tampered.size() / 2] ^= 1;
  RouterServes(tampered);
  EXPECT_FALSE(client->Refresh().ok());
  EXPECT_EQ(client->Current(), nullptr);
}

TEST_F(DirectoryClientTest, StartsFromTheSavedFileWithoutTheRouter) {
  {
    std::unique_ptr<DirectoryClient> client = NewClient();
    RouterServes(Signed(6));
    ASSERT_OK(client->Refresh());
  }
  RouterServes(absl::UnavailableError("router down"));
  std::unique_ptr<DirectoryClient> restarted = NewClient();
  ASSERT_NE(restarted->Current(), nullptr);
  EXPECT_EQ(restarted->version(), 6u);
  EXPECT_EQ(Fetches(), 1);  // only the first client's
}

// Someone puts an older (validly signed) file back while the node is down:
// the store remembers the highest version, so it is refused.
TEST_F(DirectoryClientTest, RefusesAnOlderSavedFileAfterARestart) {
  {
    std::unique_ptr<DirectoryClient> client = NewClient();
    RouterServes(Signed(8));
    ASSERT_OK(client->Refresh());
  }
  ASSERT_OK(WriteFileAtomically(SavedPath(), Signed(7), 0644));
  std::unique_ptr<DirectoryClient> restarted = NewClient();
  EXPECT_EQ(restarted->Current(), nullptr);
  RouterServes(Signed(7));
  EXPECT_TRUE(absl::IsFailedPrecondition(restarted->Refresh()));
  RouterServes(Signed(8));
  ASSERT_OK(restarted->Refresh());
  EXPECT_EQ(restarted->version(), 8u);
}

TEST_F(DirectoryClientTest, IgnoresACorruptSavedFile) {
  ASSERT_OK(WriteFileAtomically(SavedPath(), "not a directory", 0644));
  std::unique_ptr<DirectoryClient> client = NewClient();
  EXPECT_EQ(client->Current(), nullptr);
  RouterServes(Signed(1));
  ASSERT_OK(client->Refresh());
  EXPECT_EQ(client->version(), 1u);
}

TEST_F(DirectoryClientTest, BackgroundThreadRefreshesOnRequest) {
  RouterServes(Signed(1));
  std::unique_ptr<DirectoryClient> client = NewClient();
  client->Start();
  // The first refresh happens at once; then only on request (the interval
  // is an hour).
  for (int i = 0; i < 1000 && client->version() != 1; ++i) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  ASSERT_EQ(client->version(), 1u);
  RouterServes(Signed(2));
  client->RequestRefresh();
  for (int i = 0; i < 1000 && client->version() != 2; ++i) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_EQ(client->version(), 2u);
  client->Stop();
}

}  // namespace
}  // namespace handover::node

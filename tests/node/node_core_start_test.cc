// NodeCore::Start with a real config's worth of files: keys, trust root,
// data directories, and the mTLS link to a stand-in router.
#include "node/node_core.h"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "crypto/key_file.h"
#include "fake_router.h"
#include "gtest/gtest.h"
#include "node/node_store.h"
#include "status_matchers.h"
#include "temp_dir.h"
#include "tls/test_certs.h"

namespace handover::node {
namespace {

constexpr char kAgency[] = "greater-manchester-police";

class NodeCoreStartTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fake_ = testing::FakeRouter::Start();
    ASSERT_NE(fake_, nullptr);
    const std::string& certs = handover::testing::DemoCertsDir();
    auto agency = crypto::SecretIdentity::Generate(kAgency);
    ASSERT_TRUE(agency.ok());
    ASSERT_OK(crypto::WriteKeyDirectory(dir_.path() + "/keys", *agency));
    auto authority = crypto::SecretIdentity::Generate("authority");
    ASSERT_TRUE(authority.ok());
    ASSERT_OK(
        crypto::WriteKeyDirectory(dir_.path() + "/authority", *authority));

    config_.node.agency_id = kAgency;
    config_.node.key_dir = dir_.path() + "/keys";
    config_.node.data_dir = dir_.path() + "/data";
    config_.node.trust_root = dir_.path() + "/authority/public.key";
    config_.router.address = fake_->address();
    config_.router.agency_id = "handover-router";
    config_.router.tls_cert = certs + "/" + kAgency + ".pem";
    config_.router.tls_key = certs + "/" + kAgency + ".key";
    config_.router.ca = certs + "/ca.pem";
    config_.retry.initial_backoff = absl::Milliseconds(20);
    config_.retry.max_backoff = absl::Milliseconds(200);
  }

  handover::testing::TempDir dir_;
  std::unique_ptr<testing::FakeRouter> fake_;
  config::NodeConfig config_;
};

TEST_F(NodeCoreStartTest, StartsConnectsAndStops) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<NodeCore> core,
                       NodeCore::Start(config_));
  EXPECT_EQ(core->agency_id(), kAgency);
  EXPECT_EQ(core->identity().agency_id(), kAgency);
  EXPECT_TRUE(std::filesystem::is_directory(core->outbox_dir()));
  EXPECT_TRUE(std::filesystem::is_directory(core->inbox_dir()));
  EXPECT_EQ(core->outbox_dir(), config_.node.data_dir + "/outbox");
  EXPECT_EQ(core->inbox_dir(), config_.node.data_dir + "/inbox");
  EXPECT_TRUE(std::filesystem::exists(config_.node.data_dir + "/node.db"));
  // The router here serves no directory, so none is held yet.
  EXPECT_EQ(core->directory()->Current(), nullptr);
  ASSERT_TRUE(fake_->WaitForHellos(1));
  for (int i = 0; i < 2000 && !core->router_connected(); ++i) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_TRUE(core->router_connected());
  ASSERT_OK_AND_ASSIGN(NodeCounts counts, core->store()->Counts());
  EXPECT_EQ(counts.inbox_count, 0u);
  core->NotifyOutbox();
  core->Stop();
  EXPECT_FALSE(core->router_connected());
  core->Stop();  // idempotent
}

TEST_F(NodeCoreStartTest, RefusesAnotherAgencysKeys) {
  config_.node.agency_id = "west-midlands-police";
  absl::StatusOr<std::unique_ptr<NodeCore>> core = NodeCore::Start(config_);
  EXPECT_TRUE(absl::IsFailedPrecondition(core.status())) << core.status();
}

TEST_F(NodeCoreStartTest, HoldsPreviousKeysForOpeningOnly) {
  auto old = crypto::SecretIdentity::Generate(kAgency);
  ASSERT_TRUE(old.ok());
  ASSERT_OK(crypto::WriteKeyDirectory(dir_.path() + "/old-keys", *old));
  config_.node.previous_key_dirs = {dir_.path() + "/old-keys"};
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<NodeCore> core,
                       NodeCore::Start(config_));
  EXPECT_EQ(core->identity().previous_count(), 1u);
  EXPECT_NE(
      core->identity().FindByBoxKeyId(old->public_identity().box_key_id()),
      nullptr);
  ASSERT_OK_AND_ASSIGN(crypto::PublicIdentity current,
                       crypto::LoadPublicIdentity(config_.node.key_dir));
  EXPECT_EQ(core->identity().current().public_identity().sign_public_key,
            current.sign_public_key);
}

TEST_F(NodeCoreStartTest, RefusesAPreviousKeyDirOfAnotherAgency) {
  auto other = crypto::SecretIdentity::Generate("west-midlands-police");
  ASSERT_TRUE(other.ok());
  ASSERT_OK(crypto::WriteKeyDirectory(dir_.path() + "/other-keys", *other));
  config_.node.previous_key_dirs = {dir_.path() + "/other-keys"};
  absl::StatusOr<std::unique_ptr<NodeCore>> core = NodeCore::Start(config_);
  EXPECT_TRUE(absl::IsFailedPrecondition(core.status())) << core.status();
}

TEST_F(NodeCoreStartTest, RefusesTheCurrentKeyDirAsAPreviousOne) {
  config_.node.previous_key_dirs = {config_.node.key_dir};
  absl::StatusOr<std::unique_ptr<NodeCore>> core = NodeCore::Start(config_);
  EXPECT_TRUE(absl::IsFailedPrecondition(core.status())) << core.status();
}

TEST_F(NodeCoreStartTest, RemovesStaleTemporaryFilesAtStart) {
  std::filesystem::create_directories(config_.node.data_dir + "/inbox");
  const std::string stale =
      config_.node.data_dir + "/inbox/.abc.envelope.tmp-123456";
  handover::testing::WriteTestFile(stale, "partial", 0600);
  const std::string kept = config_.node.data_dir + "/inbox/abc.envelope";
  handover::testing::WriteTestFile(kept, "whole", 0600);
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<NodeCore> core,
                       NodeCore::Start(config_));
  EXPECT_FALSE(std::filesystem::exists(stale));
  EXPECT_TRUE(std::filesystem::exists(kept));
}

TEST_F(NodeCoreStartTest, RemovesOutboxFilesNoPendingUploadRefersTo) {
  fake_.reset();  // no router: the pending upload stays pending
  const std::string outbox = config_.node.data_dir + "/outbox";
  std::filesystem::create_directories(outbox);
  const std::string pending_path = outbox + "/pending.envelope";
  handover::testing::WriteTestFile(pending_path, "sealed", 0600);
  const std::string orphan = outbox + "/orphan.envelope";
  handover::testing::WriteTestFile(orphan, "sealed, never recorded", 0600);
  {
    ASSERT_OK_AND_ASSIGN(
        std::unique_ptr<NodeStore> store,
        OpenSqliteNodeStore(config_.node.data_dir + "/node.db"));
    OutboxTransfer transfer;
    transfer.transfer_id = std::string(16, '\x01');
    transfer.client_name = "case-system";
    transfer.idempotency_key = "k1";
    transfer.recipients = {"birmingham-cs"};
    transfer.created_at = absl::Now();
    transfer.expires_at = absl::Now() + absl::Hours(1);
    transfer.envelope_path = pending_path;
    transfer.envelope_size = 6;
    transfer.ciphertext_hash = std::string(32, '\x02');
    ASSERT_OK(store->InsertOutbox(transfer).status());
  }
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<NodeCore> core,
                       NodeCore::Start(config_));
  EXPECT_FALSE(std::filesystem::exists(orphan));
  core->Stop();
  if (std::filesystem::exists(pending_path)) return;
  // On a slow machine the outbox may already have tried the upload: it then
  // finds this stand-in envelope damaged, but never missing, since the
  // start-up sweep left it alone.
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<NodeStore> store,
                       OpenSqliteNodeStore(config_.node.data_dir + "/node.db"));
  ASSERT_OK_AND_ASSIGN(auto record,
                       store->GetTransfer(std::string(16, '\x01')));
  ASSERT_TRUE(record.has_value());
  ASSERT_EQ(record->recipients.size(), 1u);
  EXPECT_EQ(record->recipients[0].reason,
            "the sealed envelope in the outbox is damaged");
}

TEST_F(NodeCoreStartTest, RetentionDeletesOldContentTakenOn) {
  fake_.reset();
  const std::string inbox = config_.node.data_dir + "/inbox";
  std::filesystem::create_directories(inbox);
  const absl::Time long_ago = absl::Now() - absl::Hours(24 * 40);
  std::vector<std::string> paths;
  {
    ASSERT_OK_AND_ASSIGN(
        std::unique_ptr<NodeStore> store,
        OpenSqliteNodeStore(config_.node.data_dir + "/node.db"));
    for (char n : {'\x01', '\x02'}) {
      InboxRecord r;
      r.transfer_id = std::string(16, n);
      r.sender_id = "birmingham-cs";
      r.created_at = long_ago;
      r.received_at = long_ago;
      r.expires_at = long_ago + absl::Hours(24);
      r.content_type = "application/vnd.handover.case-bundle.v1";
      r.envelope_path = inbox + "/" + std::to_string(n) + ".envelope";
      r.envelope_size = 6;
      r.ciphertext_hash = std::string(32, '\x02');
      handover::testing::WriteTestFile(r.envelope_path, "sealed", 0600);
      ASSERT_OK(store->InsertInbox(r, "", long_ago).status());
      // Checked for a police alert when it arrived, long ago.
      ASSERT_OK(store->MarkCheckedForAlerts(r.transfer_id));
      paths.push_back(r.envelope_path);
    }
    // Only the first was ever fetched.
    ASSERT_OK(store->RecordInboxFetch(std::string(16, '\x01')));
  }
  config_.retention.inbox_content_after = absl::Hours(24 * 30);
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<NodeCore> core,
                       NodeCore::Start(config_));
  for (int i = 0; i < 2000 && std::filesystem::exists(paths[0]); ++i) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_FALSE(std::filesystem::exists(paths[0]));
  EXPECT_TRUE(std::filesystem::exists(paths[1]));
  ASSERT_OK_AND_ASSIGN(std::optional<InboxRecord> pruned,
                       core->store()->GetInbox(std::string(16, '\x01')));
  ASSERT_TRUE(pruned.has_value());
  EXPECT_TRUE(pruned->content_pruned_at.has_value());
  core->Stop();
}

}  // namespace
}  // namespace handover::node

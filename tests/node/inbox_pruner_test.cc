// InboxPruner on a real SQLite store, real envelope files and a real
// delivery log: what it deletes, what it keeps, and what it logs.
#include "node/inbox_pruner.h"

#include <sys/stat.h>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/clock.h"
#include "deliverylog/event_recorder.h"
#include "deliverylog/sqlite_delivery_log.h"
#include "gtest/gtest.h"
#include "node/node_store.h"
#include "node_test_util.h"
#include "status_matchers.h"
#include "temp_dir.h"

namespace handover::node {
namespace {

using ::handover::node::testing::kT0;
using ::handover::node::testing::MakeInbox;
using ::handover::node::testing::TransferId;
namespace v1 = ::handover::v1;

constexpr char kUs[] = "oldham-cs";
const absl::Duration kKeepFor = absl::Hours(24 * 30);

bool Exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

class InboxPrunerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(store_, OpenSqliteNodeStore(dir_.path() + "/node.db"));
    deliverylog::SqliteDeliveryLogOptions options;
    options.path = dir_.path() + "/log.db";
    options.log_id = kUs;
    options.clock = &clock_;
    ASSERT_OK_AND_ASSIGN(log_, deliverylog::SqliteDeliveryLog::Open(options));
    events_ = std::make_unique<deliverylog::EventRecorder>(log_.get());
    pruner_ = std::make_unique<InboxPruner>(
        store_.get(), events_.get(), &clock_, kUs, kKeepFor, absl::Hours(1));
  }

  // Stores inbox transfer `n`, received at `at`, with a real file.
  InboxRecord Receive(int n, absl::Time at, bool write_file = true) {
    InboxRecord r = MakeInbox(n, at);
    r.envelope_path = absl::StrCat(dir_.path(), "/", n, ".envelope");
    if (write_file) std::ofstream(r.envelope_path) << "sealed " << n;
    EXPECT_OK(store_->InsertInbox(r, "", at).status());
    // As the alert raiser does for every arrival (it reads the content).
    EXPECT_OK(store_->MarkCheckedForAlerts(r.transfer_id));
    return r;
  }

  std::vector<v1::LogEntry> Pruned() {
    deliverylog::LogQuery q;
    q.limit = deliverylog::kMaxPageSize;
    q.events = {v1::LOG_EVENT_KIND_PRUNED};
    auto page = log_->Query(q);
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? page->entries : std::vector<v1::LogEntry>{};
  }

  handover::testing::TempDir dir_;
  FakeClock clock_{kT0};
  std::unique_ptr<NodeStore> store_;
  std::unique_ptr<deliverylog::SqliteDeliveryLog> log_;
  std::unique_ptr<deliverylog::EventRecorder> events_;
  std::unique_ptr<InboxPruner> pruner_;
};

TEST_F(InboxPrunerTest, DeletesOnlyOldContentThatWasTakenOn) {
  InboxRecord old_fetched = Receive(1, kT0);
  InboxRecord old_unfetched = Receive(2, kT0);
  ASSERT_OK(store_->RecordInboxFetch(old_fetched.transfer_id));
  clock_.Advance(kKeepFor - absl::Hours(1));
  InboxRecord recent_fetched = Receive(3, clock_.Now());
  ASSERT_OK(store_->RecordInboxFetch(recent_fetched.transfer_id));
  clock_.Advance(absl::Hours(2));

  ASSERT_OK_AND_ASSIGN(int pruned, pruner_->PruneOnce());
  EXPECT_EQ(pruned, 1);
  EXPECT_FALSE(Exists(old_fetched.envelope_path));
  EXPECT_TRUE(Exists(old_unfetched.envelope_path));
  EXPECT_TRUE(Exists(recent_fetched.envelope_path));
  ASSERT_OK_AND_ASSIGN(std::optional<InboxRecord> got,
                       store_->GetInbox(old_fetched.transfer_id));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->content_pruned_at, clock_.Now());
  EXPECT_FALSE(
      (*store_->GetInbox(old_unfetched.transfer_id))->content_pruned_at);
  EXPECT_FALSE(
      (*store_->GetInbox(recent_fetched.transfer_id))->content_pruned_at);

  std::vector<v1::LogEntry> logged = Pruned();
  ASSERT_EQ(logged.size(), 1u);
  EXPECT_EQ(logged[0].transfer_id(), old_fetched.transfer_id);
  EXPECT_EQ(logged[0].sender(), old_fetched.sender_id);
  EXPECT_EQ(logged[0].recipient(), kUs);
  EXPECT_EQ(logged[0].size(), old_fetched.envelope_size);
  EXPECT_EQ(logged[0].envelope_hash(), old_fetched.ciphertext_hash);
  EXPECT_EQ(logged[0].actor(), "retention");
  EXPECT_EQ(logged[0].detail(),
            "inbox content deleted: received more than 30d ago and taken on");

  // Again: nothing new.
  ASSERT_OK_AND_ASSIGN(int again, pruner_->PruneOnce());
  EXPECT_EQ(again, 0);
  EXPECT_EQ(Pruned().size(), 1u);
  EXPECT_TRUE(Exists(old_unfetched.envelope_path));

  // The recent one's turn comes.
  clock_.Advance(kKeepFor);
  ASSERT_OK_AND_ASSIGN(int later, pruner_->PruneOnce());
  EXPECT_EQ(later, 1);
  EXPECT_FALSE(Exists(recent_fetched.envelope_path));
  EXPECT_TRUE(Exists(old_unfetched.envelope_path));
  EXPECT_EQ(Pruned().size(), 2u);
}

TEST_F(InboxPrunerTest, AcknowledgedCountsAsTakenOn) {
  InboxRecord acked = Receive(1, kT0);
  ASSERT_OK(store_
                ->AcknowledgeInbox(acked.transfer_id, "duty-officer", "",
                                   kT0 + absl::Minutes(5), "ack notice")
                .status());
  clock_.Advance(kKeepFor + absl::Hours(1));
  ASSERT_OK_AND_ASSIGN(int pruned, pruner_->PruneOnce());
  EXPECT_EQ(pruned, 1);
  EXPECT_FALSE(Exists(acked.envelope_path));
}

TEST_F(InboxPrunerTest, AFileAlreadyGoneIsStillMarked) {
  InboxRecord gone = Receive(1, kT0, /*write_file=*/false);
  ASSERT_OK(store_->RecordInboxFetch(gone.transfer_id));
  clock_.Advance(kKeepFor + absl::Hours(1));
  ASSERT_OK_AND_ASSIGN(int pruned, pruner_->PruneOnce());
  EXPECT_EQ(pruned, 1);
  EXPECT_TRUE((*store_->GetInbox(gone.transfer_id))->content_pruned_at);
  EXPECT_EQ(Pruned().size(), 1u);
}

TEST_F(InboxPrunerTest, StartsAndStops) {
  InboxRecord old_fetched = Receive(1, kT0);
  ASSERT_OK(store_->RecordInboxFetch(old_fetched.transfer_id));
  clock_.Advance(kKeepFor + absl::Hours(1));
  pruner_->Start();  // prunes once straight away
  for (int i = 0; i < 500 && Exists(old_fetched.envelope_path); ++i) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  pruner_->Stop();
  pruner_->Stop();
  EXPECT_FALSE(Exists(old_fetched.envelope_path));
  EXPECT_EQ(Pruned().size(), 1u);
}

}  // namespace
}  // namespace handover::node

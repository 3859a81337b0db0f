// NodeStore on real SQLite files: the outbox's idempotency and forward-only
// states, the inbox's de-duplication and paging, the notice queue, the
// directory version, and that a reopened store holds all of it.
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "node/node_store.h"
#include "node_test_util.h"
#include "status_matchers.h"
#include "temp_dir.h"

namespace handover::node {
namespace {

using ::handover::node::testing::kT0;
using ::handover::node::testing::MakeInbox;
using ::handover::node::testing::MakeOutbox;
using ::handover::node::testing::TransferId;
namespace v1 = ::handover::v1;

class SqliteNodeStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }
  void Reopen() {
    store_.reset();
    auto store = OpenSqliteNodeStore(path());
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }
  std::string path() const { return dir_.path() + "/node.db"; }

  DeliveryUpdate Update(DeliveryState state, std::string reason = "") {
    DeliveryUpdate u;
    u.state = state;
    u.reason = std::move(reason);
    u.at = kT0 + absl::Hours(1);
    return u;
  }

  DeliveryState StateOf(int n, const std::string& recipient) {
    auto record = store_->GetTransfer(TransferId(n));
    EXPECT_TRUE(record.ok() && record->has_value());
    for (const RecipientDelivery& r : (*record)->recipients) {
      if (r.agency_id == recipient) return r.state;
    }
    ADD_FAILURE() << "no recipient " << recipient;
    return v1::DELIVERY_STATE_UNSPECIFIED;
  }

  handover::testing::TempDir dir_;
  std::unique_ptr<NodeStore> store_;
};

TEST_F(SqliteNodeStoreTest, InsertsAndReadsBackATransfer) {
  OutboxTransfer t = MakeOutbox(1, "case-system", "key-1");
  ASSERT_OK_AND_ASSIGN(InsertOutboxResult result, store_->InsertOutbox(t));
  EXPECT_EQ(result.transfer_id, t.transfer_id);
  EXPECT_FALSE(result.duplicate);

  ASSERT_OK_AND_ASSIGN(std::optional<TransferRecord> record,
                       store_->GetTransfer(t.transfer_id));
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->transfer.client_name, "case-system");
  EXPECT_EQ(record->transfer.idempotency_key, "key-1");
  EXPECT_EQ(record->transfer.recipients, (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(record->transfer.created_at, t.created_at);
  EXPECT_EQ(record->transfer.expires_at, t.expires_at);
  EXPECT_EQ(record->transfer.envelope_path, t.envelope_path);
  EXPECT_EQ(record->transfer.envelope_size, t.envelope_size);
  EXPECT_EQ(record->transfer.ciphertext_hash, t.ciphertext_hash);
  ASSERT_EQ(record->recipients.size(), 2u);
  for (const RecipientDelivery& r : record->recipients) {
    EXPECT_EQ(r.state, v1::DELIVERY_STATE_QUEUED);
    EXPECT_EQ(r.updated_at, t.created_at);
    EXPECT_TRUE(r.receipt.empty());
  }
  EXPECT_EQ(record->OverallState(), v1::DELIVERY_STATE_QUEUED);

  ASSERT_OK_AND_ASSIGN(std::optional<TransferRecord> missing,
                       store_->GetTransfer(TransferId(99)));
  EXPECT_FALSE(missing.has_value());
  EXPECT_TRUE(absl::IsInvalidArgument(store_->GetTransfer("short").status()));
}

TEST_F(SqliteNodeStoreTest, SameIdempotencyKeyReturnsTheFirstTransfer) {
  ASSERT_OK(store_->InsertOutbox(MakeOutbox(1, "cms", "k")).status());
  ASSERT_OK_AND_ASSIGN(InsertOutboxResult again,
                       store_->InsertOutbox(MakeOutbox(2, "cms", "k")));
  EXPECT_TRUE(again.duplicate);
  EXPECT_EQ(again.transfer_id, TransferId(1));
  // The second transfer was not stored at all.
  ASSERT_OK_AND_ASSIGN(std::optional<TransferRecord> second,
                       store_->GetTransfer(TransferId(2)));
  EXPECT_FALSE(second.has_value());

  ASSERT_OK_AND_ASSIGN(std::optional<std::string> found,
                       store_->FindByIdempotencyKey("cms", "k"));
  EXPECT_EQ(found, TransferId(1));
  ASSERT_OK_AND_ASSIGN(std::optional<std::string> other,
                       store_->FindByIdempotencyKey("other-client", "k"));
  EXPECT_FALSE(other.has_value());

  // The same key from another client is another transfer.
  ASSERT_OK_AND_ASSIGN(InsertOutboxResult third,
                       store_->InsertOutbox(MakeOutbox(3, "other", "k")));
  EXPECT_FALSE(third.duplicate);
  EXPECT_EQ(third.transfer_id, TransferId(3));
}

TEST_F(SqliteNodeStoreTest, ReusedTransferIdIsAnErrorNotADuplicate) {
  ASSERT_OK(store_->InsertOutbox(MakeOutbox(1, "cms", "k1")).status());
  EXPECT_TRUE(absl::IsAlreadyExists(
      store_->InsertOutbox(MakeOutbox(1, "cms", "k2")).status()));
}

TEST_F(SqliteNodeStoreTest, ConcurrentDuplicatesFromThreadsStoreOneTransfer) {
  constexpr int kThreads = 8;
  std::vector<absl::StatusOr<InsertOutboxResult>> results(
      kThreads, absl::UnknownError("not run"));
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      results[i] = store_->InsertOutbox(MakeOutbox(100 + i, "cms", "same"));
    });
  }
  go = true;
  for (std::thread& t : threads) t.join();

  int fresh = 0;
  std::string winner;
  for (const auto& r : results) {
    ASSERT_TRUE(r.ok()) << r.status();
    if (!r->duplicate) {
      ++fresh;
      winner = r->transfer_id;
    }
  }
  ASSERT_EQ(fresh, 1);
  for (const auto& r : results) EXPECT_EQ(r->transfer_id, winner);
  ASSERT_OK_AND_ASSIGN(std::vector<OutboxTransfer> pending,
                       store_->ListPendingUploads(100));
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].transfer_id, winner);
}

// Two connections to one file: the UNIQUE constraint, not a lock in this
// process, decides which insert wins.
TEST_F(SqliteNodeStoreTest, ConcurrentDuplicatesFromTwoConnections) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<NodeStore> second,
                       OpenSqliteNodeStore(path()));
  constexpr int kRounds = 20;
  for (int round = 0; round < kRounds; ++round) {
    const std::string key = absl::StrCat("key-", round);
    absl::StatusOr<InsertOutboxResult> a = absl::UnknownError("");
    absl::StatusOr<InsertOutboxResult> b = absl::UnknownError("");
    std::thread ta([&] {
      a = store_->InsertOutbox(MakeOutbox(1000 + 2 * round, "cms", key));
    });
    std::thread tb([&] {
      b = second->InsertOutbox(MakeOutbox(1001 + 2 * round, "cms", key));
    });
    ta.join();
    tb.join();
    ASSERT_TRUE(a.ok()) << a.status();
    ASSERT_TRUE(b.ok()) << b.status();
    EXPECT_NE(a->duplicate, b->duplicate) << "round " << round;
    EXPECT_EQ(a->transfer_id, b->transfer_id) << "round " << round;
  }
  ASSERT_OK_AND_ASSIGN(std::vector<OutboxTransfer> pending,
                       store_->ListPendingUploads(1000));
  EXPECT_EQ(pending.size(), static_cast<size_t>(kRounds));
}

TEST_F(SqliteNodeStoreTest, StatesOnlyMoveForward) {
  ASSERT_OK(store_->InsertOutbox(MakeOutbox(1, "cms", "k")).status());
  const std::string id = TransferId(1);

  // QUEUED → AT_ROUTER, and not again.
  EXPECT_EQ(
      *store_->UpdateDelivery(id, "b", Update(v1::DELIVERY_STATE_AT_ROUTER)),
      true);
  EXPECT_EQ(
      *store_->UpdateDelivery(id, "b", Update(v1::DELIVERY_STATE_AT_ROUTER)),
      false);
  // Never backwards.
  EXPECT_EQ(*store_->UpdateDelivery(id, "b", Update(v1::DELIVERY_STATE_QUEUED)),
            false);
  EXPECT_EQ(StateOf(1, "b"), v1::DELIVERY_STATE_AT_ROUTER);

  // AT_ROUTER → DELIVERED with the receipt; then a late report changes
  // nothing.
  DeliveryUpdate delivered = Update(v1::DELIVERY_STATE_DELIVERED);
  delivered.receipt = "signed receipt bytes";
  EXPECT_EQ(*store_->UpdateDelivery(id, "b", delivered), true);
  DeliveryUpdate late = Update(v1::DELIVERY_STATE_FAILED, "late report");
  late.report = "report bytes";
  EXPECT_EQ(*store_->UpdateDelivery(id, "b", late), false);
  EXPECT_EQ(
      *store_->UpdateDelivery(id, "b", Update(v1::DELIVERY_STATE_EXPIRED)),
      false);

  // QUEUED may go straight to a final state.
  EXPECT_EQ(*store_->UpdateDelivery(
                id, "c", Update(v1::DELIVERY_STATE_EXPIRED, "too late")),
            true);
  EXPECT_EQ(
      *store_->UpdateDelivery(id, "c", Update(v1::DELIVERY_STATE_DELIVERED)),
      false);

  ASSERT_OK_AND_ASSIGN(std::optional<TransferRecord> record,
                       store_->GetTransfer(id));
  ASSERT_TRUE(record.has_value());
  const RecipientDelivery& b = record->recipients[0];
  EXPECT_EQ(b.state, v1::DELIVERY_STATE_DELIVERED);
  EXPECT_EQ(b.receipt, "signed receipt bytes");
  EXPECT_TRUE(b.report.empty());
  EXPECT_EQ(b.reason, "");
  EXPECT_EQ(b.updated_at, kT0 + absl::Hours(1));
  const RecipientDelivery& c = record->recipients[1];
  EXPECT_EQ(c.state, v1::DELIVERY_STATE_EXPIRED);
  EXPECT_EQ(c.reason, "too late");
}

TEST_F(SqliteNodeStoreTest, UpdateErrors) {
  ASSERT_OK(store_->InsertOutbox(MakeOutbox(1, "cms", "k")).status());
  EXPECT_TRUE(absl::IsNotFound(
      store_
          ->UpdateDelivery(TransferId(1), "nobody",
                           Update(v1::DELIVERY_STATE_AT_ROUTER))
          .status()));
  EXPECT_TRUE(absl::IsNotFound(
      store_
          ->UpdateDelivery(TransferId(2), "b",
                           Update(v1::DELIVERY_STATE_AT_ROUTER))
          .status()));
  EXPECT_TRUE(absl::IsNotFound(
      store_
          ->UpdateAllDeliveries(TransferId(2),
                                Update(v1::DELIVERY_STATE_AT_ROUTER))
          .status()));
  EXPECT_TRUE(absl::IsInvalidArgument(
      store_
          ->UpdateDelivery(TransferId(1), "b",
                           Update(v1::DELIVERY_STATE_UNSPECIFIED))
          .status()));
}

TEST_F(SqliteNodeStoreTest, UpdateAllMovesOnlyThoseThatMayMove) {
  ASSERT_OK(store_->InsertOutbox(MakeOutbox(1, "cms", "k", {"b", "c", "d"}))
                .status());
  const std::string id = TransferId(1);
  ASSERT_OK(store_
                ->UpdateDelivery(id, "c",
                                 Update(v1::DELIVERY_STATE_FAILED, "refused"))
                .status());
  ASSERT_OK_AND_ASSIGN(
      int moved,
      store_->UpdateAllDeliveries(id, Update(v1::DELIVERY_STATE_AT_ROUTER)));
  EXPECT_EQ(moved, 2);
  EXPECT_EQ(StateOf(1, "b"), v1::DELIVERY_STATE_AT_ROUTER);
  EXPECT_EQ(StateOf(1, "c"), v1::DELIVERY_STATE_FAILED);
  EXPECT_EQ(StateOf(1, "d"), v1::DELIVERY_STATE_AT_ROUTER);

  ASSERT_OK_AND_ASSIGN(std::optional<TransferRecord> record,
                       store_->GetTransfer(id));
  EXPECT_EQ(record->OverallState(), v1::DELIVERY_STATE_AT_ROUTER);
}

TEST_F(SqliteNodeStoreTest, PendingUploadsAreTransfersWithAQueuedRecipient) {
  for (int n = 1; n <= 4; ++n) {
    ASSERT_OK(store_->InsertOutbox(MakeOutbox(n, "cms", absl::StrCat("k", n)))
                  .status());
  }
  // 2 is fully at the router; 3 has one recipient left.
  ASSERT_OK(store_
                ->UpdateAllDeliveries(TransferId(2),
                                      Update(v1::DELIVERY_STATE_AT_ROUTER))
                .status());
  ASSERT_OK(store_
                ->UpdateDelivery(TransferId(3), "b",
                                 Update(v1::DELIVERY_STATE_FAILED, "no"))
                .status());
  ASSERT_OK_AND_ASSIGN(std::vector<OutboxTransfer> pending,
                       store_->ListPendingUploads(10));
  ASSERT_EQ(pending.size(), 3u);
  EXPECT_EQ(pending[0].transfer_id, TransferId(1));
  EXPECT_EQ(pending[1].transfer_id, TransferId(3));
  EXPECT_EQ(pending[2].transfer_id, TransferId(4));
  EXPECT_EQ(pending[1].recipients, (std::vector<std::string>{"b", "c"}));

  ASSERT_OK_AND_ASSIGN(std::vector<OutboxTransfer> first,
                       store_->ListPendingUploads(1));
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].transfer_id, TransferId(1));
}

TEST_F(SqliteNodeStoreTest, InboxDropsDuplicatesAndQueuesOneReceipt) {
  InboxRecord r = MakeInbox(1, kT0);
  ASSERT_OK_AND_ASSIGN(bool inserted, store_->InsertInbox(r, "receipt", kT0));
  EXPECT_TRUE(inserted);
  InboxRecord again = MakeInbox(1, kT0 + absl::Hours(1));
  again.envelope_path = "/elsewhere";
  ASSERT_OK_AND_ASSIGN(bool inserted_again,
                       store_->InsertInbox(again, "receipt 2", kT0));
  EXPECT_FALSE(inserted_again);

  ASSERT_OK_AND_ASSIGN(std::optional<InboxRecord> got,
                       store_->GetInbox(r.transfer_id));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->envelope_path, r.envelope_path);
  EXPECT_EQ(got->received_at, kT0);
  EXPECT_EQ(got->sender_id, r.sender_id);
  EXPECT_EQ(got->content_type, r.content_type);
  EXPECT_EQ(got->envelope_size, r.envelope_size);
  EXPECT_EQ(got->ciphertext_hash, r.ciphertext_hash);
  EXPECT_EQ(got->created_at, r.created_at);
  EXPECT_EQ(got->expires_at, r.expires_at);
  EXPECT_EQ(got->fetch_count, 0u);
  EXPECT_TRUE(*store_->InboxContains(r.transfer_id));
  EXPECT_FALSE(*store_->InboxContains(TransferId(2)));

  ASSERT_OK_AND_ASSIGN(std::vector<QueuedNotice> due,
                       store_->ListDueNotices(kT0, 10));
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].signed_notice, "receipt");

  ASSERT_OK_AND_ASSIGN(NodeCounts counts, store_->Counts());
  EXPECT_EQ(counts.inbox_count, 1u);
}

TEST_F(SqliteNodeStoreTest, InboxPagesNewestFirst) {
  for (int n = 1; n <= 5; ++n) {
    ASSERT_OK(store_->InsertInbox(MakeInbox(n, kT0 + absl::Minutes(n)), "", kT0)
                  .status());
  }
  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    ASSERT_OK_AND_ASSIGN(InboxPage page, store_->ListInbox(2, token));
    ++pages;
    EXPECT_LE(page.entries.size(), 2u);
    for (const InboxRecord& r : page.entries) seen.push_back(r.transfer_id);
    token = page.next_page_token;
  } while (!token.empty());
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, (std::vector<std::string>{TransferId(5), TransferId(4),
                                            TransferId(3), TransferId(2),
                                            TransferId(1)}));

  // An exact page leaves no empty page after it.
  ASSERT_OK_AND_ASSIGN(InboxPage all, store_->ListInbox(5, ""));
  EXPECT_EQ(all.entries.size(), 5u);
  EXPECT_TRUE(all.next_page_token.empty());

  EXPECT_TRUE(absl::IsInvalidArgument(store_->ListInbox(2, "x1").status()));
  EXPECT_TRUE(absl::IsInvalidArgument(store_->ListInbox(2, "-3").status()));
  EXPECT_TRUE(absl::IsInvalidArgument(store_->ListInbox(0, "").status()));
  EXPECT_TRUE(absl::IsInvalidArgument(store_->ListInbox(1001, "").status()));
}

TEST_F(SqliteNodeStoreTest, CountsFetches) {
  ASSERT_OK(store_->InsertInbox(MakeInbox(1, kT0), "", kT0).status());
  ASSERT_OK(store_->RecordInboxFetch(TransferId(1)));
  ASSERT_OK(store_->RecordInboxFetch(TransferId(1)));
  EXPECT_EQ((*store_->GetInbox(TransferId(1)))->fetch_count, 2u);
  EXPECT_TRUE(absl::IsNotFound(store_->RecordInboxFetch(TransferId(2))));
}

TEST_F(SqliteNodeStoreTest, NoticeQueueRetriesAndForgets) {
  ASSERT_OK_AND_ASSIGN(std::optional<absl::Time> none,
                       store_->NextNoticeAttempt());
  EXPECT_FALSE(none.has_value());
  ASSERT_OK(store_->EnqueueNotice("first", kT0));
  ASSERT_OK(store_->EnqueueNotice("second", kT0 + absl::Seconds(1)));
  EXPECT_TRUE(absl::IsInvalidArgument(store_->EnqueueNotice("", kT0)));

  ASSERT_OK_AND_ASSIGN(std::vector<QueuedNotice> due,
                       store_->ListDueNotices(kT0, 10));
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].signed_notice, "first");
  EXPECT_EQ(due[0].attempts, 0u);

  ASSERT_OK(store_->RescheduleNotice(due[0].id, kT0 + absl::Minutes(5)));
  ASSERT_OK_AND_ASSIGN(due, store_->ListDueNotices(kT0 + absl::Minutes(1), 10));
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].signed_notice, "second");
  ASSERT_OK(store_->RemoveNotice(due[0].id));

  ASSERT_OK_AND_ASSIGN(std::optional<absl::Time> next,
                       store_->NextNoticeAttempt());
  EXPECT_EQ(next, kT0 + absl::Minutes(5));
  ASSERT_OK_AND_ASSIGN(due, store_->ListDueNotices(kT0 + absl::Minutes(5), 10));
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].signed_notice, "first");
  EXPECT_EQ(due[0].attempts, 1u);
}

TEST_F(SqliteNodeStoreTest, DirectoryVersionNeverGoesDown) {
  EXPECT_EQ(*store_->HighestDirectoryVersion(), 0u);
  ASSERT_OK(store_->RecordDirectoryVersion(5));
  ASSERT_OK(store_->RecordDirectoryVersion(3));
  EXPECT_EQ(*store_->HighestDirectoryVersion(), 5u);
  ASSERT_OK(store_->RecordDirectoryVersion(7));
  EXPECT_EQ(*store_->HighestDirectoryVersion(), 7u);
}

TEST_F(SqliteNodeStoreTest, CountsQueuedRecipients) {
  ASSERT_OK(store_->InsertOutbox(MakeOutbox(1, "cms", "a")).status());
  ASSERT_OK(store_->InsertOutbox(MakeOutbox(2, "cms", "b")).status());
  ASSERT_OK(store_
                ->UpdateDelivery(TransferId(1), "b",
                                 Update(v1::DELIVERY_STATE_AT_ROUTER))
                .status());
  ASSERT_OK_AND_ASSIGN(NodeCounts counts, store_->Counts());
  EXPECT_EQ(counts.outbox_queued, 3u);
  EXPECT_EQ(counts.inbox_count, 0u);
}

TEST_F(SqliteNodeStoreTest, ReopenedStoreKeepsEverything) {
  ASSERT_OK(store_->InsertOutbox(MakeOutbox(1, "cms", "k")).status());
  DeliveryUpdate delivered = Update(v1::DELIVERY_STATE_DELIVERED);
  delivered.receipt = "receipt";
  ASSERT_OK(store_->UpdateDelivery(TransferId(1), "b", delivered).status());
  ASSERT_OK(store_->InsertInbox(MakeInbox(2, kT0), "my receipt", kT0).status());
  ASSERT_OK(store_->RecordDirectoryVersion(9));

  Reopen();

  ASSERT_OK_AND_ASSIGN(InsertOutboxResult again,
                       store_->InsertOutbox(MakeOutbox(3, "cms", "k")));
  EXPECT_TRUE(again.duplicate);
  EXPECT_EQ(again.transfer_id, TransferId(1));
  EXPECT_EQ(StateOf(1, "b"), v1::DELIVERY_STATE_DELIVERED);
  EXPECT_EQ(StateOf(1, "c"), v1::DELIVERY_STATE_QUEUED);
  // Still forward-only after a restart.
  EXPECT_FALSE(*store_->UpdateDelivery(TransferId(1), "b",
                                       Update(v1::DELIVERY_STATE_FAILED)));
  ASSERT_OK_AND_ASSIGN(bool inserted,
                       store_->InsertInbox(MakeInbox(2, kT0), "again", kT0));
  EXPECT_FALSE(inserted);
  ASSERT_OK_AND_ASSIGN(std::vector<QueuedNotice> due,
                       store_->ListDueNotices(kT0, 10));
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].signed_notice, "my receipt");
  EXPECT_EQ(*store_->HighestDirectoryVersion(), 9u);
  ASSERT_OK_AND_ASSIGN(std::vector<OutboxTransfer> pending,
                       store_->ListPendingUploads(10));
  EXPECT_EQ(pending.size(), 1u);
}

// Transfer ids in the order ListPrunableInbox returned them.
std::vector<std::string> PrunableIds(NodeStore& store, absl::Time before,
                                     size_t limit = 100) {
  std::vector<std::string> ids;
  auto due = store.ListPrunableInbox(before, limit);
  EXPECT_TRUE(due.ok()) << due.status();
  if (!due.ok()) return ids;
  for (const InboxRecord& r : *due) ids.push_back(r.transfer_id);
  return ids;
}

TEST_F(SqliteNodeStoreTest, PrunableInboxIsWhatTheAgencyTookOn) {
  // 1: never opened; 2: fetched; 3: acknowledged only; 4: fetched, but
  // received at the cutoff (not before it).
  for (int n = 1; n <= 3; ++n) {
    ASSERT_OK(
        store_->InsertInbox(MakeInbox(n, kT0 + absl::Minutes(10 - n)), "", kT0)
            .status());
  }
  ASSERT_OK(store_->InsertInbox(MakeInbox(4, kT0 + absl::Hours(1)), "", kT0)
                .status());
  // 5: fetched and old, but not yet checked for a police alert.
  ASSERT_OK(store_->InsertInbox(MakeInbox(5, kT0), "", kT0).status());
  ASSERT_OK(store_->RecordInboxFetch(TransferId(5)));
  for (int n = 1; n <= 4; ++n) {
    ASSERT_OK(store_->MarkCheckedForAlerts(TransferId(n)));
  }
  ASSERT_OK(store_->RecordInboxFetch(TransferId(2)));
  ASSERT_OK(store_->RecordInboxFetch(TransferId(4)));
  ASSERT_OK(store_
                ->AcknowledgeInbox(TransferId(3), "duty-officer", "seen",
                                   kT0 + absl::Minutes(20), "ack notice")
                .status());

  const absl::Time cutoff = kT0 + absl::Hours(1);
  // Oldest first: 3 was received before 2.
  EXPECT_EQ(PrunableIds(*store_, cutoff),
            (std::vector<std::string>{TransferId(3), TransferId(2)}));
  EXPECT_EQ(PrunableIds(*store_, cutoff, 1),
            (std::vector<std::string>{TransferId(3)}));
  EXPECT_TRUE(PrunableIds(*store_, kT0).empty());
  EXPECT_EQ(PrunableIds(*store_, cutoff + absl::Seconds(1)).size(), 3u);
  // Never opened, or not yet checked for an alert: never listed.
  for (const std::string& id : PrunableIds(*store_, absl::InfiniteFuture())) {
    EXPECT_NE(id, TransferId(1));
    EXPECT_NE(id, TransferId(5));
  }
}

TEST_F(SqliteNodeStoreTest, MarkInboxPrunedIsKeptAndShown) {
  ASSERT_OK(store_->InsertInbox(MakeInbox(1, kT0), "", kT0).status());
  ASSERT_OK(store_->InsertInbox(MakeInbox(2, kT0), "", kT0).status());
  ASSERT_OK(store_->RecordInboxFetch(TransferId(1)));
  ASSERT_OK(store_->RecordInboxFetch(TransferId(2)));
  ASSERT_OK(store_->MarkCheckedForAlerts(TransferId(1)));
  ASSERT_OK(store_->MarkCheckedForAlerts(TransferId(2)));
  EXPECT_FALSE((*store_->GetInbox(TransferId(1)))->content_pruned_at);

  const absl::Time at = kT0 + absl::Hours(48);
  ASSERT_OK(store_->MarkInboxPruned(TransferId(1), at));
  // Idempotent: the first time stands.
  ASSERT_OK(store_->MarkInboxPruned(TransferId(1), at + absl::Hours(1)));
  EXPECT_TRUE(absl::IsNotFound(store_->MarkInboxPruned(TransferId(9), at)));
  EXPECT_EQ(PrunableIds(*store_, absl::InfiniteFuture()),
            (std::vector<std::string>{TransferId(2)}));

  ASSERT_OK_AND_ASSIGN(std::optional<InboxRecord> got,
                       store_->GetInbox(TransferId(1)));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->content_pruned_at, at);
  EXPECT_EQ(got->fetch_count, 1u);
  EXPECT_EQ(got->sender_id, "stockport-cs");
  ASSERT_OK_AND_ASSIGN(InboxPage page, store_->ListInbox(10, ""));
  ASSERT_EQ(page.entries.size(), 2u);
  EXPECT_EQ(page.entries[0].transfer_id, TransferId(2));
  EXPECT_FALSE(page.entries[0].content_pruned_at.has_value());
  EXPECT_EQ(page.entries[1].content_pruned_at, at);

  Reopen();
  EXPECT_EQ((*store_->GetInbox(TransferId(1)))->content_pruned_at, at);
  EXPECT_EQ(PrunableIds(*store_, absl::InfiniteFuture()),
            (std::vector<std::string>{TransferId(2)}));
}

}  // namespace
}  // namespace handover::node

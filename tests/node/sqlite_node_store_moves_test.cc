// NodeStore's moves on real SQLite files: a whole move stored at once or not
// at all, a repeated key, supersession (withdrawing what was still queued
// and queueing router withdrawals), acknowledgements and deadlines, the
// recipient side's acknowledgement and alert-check queues, and a database
// made before moves existed.
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "node/node_store.h"
#include "node_test_util.h"
#include "sqlite/sqlite_db.h"
#include "status_matchers.h"
#include "temp_dir.h"

namespace handover::node {
namespace {

using ::handover::node::testing::kT0;
using ::handover::node::testing::MakeInbox;
using ::handover::node::testing::MakeOutbox;
using ::handover::node::testing::TransferId;
namespace v1 = ::handover::v1;

MoveView View(int n, const std::string& key, v1::AgencyKind kind,
              std::vector<std::string> recipients,
              std::optional<absl::Time> due) {
  MoveView view;
  view.transfer = MakeOutbox(n, "case-system", key, recipients);
  view.kind = kind;
  view.kept_fields = {"metadata", "identity", "move"};
  view.kept_attachments = {"photo.jpg"};
  for (size_t i = 0; i < recipients.size(); ++i) {
    view.recipient_kinds.push_back(kind);
    view.acknowledgement_due_at.push_back(due);
  }
  return view;
}

MoveRecord Move(int n, const std::string& key, int first_transfer) {
  MoveRecord move;
  move.move_id = TransferId(1000 + n);
  move.client_name = "case-system";
  move.idempotency_key = key;
  move.child_key = std::string(32, 'c');
  move.kind = v1::MOVE_NOTICE_KIND_MOVE;
  move.from_area = "E08000007";
  move.to_area = "E08000025";
  move.created_at = kT0;
  move.views.push_back(View(first_transfer, key + ":0",
                            v1::AGENCY_KIND_POLICE_FORCE, {"police-a"},
                            kT0 + absl::Minutes(15)));
  move.views.push_back(View(first_transfer + 1, key + ":1",
                            v1::AGENCY_KIND_HEALTH_TEAM, {"health-a"},
                            kT0 + absl::Hours(24)));
  return move;
}

class MoveStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(store_, OpenSqliteNodeStore(path()));
  }
  std::string path() const { return dir_.path() + "/node.db"; }

  DeliveryState StateOf(int n, const std::string& recipient) {
    auto record = store_->GetTransfer(TransferId(n));
    EXPECT_TRUE(record.ok() && record->has_value());
    for (const RecipientDelivery& r : (*record)->recipients) {
      if (r.agency_id == recipient) return r.state;
    }
    return v1::DELIVERY_STATE_UNSPECIFIED;
  }

  handover::testing::TempDir dir_;
  std::unique_ptr<NodeStore> store_;
};

TEST_F(MoveStoreTest, StoresAWholeMoveAndReadsItBack) {
  ASSERT_OK_AND_ASSIGN(InsertMoveResult inserted,
                       store_->InsertMove(Move(1, "m1", 1)));
  EXPECT_FALSE(inserted.duplicate);
  ASSERT_OK_AND_ASSIGN(std::optional<MoveRecord> got,
                       store_->GetMove(TransferId(1001)));
  ASSERT_TRUE(got.has_value());
  ASSERT_EQ(got->views.size(), 2u);
  EXPECT_EQ(got->views[0].kind, v1::AGENCY_KIND_POLICE_FORCE);
  EXPECT_EQ(got->views[0].kept_fields,
            (std::vector<std::string>{"metadata", "identity", "move"}));
  EXPECT_EQ(got->views[0].kept_attachments,
            (std::vector<std::string>{"photo.jpg"}));
  ASSERT_OK_AND_ASSIGN(std::optional<TransferRecord> transfer,
                       store_->GetTransfer(TransferId(1)));
  ASSERT_TRUE(transfer.has_value());
  EXPECT_EQ(transfer->recipients[0].kind, v1::AGENCY_KIND_POLICE_FORCE);
  EXPECT_EQ(transfer->recipients[0].acknowledgement_due_at,
            kT0 + absl::Minutes(15));
  ASSERT_OK_AND_ASSIGN(std::optional<TransferMoveInfo> info,
                       store_->GetTransferMove(TransferId(2)));
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->move_id, TransferId(1001));
  EXPECT_EQ(info->kind, v1::AGENCY_KIND_HEALTH_TEAM);
}

TEST_F(MoveStoreTest, APoliceViewIsUploadedBeforeEverythingQueuedEarlier) {
  // An ordinary transfer and a move whose health view was stored first: the
  // police view must still lead the upload queue, so a backlog never delays
  // a control room's alert.
  ASSERT_OK(store_->InsertOutbox(MakeOutbox(50, "case-system", "t1")).status());
  MoveRecord move = Move(1, "m1", 1);
  std::swap(move.views[0], move.views[1]);
  ASSERT_OK(store_->InsertMove(move).status());
  ASSERT_OK_AND_ASSIGN(std::vector<OutboxTransfer> queued,
                       store_->ListPendingUploads(10));
  ASSERT_EQ(queued.size(), 3u);
  EXPECT_EQ(queued[0].transfer_id, TransferId(1));   // the police view
  EXPECT_EQ(queued[1].transfer_id, TransferId(50));  // then in stored order
  EXPECT_EQ(queued[2].transfer_id, TransferId(2));
}

TEST_F(MoveStoreTest, RepeatedKeyStoresNothingAndNamesTheFirstMove) {
  ASSERT_OK(store_->InsertMove(Move(1, "m1", 1)).status());
  MoveRecord again = Move(2, "m1", 3);
  ASSERT_OK_AND_ASSIGN(InsertMoveResult inserted, store_->InsertMove(again));
  EXPECT_TRUE(inserted.duplicate);
  EXPECT_EQ(inserted.move_id, TransferId(1001));
  ASSERT_OK_AND_ASSIGN(std::optional<TransferRecord> none,
                       store_->GetTransfer(TransferId(3)));
  EXPECT_FALSE(none.has_value());
  ASSERT_OK_AND_ASSIGN(std::optional<MoveRecord> found,
                       store_->FindMoveByIdempotencyKey("case-system", "m1"));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->move_id, TransferId(1001));
}

TEST_F(MoveStoreTest, AViewThatCannotBeStoredLeavesNoPartOfTheMove) {
  ASSERT_OK(store_->InsertOutbox(MakeOutbox(2, "other", "k")).status());
  // The move's second view collides with transfer 2.
  absl::StatusOr<InsertMoveResult> inserted =
      store_->InsertMove(Move(1, "m1", 1));
  EXPECT_FALSE(inserted.ok());
  ASSERT_OK_AND_ASSIGN(std::optional<TransferRecord> first,
                       store_->GetTransfer(TransferId(1)));
  EXPECT_FALSE(first.has_value());
  ASSERT_OK_AND_ASSIGN(std::optional<MoveRecord> move,
                       store_->GetMove(TransferId(1001)));
  EXPECT_FALSE(move.has_value());
}

TEST_F(MoveStoreTest, ALaterMoveWithdrawsWhatWasQueuedAndQueuesWithdrawals) {
  ASSERT_OK(store_->InsertMove(Move(1, "m1", 1)).status());
  DeliveryUpdate at_router;
  at_router.state = v1::DELIVERY_STATE_AT_ROUTER;
  at_router.at = kT0;
  ASSERT_OK(
      store_->UpdateDelivery(TransferId(1), "police-a", at_router).status());
  ASSERT_OK_AND_ASSIGN(std::vector<MoveRecord> open,
                       store_->ListUndeliveredMoves(std::string(32, 'c')));
  ASSERT_EQ(open.size(), 1u);

  MoveRecord later = Move(2, "m2", 3);
  later.superseded_move_ids = {TransferId(1001)};
  ASSERT_OK(store_->InsertMove(later).status());
  EXPECT_EQ(StateOf(1, "police-a"), v1::DELIVERY_STATE_AT_ROUTER);
  EXPECT_EQ(StateOf(2, "health-a"), v1::DELIVERY_STATE_WITHDRAWN);
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> pending,
                       store_->ListPendingWithdrawals(10));
  EXPECT_EQ(std::set<std::string>(pending.begin(), pending.end()),
            (std::set<std::string>{TransferId(1), TransferId(2)}));
  ASSERT_OK(store_->CompleteWithdrawal(TransferId(1)));
  ASSERT_OK_AND_ASSIGN(pending, store_->ListPendingWithdrawals(10));
  EXPECT_EQ(pending, (std::vector<std::string>{TransferId(2)}));
  ASSERT_OK_AND_ASSIGN(std::optional<MoveRecord> first,
                       store_->GetMove(TransferId(1001)));
  EXPECT_EQ(first->superseded_by, TransferId(1002));
  // Only the later move is still open.
  ASSERT_OK_AND_ASSIGN(open,
                       store_->ListUndeliveredMoves(std::string(32, 'c')));
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].move_id, TransferId(1002));
  // A withdrawn copy is never overdue.
  ASSERT_OK_AND_ASSIGN(std::vector<OverdueCopy> overdue,
                       store_->ListOverdue(kT0 + absl::Hours(48), 10));
  for (const OverdueCopy& c : overdue) {
    EXPECT_NE(c.transfer_id, TransferId(2));
  }
}

TEST_F(MoveStoreTest, OverdueListsUnacknowledgedCopiesPastTheirDeadline) {
  ASSERT_OK(store_->InsertMove(Move(1, "m1", 1)).status());
  ASSERT_OK_AND_ASSIGN(std::vector<OverdueCopy> none,
                       store_->ListOverdue(kT0 + absl::Minutes(14), 10));
  EXPECT_TRUE(none.empty());
  ASSERT_OK_AND_ASSIGN(std::vector<OverdueCopy> police,
                       store_->ListOverdue(kT0 + absl::Minutes(16), 10));
  ASSERT_EQ(police.size(), 1u);
  EXPECT_EQ(police[0].agency_id, "police-a");
  EXPECT_EQ(police[0].move_id, TransferId(1001));
  ASSERT_OK_AND_ASSIGN(bool recorded, store_->RecordAcknowledgement(
                                          TransferId(1), "police-a", "CR-1",
                                          kT0 + absl::Minutes(20), "signed"));
  EXPECT_TRUE(recorded);
  ASSERT_OK_AND_ASSIGN(recorded, store_->RecordAcknowledgement(
                                     TransferId(1), "police-a", "CR-2",
                                     kT0 + absl::Minutes(21), "again"));
  EXPECT_FALSE(recorded);
  EXPECT_EQ(
      store_->RecordAcknowledgement(TransferId(1), "nobody", "CR-1", kT0, "x")
          .status()
          .code(),
      absl::StatusCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(std::vector<OverdueCopy> later,
                       store_->ListOverdue(kT0 + absl::Hours(25), 10));
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(later[0].agency_id, "health-a");
  ASSERT_OK_AND_ASSIGN(std::optional<TransferRecord> acked,
                       store_->GetTransfer(TransferId(1)));
  EXPECT_EQ(acked->recipients[0].acknowledged_by, "CR-1");
  EXPECT_EQ(acked->recipients[0].acknowledgement, "signed");
}

TEST_F(MoveStoreTest, InboxAcknowledgementQueuesOneNoticeAndIsIdempotent) {
  ASSERT_OK(store_->InsertInbox(MakeInbox(7, kT0), "", kT0).status());
  ASSERT_OK_AND_ASSIGN(
      InboxAcknowledgement first,
      store_->AcknowledgeInbox(TransferId(7), "CR-1", "note", kT0, "notice-1"));
  EXPECT_FALSE(first.duplicate);
  ASSERT_OK_AND_ASSIGN(
      InboxAcknowledgement second,
      store_->AcknowledgeInbox(TransferId(7), "CR-2", "",
                               kT0 + absl::Minutes(1), "notice-2"));
  EXPECT_TRUE(second.duplicate);
  EXPECT_EQ(second.operator_id, "CR-1");
  ASSERT_OK_AND_ASSIGN(std::vector<QueuedNotice> queued,
                       store_->ListDueNotices(kT0 + absl::Hours(1), 10));
  ASSERT_EQ(queued.size(), 1u);
  EXPECT_EQ(queued[0].signed_notice, "notice-1");
  EXPECT_EQ(store_->AcknowledgeInbox(TransferId(8), "CR-1", "", kT0, "n")
                .status()
                .code(),
            absl::StatusCode::kNotFound);
}

TEST_F(MoveStoreTest, EveryInboxArrivalIsCheckedForAlertsOnce) {
  ASSERT_OK(store_->InsertInbox(MakeInbox(7, kT0), "", kT0).status());
  ASSERT_OK(store_->InsertInbox(MakeInbox(8, kT0), "", kT0).status());
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> unchecked,
                       store_->ListUncheckedForAlerts(10));
  EXPECT_EQ(unchecked,
            (std::vector<std::string>{TransferId(7), TransferId(8)}));
  ASSERT_OK(store_->MarkCheckedForAlerts(TransferId(7)));
  ASSERT_OK_AND_ASSIGN(unchecked, store_->ListUncheckedForAlerts(10));
  EXPECT_EQ(unchecked, (std::vector<std::string>{TransferId(8)}));
}

TEST_F(MoveStoreTest, OpensADatabaseMadeBeforeMovesExisted) {
  store_.reset();
  const std::string old_path = dir_.path() + "/old.db";
  {
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<sqlite::SqliteDb> db,
                         sqlite::SqliteDb::Open(old_path));
    ASSERT_OK(db->Exec(R"sql(
CREATE TABLE outbox_transfers (
  transfer_id BLOB PRIMARY KEY, client_name TEXT NOT NULL,
  idempotency_key TEXT NOT NULL, created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL, envelope_path TEXT NOT NULL,
  envelope_size INTEGER NOT NULL, ciphertext_hash BLOB NOT NULL,
  UNIQUE (client_name, idempotency_key));
CREATE TABLE outbox_recipients (
  transfer_id BLOB NOT NULL REFERENCES outbox_transfers(transfer_id)
      ON DELETE CASCADE,
  position INTEGER NOT NULL, agency_id TEXT NOT NULL, state INTEGER NOT NULL,
  reason TEXT NOT NULL DEFAULT '', updated_at INTEGER NOT NULL,
  receipt BLOB, report BLOB, PRIMARY KEY (transfer_id, agency_id));
CREATE TABLE inbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, transfer_id BLOB NOT NULL UNIQUE,
  sender_id TEXT NOT NULL, created_at INTEGER NOT NULL,
  received_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,
  content_type TEXT NOT NULL, envelope_path TEXT NOT NULL,
  envelope_size INTEGER NOT NULL, ciphertext_hash BLOB NOT NULL,
  fetch_count INTEGER NOT NULL DEFAULT 0);
INSERT INTO outbox_transfers VALUES (x'00000000000000000000000000000009',
  'case-system', 'old', 1, 2, '/nowhere', 10, x'00');
INSERT INTO outbox_recipients (transfer_id, position, agency_id, state,
  updated_at) VALUES (x'00000000000000000000000000000009', 0, 'b', 1, 1);
)sql"));
  }
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<NodeStore> store,
                       OpenSqliteNodeStore(old_path));
  ASSERT_OK_AND_ASSIGN(std::optional<std::string> old,
                       store->FindByIdempotencyKey("case-system", "old"));
  ASSERT_TRUE(old.has_value());
  ASSERT_OK_AND_ASSIGN(std::optional<TransferRecord> record,
                       store->GetTransfer(*old));
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->recipients[0].kind, v1::AGENCY_KIND_UNSPECIFIED);
  EXPECT_FALSE(record->recipients[0].acknowledgement_due_at.has_value());
  // And the new tables work in it.
  ASSERT_OK(store->InsertMove(Move(1, "m1", 1)).status());
}

}  // namespace
}  // namespace handover::node

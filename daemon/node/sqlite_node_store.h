// The SQLite implementation of NodeStore: one database file in WAL mode
// with synchronous=FULL, so every call that returned OK is on disk.
//
// Thread-safe: one mutex guards the connection and its statements. The
// forward-only rule and the idempotency key are enforced by the SQL itself
// (a conditional UPDATE, a UNIQUE constraint), not by read-then-write.
#ifndef HANDOVER_NODE_SQLITE_NODE_STORE_H_
#define HANDOVER_NODE_SQLITE_NODE_STORE_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "node/node_store.h"
#include "sqlite/sqlite_db.h"

namespace handover::node {

class SqliteNodeStore final : public NodeStore {
 public:
  static absl::StatusOr<std::unique_ptr<SqliteNodeStore>> Open(
      const std::string& path);

  absl::StatusOr<InsertOutboxResult> InsertOutbox(
      const OutboxTransfer& transfer) override;
  absl::StatusOr<std::optional<std::string>> FindByIdempotencyKey(
      absl::string_view client_name,
      absl::string_view idempotency_key) override;
  absl::StatusOr<std::optional<TransferRecord>> GetTransfer(
      absl::string_view transfer_id) override;
  absl::StatusOr<std::vector<OutboxTransfer>> ListPendingUploads(
      size_t limit) override;
  absl::StatusOr<bool> UpdateDelivery(absl::string_view transfer_id,
                                      absl::string_view recipient,
                                      const DeliveryUpdate& update) override;
  absl::StatusOr<int> UpdateAllDeliveries(
      absl::string_view transfer_id, const DeliveryUpdate& update) override;

  absl::StatusOr<bool> InsertInbox(const InboxRecord& record,
                                   absl::string_view receipt,
                                   absl::Time now) override;
  absl::StatusOr<bool> InboxContains(absl::string_view transfer_id) override;
  absl::StatusOr<std::optional<InboxRecord>> GetInbox(
      absl::string_view transfer_id) override;
  absl::StatusOr<InboxPage> ListInbox(size_t page_size,
                                      absl::string_view page_token) override;
  absl::Status RecordInboxFetch(absl::string_view transfer_id) override;
  absl::StatusOr<std::vector<InboxRecord>> FlagRecalled(
      const RecallRequest& request) override;
  absl::StatusOr<std::vector<RecalledInbox>> ListRecalled(
      size_t limit) override;
  absl::StatusOr<std::vector<InboxRecord>> ListPrunableInbox(
      absl::Time received_before, size_t limit) override;
  absl::Status MarkInboxPruned(absl::string_view transfer_id,
                               absl::Time at) override;

  absl::Status EnqueueNotice(absl::string_view signed_notice,
                             absl::Time now) override;
  absl::StatusOr<std::vector<QueuedNotice>> ListDueNotices(
      absl::Time now, size_t limit) override;
  absl::Status RemoveNotice(int64_t id) override;
  absl::Status RescheduleNotice(int64_t id,
                                absl::Time next_attempt_at) override;
  absl::StatusOr<std::optional<absl::Time>> NextNoticeAttempt() override;

  absl::StatusOr<uint64_t> HighestDirectoryVersion() override;
  absl::Status RecordDirectoryVersion(uint64_t version) override;
  absl::StatusOr<NodeCounts> Counts() override;

  absl::StatusOr<InsertMoveResult> InsertMove(const MoveRecord& move) override;
  absl::StatusOr<std::optional<MoveRecord>> FindMoveByIdempotencyKey(
      absl::string_view client_name,
      absl::string_view idempotency_key) override;
  absl::StatusOr<std::optional<MoveRecord>> GetMove(
      absl::string_view move_id) override;
  absl::StatusOr<std::vector<MoveRecord>> ListUndeliveredMoves(
      absl::string_view child_key) override;
  absl::StatusOr<std::optional<TransferMoveInfo>> GetTransferMove(
      absl::string_view transfer_id) override;
  absl::StatusOr<bool> RecordAcknowledgement(
      absl::string_view transfer_id, absl::string_view recipient,
      absl::string_view operator_id, absl::Time acknowledged_at,
      absl::string_view signed_notice) override;
  absl::StatusOr<std::vector<OverdueCopy>> ListOverdue(absl::Time now,
                                                       size_t limit) override;
  absl::StatusOr<std::vector<std::string>> ListPendingWithdrawals(
      size_t limit) override;
  absl::Status CompleteWithdrawal(absl::string_view transfer_id) override;
  absl::StatusOr<InboxAcknowledgement> AcknowledgeInbox(
      absl::string_view transfer_id, absl::string_view operator_id,
      absl::string_view note, absl::Time at,
      absl::string_view signed_notice) override;
  absl::StatusOr<std::vector<std::string>> ListUncheckedForAlerts(
      size_t limit) override;
  absl::Status MarkCheckedForAlerts(absl::string_view transfer_id) override;

 private:
  // Inserts the transfer and its recipients (with `view`'s kinds and
  // deadlines, if any) inside the caller's transaction.
  absl::Status InsertTransferLocked(const OutboxTransfer& transfer,
                                    const MoveView* view)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::StatusOr<std::optional<MoveRecord>> GetMoveLocked(
      absl::string_view move_id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::StatusOr<std::optional<std::string>> FindMoveByKeyLocked(
      absl::string_view client_name, absl::string_view idempotency_key)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::StatusOr<std::optional<TransferRecord>> GetTransferLocked(
      absl::string_view transfer_id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  explicit SqliteNodeStore(std::unique_ptr<sqlite::SqliteDb> db)
      : db_(std::move(db)) {}

  absl::StatusOr<std::optional<std::string>> FindByKeyLocked(
      absl::string_view client_name, absl::string_view idempotency_key)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::StatusOr<std::vector<std::string>> RecipientsLocked(
      absl::string_view transfer_id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::StatusOr<bool> UpdateLocked(absl::string_view transfer_id,
                                    absl::string_view recipient,
                                    const DeliveryUpdate& update)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::StatusOr<bool> TransferExistsLocked(absl::string_view transfer_id)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status EnqueueNoticeLocked(absl::string_view signed_notice,
                                   absl::Time now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  absl::Mutex mu_;
  const std::unique_ptr<sqlite::SqliteDb> db_ ABSL_PT_GUARDED_BY(mu_);
};

}  // namespace handover::node

#endif  // HANDOVER_NODE_SQLITE_NODE_STORE_H_

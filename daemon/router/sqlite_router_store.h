// RouterStore on one SQLite file (WAL, synchronous=FULL): the embedded
// default. Thread-safe.
//
// Writes use group commit: concurrent callers' changes run one after the
// other inside a single transaction, each in its own savepoint (so one
// failing call undoes only itself), and one COMMIT (one fsync) makes them
// all durable before any of them returns. Under load this turns hundreds of
// small synced commits a second into a few dozen, without delaying a lone
// writer. Reads use a second connection, so that they never wait for a
// commit's fsync (WAL readers see the last committed state).
#ifndef HANDOVER_ROUTER_SQLITE_ROUTER_STORE_H_
#define HANDOVER_ROUTER_SQLITE_ROUTER_STORE_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/synchronization/mutex.h"
#include "router/router_store.h"
#include "sqlite/sqlite_db.h"

namespace handover::router {

class SqliteRouterStore final : public RouterStore {
 public:
  // Opens (creating if needed) the database at `path`.
  static absl::StatusOr<std::unique_ptr<SqliteRouterStore>> Open(
      const std::string& path);
  ~SqliteRouterStore() override;

  absl::StatusOr<AcceptResult> AcceptEnvelope(
      const EnvelopeRecord& envelope,
      absl::string_view inline_ciphertext) override;
  absl::StatusOr<std::optional<EnvelopeRecord>> FindEnvelope(
      absl::string_view transfer_id) override;
  absl::StatusOr<std::string> ReadInlineCiphertext(
      absl::string_view transfer_id) override;
  absl::StatusOr<std::vector<DeliveryRecord>> ListDeliveries(
      absl::string_view transfer_id) override;

  absl::StatusOr<std::vector<MailboxItem>> ClaimItems(
      absl::string_view agency_id, absl::Time now, size_t limit) override;
  absl::StatusOr<std::optional<absl::Time>> NextDueTime(
      absl::string_view agency_id, absl::Time now) override;
  absl::Status ReleaseItems(absl::string_view agency_id,
                            const std::vector<uint64_t>& delivery_ids,
                            absl::Time now,
                            const config::RetryPolicy& retry) override;
  absl::Status ReleaseAllPushed() override;
  absl::Status ReleasePushedOf(absl::string_view agency_id) override;
  absl::StatusOr<std::vector<ItemUpdate>> AckStored(
      absl::string_view agency_id, const std::vector<uint64_t>& delivery_ids,
      absl::Time now) override;
  absl::Status RejectNotice(absl::string_view agency_id, uint64_t delivery_id,
                            absl::string_view reason, absl::Time now) override;
  absl::StatusOr<MailboxItem> GetItem(absl::string_view agency_id,
                                      uint64_t delivery_id) override;

  absl::StatusOr<DeliveryOutcome> FinishDelivery(absl::string_view transfer_id,
                                                 absl::string_view recipient_id,
                                                 DeliveryState final_state,
                                                 absl::string_view reason,
                                                 absl::string_view report,
                                                 absl::Time now) override;
  absl::StatusOr<DeliveryOutcome> RecordReceipt(absl::string_view transfer_id,
                                                absl::string_view recipient_id,
                                                absl::string_view receipt,
                                                absl::Time now) override;

  absl::StatusOr<bool> RecordAcknowledgement(absl::string_view transfer_id,
                                             absl::string_view recipient_id,
                                             absl::string_view acknowledgement,
                                             absl::Time now) override;
  absl::StatusOr<WithdrawResult> WithdrawTransfer(
      absl::string_view transfer_id, absl::string_view sender_id,
      const std::map<std::string, std::string>& reports,
      absl::Time now) override;
  absl::StatusOr<bool> IsWithdrawn(absl::string_view transfer_id,
                                   absl::string_view sender_id) override;
  absl::StatusOr<int> ForgetWithdrawalsBefore(absl::Time cutoff,
                                              size_t limit) override;

  absl::StatusOr<std::vector<OpenDelivery>> ListExpired(absl::Time now,
                                                        size_t limit) override;
  absl::StatusOr<std::vector<OpenDelivery>> ListOpenDeliveriesTo(
      absl::string_view recipient_id, size_t limit) override;
  absl::StatusOr<std::vector<OpenDelivery>> ListOpenDeliveriesFrom(
      absl::string_view sender_id, uint64_t after_delivery_id,
      size_t limit) override;
  absl::StatusOr<std::vector<CiphertextRef>> ListDeletableCiphertext(
      absl::Time retention_cutoff, size_t limit) override;
  absl::Status MarkCiphertextDeleted(absl::string_view transfer_id,
                                     absl::Time now) override;
  absl::StatusOr<std::vector<std::string>> ListSpoolNames() override;

  absl::StatusOr<uint64_t> DirectoryVersion() override;
  absl::Status RecordDirectoryVersion(uint64_t version) override;

 private:
  struct Statements;
  struct PendingWrite;

  SqliteRouterStore(std::unique_ptr<sqlite::SqliteDb> db,
                    std::unique_ptr<Statements> statements,
                    std::unique_ptr<sqlite::SqliteDb> reader,
                    std::unique_ptr<Statements> read_statements);
  static absl::Status PrepareAll(sqlite::SqliteDb* db, Statements* s);
  bool LeaderIdle() const ABSL_SHARED_LOCKS_REQUIRED(queue_mu_) {
    return !leader_active_;
  }

  // Runs `change` inside the current group transaction and returns once it
  // is committed (or has failed). `change` runs with db_mu_ held and must
  // touch the database only.
  absl::Status Write(absl::FunctionRef<absl::Status()> change);
  // Runs a batch of writes in one transaction; the caller is the leader.
  void RunBatch(const std::vector<PendingWrite*>& batch);

  // With the statements of either connection (its mutex held).
  static absl::StatusOr<std::optional<EnvelopeRecord>> FindEnvelopeIn(
      Statements& s, absl::string_view transfer_id);
  static absl::StatusOr<std::vector<DeliveryRecord>> ListDeliveriesIn(
      Statements& s, absl::string_view transfer_id);
  static absl::StatusOr<bool> IsWithdrawnIn(Statements& s,
                                            absl::string_view transfer_id,
                                            absl::string_view sender_id);
  // WithdrawTransfer's change, for an envelope the store holds.
  absl::Status WithdrawHeldLocked(
      const EnvelopeRecord& envelope,
      const std::map<std::string, std::string>& reports, absl::Time now,
      WithdrawResult* result) ABSL_EXCLUSIVE_LOCKS_REQUIRED(db_mu_);
  absl::Status InsertNoticeLocked(absl::string_view transfer_id, ItemKind kind,
                                  absl::string_view subject,
                                  absl::string_view notice, absl::Time now,
                                  bool* inserted)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(db_mu_);
  // Marks the ciphertext deleted if no delivery needs it any more.
  absl::Status ReleaseIfFinishedLocked(absl::string_view transfer_id,
                                       absl::Time now,
                                       std::optional<CiphertextRef>* released)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(db_mu_);

  absl::Mutex db_mu_;
  std::unique_ptr<sqlite::SqliteDb> db_ ABSL_GUARDED_BY(db_mu_);
  std::unique_ptr<Statements> stmts_ ABSL_GUARDED_BY(db_mu_);

  absl::Mutex read_mu_;  // never held while taking db_mu_, or the reverse
  std::unique_ptr<sqlite::SqliteDb> reader_ ABSL_GUARDED_BY(read_mu_);
  std::unique_ptr<Statements> read_stmts_ ABSL_GUARDED_BY(read_mu_);

  absl::Mutex queue_mu_;
  std::vector<PendingWrite*> queue_ ABSL_GUARDED_BY(queue_mu_);
  bool leader_active_ ABSL_GUARDED_BY(queue_mu_) = false;
};

}  // namespace handover::router

#endif  // HANDOVER_ROUTER_SQLITE_ROUTER_STORE_H_

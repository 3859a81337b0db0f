// The node's durable state, behind an interface so the logic that uses it
// never sees SQL: the outbox (transfers this agency sent and where each
// recipient's copy has got to), the inbox (envelopes delivered to this
// agency, held sealed on disk), the queue of notices to hand the router
// (our signed delivery receipts) and the highest directory version verified.
//
// Ids: transfer ids are the envelope's 16 raw bytes everywhere in this API
// (the local API shows them as 32 lower-case hex digits). Files: the store
// keeps only paths; envelope files are written and removed by the callers.
//
// Thread-safety: every NodeStore implementation is thread-safe; any number
// of threads may call one at once.
#ifndef HANDOVER_NODE_NODE_STORE_H_
#define HANDOVER_NODE_NODE_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "handover/v1/node.pb.h"

namespace handover::node {

using DeliveryState = handover::v1::DeliveryState;

// True for DELIVERED, FAILED and EXPIRED: states that never change again.
bool IsFinalState(DeliveryState state);

// A transfer as stored in the outbox by SubmitTransfer.
struct OutboxTransfer {
  std::string transfer_id;      // 16 raw bytes
  std::string client_name;      // the local API client that submitted it
  std::string idempotency_key;  // unique per client_name
  std::vector<std::string> recipients;  // agency ids, in header order
  absl::Time created_at;                // as sealed in the header
  absl::Time expires_at;                // as sealed in the header
  std::string envelope_path;            // the sealed envelope file
  uint64_t envelope_size = 0;           // bytes of that file
  std::string ciphertext_hash;          // 32 bytes, the header's
};

// Where one recipient's copy of an outbox transfer has got to.
struct RecipientDelivery {
  std::string agency_id;
  DeliveryState state = handover::v1::DELIVERY_STATE_QUEUED;
  std::string reason;  // for FAILED and EXPIRED; one line
  absl::Time updated_at;
  std::string receipt;  // DELIVERED: serialized SignedNotice; else empty
  std::string report;   // FAILED/EXPIRED by the router: its serialized
                        // SignedNotice; else empty
  // Move notices only (see InsertMove); otherwise UNSPECIFIED and nullopt.
  handover::v1::AgencyKind kind = handover::v1::AGENCY_KIND_UNSPECIFIED;
  std::optional<absl::Time> acknowledgement_due_at;
  // Set once the recipient's signed acknowledgement arrived.
  std::string acknowledged_by;  // the recipient's operator id
  std::optional<absl::Time> acknowledged_at;
  std::string acknowledgement;  // serialized SignedNotice
};

// An outbox transfer with every recipient's state, for TransferStatus.
struct TransferRecord {
  OutboxTransfer transfer;
  std::vector<RecipientDelivery> recipients;  // in header order

  // The least advanced recipient's state (QUEUED < AT_ROUTER < finals).
  DeliveryState OverallState() const;
};

struct InsertOutboxResult {
  std::string transfer_id;  // the new one, or the one stored before
  bool duplicate = false;   // (client, idempotency key) was already stored
};

// A state change for one recipient (or all of them). Forward-only: applied
// only if `state` is later than the current one and the current one is not
// final; AT_ROUTER → AT_ROUTER and the like are "not applied".
struct DeliveryUpdate {
  DeliveryState state = handover::v1::DELIVERY_STATE_UNSPECIFIED;
  std::string reason;
  absl::Time at;
  std::string receipt;  // serialized SignedNotice, for DELIVERED
  std::string report;   // serialized SignedNotice, for a router's report
};

// Why an inbox transfer is flagged for re-verification: the key that
// signed it was compromised (docs/OPERATIONS.md §6).
struct RecallMark {
  absl::Time flagged_at;
  std::string reason;  // one line, naming the key and the compromise time
  uint64_t directory_version = 0;
};

// An envelope delivered to this agency.
struct InboxRecord {
  std::string transfer_id;  // 16 raw bytes; unique: duplicates are dropped
  std::string sender_id;
  absl::Time created_at;   // sealed, per the sender
  absl::Time received_at;  // stored here
  absl::Time expires_at;
  std::string content_type;
  std::string envelope_path;
  uint64_t envelope_size = 0;
  std::string ciphertext_hash;  // 32 bytes
  uint32_t fetch_count = 0;
  // Set once the node deleted the sealed envelope under its [retention]
  // setting (MarkInboxPruned); the record itself is kept.
  std::optional<absl::Time> content_pruned_at;
  // The sender's signing key id (16 bytes), from the header; empty for a
  // transfer stored before the node recorded it.
  std::string sender_key_id;
  // Set once FlagRecalled flagged it.
  std::optional<RecallMark> recall;
};

// Which inbox transfers FlagRecalled flags: those from `sender_id` signed
// by `sender_key_id` (or with no key id recorded) whose created_at or
// received_at is at or after `since`.
struct RecallRequest {
  std::string sender_id;
  std::string sender_key_id;  // 16 bytes
  absl::Time since;
  std::string reason;
  uint64_t directory_version = 0;
  absl::Time now;
};

// A flagged inbox transfer, for the admins' report.
struct RecalledInbox {
  InboxRecord record;  // recall is set
  bool acknowledged = false;
};

struct InboxPage {
  std::vector<InboxRecord> entries;  // newest first
  std::string next_page_token;       // empty on the last page
};

// A notice we signed that still has to reach the router.
struct QueuedNotice {
  int64_t id = 0;
  std::string signed_notice;  // serialized SignedNotice
  uint32_t attempts = 0;
  absl::Time next_attempt_at;
};

// ---- Moves ----

// One sealed view of a move: an outbox transfer plus what it carried.
struct MoveView {
  OutboxTransfer transfer;  // client_name/idempotency_key: see InsertMove
  handover::v1::AgencyKind kind = handover::v1::AGENCY_KIND_UNSPECIFIED;
  std::vector<std::string> kept_fields;       // policy selectors
  std::vector<std::string> kept_attachments;  // attachment names
  // Parallel to transfer.recipients: each recipient's kind, and when its
  // acknowledgement is due (nullopt: none expected, e.g. MOVED_ON).
  std::vector<handover::v1::AgencyKind> recipient_kinds;
  std::vector<std::optional<absl::Time>> acknowledgement_due_at;
};

enum class MoveViewRole : int { kDestination = 1, kMovedOn = 2 };

struct MoveRecord {
  std::string move_id;  // 16 raw bytes
  std::string client_name;
  std::string idempotency_key;  // unique per client_name, among moves
  // 32 bytes identifying the child (SHA-256 over its identifiers, see
  // node/api/child_key.h); never shown.
  std::string child_key;
  handover::v1::MoveNoticeKind kind =
      handover::v1::MOVE_NOTICE_KIND_UNSPECIFIED;
  std::string from_area;
  std::string to_area;
  absl::Time created_at;
  std::vector<MoveView> views;           // to the destination area
  std::vector<MoveView> moved_on_views;  // MOVED_ON to earlier areas
  // Earlier moves of the child this one superseded.
  std::vector<std::string> superseded_move_ids;
  // Set on a move a later one superseded: that move's id.
  std::string superseded_by;
};

struct InsertMoveResult {
  std::string move_id;     // the new one, or the one stored before
  bool duplicate = false;  // (client, idempotency key) was already stored
};

// Which move (and view) an outbox transfer belongs to.
struct TransferMoveInfo {
  std::string move_id;
  handover::v1::MoveNoticeKind move_kind =
      handover::v1::MOVE_NOTICE_KIND_UNSPECIFIED;
  MoveViewRole role = MoveViewRole::kDestination;
  handover::v1::AgencyKind kind = handover::v1::AGENCY_KIND_UNSPECIFIED;
  std::vector<std::string> kept_fields;
  std::vector<std::string> kept_attachments;
};

// A recipient copy past its acknowledgement deadline, not acknowledged.
struct OverdueCopy {
  std::string transfer_id;
  std::string move_id;
  std::string agency_id;
  handover::v1::AgencyKind kind = handover::v1::AGENCY_KIND_UNSPECIFIED;
  DeliveryState state = handover::v1::DELIVERY_STATE_UNSPECIFIED;
  absl::Time due_at;
};

// What AcknowledgeInbox recorded, or found recorded before.
struct InboxAcknowledgement {
  std::string operator_id;
  absl::Time at;
  bool duplicate = false;  // an earlier acknowledgement stands
};

struct NodeCounts {
  uint64_t outbox_queued = 0;  // recipients still QUEUED
  uint64_t inbox_count = 0;
};

class NodeStore {
 public:
  virtual ~NodeStore() = default;

  // ---- Outbox ----

  // Stores `transfer` with every recipient QUEUED (updated_at = created_at).
  // If (client_name, idempotency_key) is already stored, stores nothing and
  // returns the existing transfer id with duplicate = true; the caller then
  // removes the envelope file it wrote. The database's unique constraint
  // decides a race between two inserts of the same key.
  virtual absl::StatusOr<InsertOutboxResult> InsertOutbox(
      const OutboxTransfer& transfer) = 0;

  // The transfer id stored under (client_name, idempotency_key), if any: lets
  // SubmitTransfer answer a repeat before sealing anything.
  virtual absl::StatusOr<std::optional<std::string>> FindByIdempotencyKey(
      absl::string_view client_name, absl::string_view idempotency_key) = 0;

  // The transfer and its recipients' states; nullopt if unknown.
  virtual absl::StatusOr<std::optional<TransferRecord>> GetTransfer(
      absl::string_view transfer_id) = 0;

  // Transfers with at least one recipient still QUEUED, oldest first, at most
  // `limit`: the uploads still to do.
  virtual absl::StatusOr<std::vector<OutboxTransfer>> ListPendingUploads(
      size_t limit) = 0;

  // Moves one recipient forward. Returns true if applied, false if it would
  // move backwards, stand still or change a final state (then nothing
  // changes). NotFound for an unknown transfer or recipient.
  virtual absl::StatusOr<bool> UpdateDelivery(absl::string_view transfer_id,
                                              absl::string_view recipient,
                                              const DeliveryUpdate& update) = 0;

  // UpdateDelivery for every recipient of the transfer, in one transaction.
  // Returns how many recipients it moved. NotFound for an unknown transfer.
  virtual absl::StatusOr<int> UpdateAllDeliveries(
      absl::string_view transfer_id, const DeliveryUpdate& update) = 0;

  // ---- Inbox ----

  // Stores `record` and, in the same transaction, queues `receipt` (our
  // serialized SignedNotice for the sender; may be empty for none). Returns
  // false, storing and queueing nothing, if the transfer id is already in
  // the inbox.
  virtual absl::StatusOr<bool> InsertInbox(const InboxRecord& record,
                                           absl::string_view receipt,
                                           absl::Time now) = 0;

  virtual absl::StatusOr<bool> InboxContains(absl::string_view transfer_id) = 0;

  virtual absl::StatusOr<std::optional<InboxRecord>> GetInbox(
      absl::string_view transfer_id) = 0;

  // Newest first (by the order they were stored). `page_size` 1..1000;
  // `page_token` empty or from a previous page (InvalidArgument if it is not
  // one of ours).
  virtual absl::StatusOr<InboxPage> ListInbox(size_t page_size,
                                              absl::string_view page_token) = 0;

  // Counts one more fetch. NotFound for an unknown transfer.
  virtual absl::Status RecordInboxFetch(absl::string_view transfer_id) = 0;

  // Inbox transfers whose content may be deleted under [retention]:
  // received before `received_before`, not yet pruned, and taken on by the
  // agency (fetched at least once or acknowledged) and checked for a police
  // alert; a transfer nobody has opened is never listed. Oldest first, at
  // most `limit`.
  virtual absl::StatusOr<std::vector<InboxRecord>> ListPrunableInbox(
      absl::Time received_before, size_t limit) = 0;

  // Records that the transfer's envelope file was deleted at `at`. A
  // second call keeps the first time. NotFound for an unknown transfer.
  virtual absl::Status MarkInboxPruned(absl::string_view transfer_id,
                                       absl::Time at) = 0;

  // Flags every inbox transfer `request` matches that is not flagged yet,
  // in one transaction, and returns those it flagged now (so a second call
  // with the same request flags and returns nothing).
  virtual absl::StatusOr<std::vector<InboxRecord>> FlagRecalled(
      const RecallRequest& request) = 0;

  // Every flagged inbox transfer, most recently flagged first, at most
  // `limit`.
  virtual absl::StatusOr<std::vector<RecalledInbox>> ListRecalled(
      size_t limit) = 0;

  // ---- Notices to send to the router ----

  virtual absl::Status EnqueueNotice(absl::string_view signed_notice,
                                     absl::Time now) = 0;
  // Notices whose next attempt is at or before `now`, oldest first.
  virtual absl::StatusOr<std::vector<QueuedNotice>> ListDueNotices(
      absl::Time now, size_t limit) = 0;
  // The router has it: forget it.
  virtual absl::Status RemoveNotice(int64_t id) = 0;
  // A failed attempt: count it and try again at `next_attempt_at`.
  virtual absl::Status RescheduleNotice(int64_t id,
                                        absl::Time next_attempt_at) = 0;
  // The earliest next attempt of any queued notice; nullopt if none.
  virtual absl::StatusOr<std::optional<absl::Time>> NextNoticeAttempt() = 0;

  // ---- Moves (sender side) ----

  // Stores a whole move in one transaction, or nothing: the move row, every
  // view and MOVED_ON view as an outbox transfer with its recipients
  // (QUEUED, with their kinds and acknowledgement deadlines), and, for each
  // id in superseded_move_ids, marks that move superseded_by this one,
  // moves every QUEUED recipient of its views to WITHDRAWN (reason
  // "superseded by move <hex>") and queues a router withdrawal for every
  // view transfer of it that still has a recipient QUEUED or AT_ROUTER.
  // Each view transfer's (client_name, idempotency_key) must be unique as
  // for InsertOutbox. If (client_name, idempotency_key) of the move is
  // already stored, stores nothing and returns the earlier move id with
  // duplicate = true (the caller removes the envelope files it wrote).
  virtual absl::StatusOr<InsertMoveResult> InsertMove(
      const MoveRecord& move) = 0;

  // The move stored under (client_name, idempotency_key), if any, whole.
  virtual absl::StatusOr<std::optional<MoveRecord>> FindMoveByIdempotencyKey(
      absl::string_view client_name, absl::string_view idempotency_key) = 0;

  virtual absl::StatusOr<std::optional<MoveRecord>> GetMove(
      absl::string_view move_id) = 0;

  // This child's earlier moves (kinds MOVE and MISSING_EPISODE) that no
  // later move superseded and that have at least one destination-view
  // recipient still QUEUED or AT_ROUTER, oldest first, whole.
  virtual absl::StatusOr<std::vector<MoveRecord>> ListUndeliveredMoves(
      absl::string_view child_key) = 0;

  // nullopt for a transfer that is not part of a move.
  virtual absl::StatusOr<std::optional<TransferMoveInfo>> GetTransferMove(
      absl::string_view transfer_id) = 0;

  // Records the recipient's signed acknowledgement of a transfer we sent.
  // Returns false (changing nothing) if one was recorded before. NotFound
  // for an unknown transfer or recipient.
  virtual absl::StatusOr<bool> RecordAcknowledgement(
      absl::string_view transfer_id, absl::string_view recipient,
      absl::string_view operator_id, absl::Time acknowledged_at,
      absl::string_view signed_notice) = 0;

  // Recipient copies with a deadline at or before `now`, no
  // acknowledgement, and a state other than WITHDRAWN; oldest deadline
  // first, at most `limit`.
  virtual absl::StatusOr<std::vector<OverdueCopy>> ListOverdue(
      absl::Time now, size_t limit) = 0;

  // Router withdrawals still to make (queued by InsertMove), oldest first.
  virtual absl::StatusOr<std::vector<std::string>> ListPendingWithdrawals(
      size_t limit) = 0;
  // The router answered: forget it.
  virtual absl::Status CompleteWithdrawal(absl::string_view transfer_id) = 0;

  // ---- Acknowledgements and alert checks (recipient side) ----

  // Records that `operator_id` took inbox transfer `transfer_id` on and, in
  // the same transaction, queues `signed_notice` (our Acknowledgement for
  // the sender). If the transfer was acknowledged before, changes nothing
  // and returns that acknowledgement with duplicate = true. NotFound for a
  // transfer not in the inbox.
  virtual absl::StatusOr<InboxAcknowledgement> AcknowledgeInbox(
      absl::string_view transfer_id, absl::string_view operator_id,
      absl::string_view note, absl::Time at,
      absl::string_view signed_notice) = 0;

  // Inbox transfers not yet checked for a police alert, in the order they
  // were stored, at most `limit`. Every inbox insert starts unchecked.
  virtual absl::StatusOr<std::vector<std::string>> ListUncheckedForAlerts(
      size_t limit) = 0;
  virtual absl::Status MarkCheckedForAlerts(absl::string_view transfer_id) = 0;

  // ---- Directory and counts ----

  // 0 if no directory was ever verified.
  virtual absl::StatusOr<uint64_t> HighestDirectoryVersion() = 0;
  // Raises the stored highest version to `version` (never lowers it).
  virtual absl::Status RecordDirectoryVersion(uint64_t version) = 0;

  virtual absl::StatusOr<NodeCounts> Counts() = 0;
};

// Opens (creating if needed) the SQLite store at `path`, e.g.
// <data_dir>/node.db.
absl::StatusOr<std::unique_ptr<NodeStore>> OpenSqliteNodeStore(
    const std::string& path);

}  // namespace handover::node

#endif  // HANDOVER_NODE_NODE_STORE_H_

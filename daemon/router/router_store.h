// The router's durable queue, as the routing logic sees it: envelopes, the
// per-recipient deliveries, a mailbox of items to push to each agency
// (envelope deliveries and signed notices, each with an increasing
// delivery id) and the highest directory version the router has served.
//
// The interface speaks of states and ids only, never of SQL, transactions
// or locks: SQLite is the embedded default (sqlite_router_store.h), and a
// later backend (PostgreSQL, for replicas) implements the same calls. Every
// mutating call is atomic and durable when it returns OK; each one checks
// the current state itself, so two callers racing on the same item cannot
// move it backwards (a receipted delivery never becomes "stored" again).
//
// Routing metadata stays after the ciphertext is deleted, for the delivery
// log. Implementations must be thread-safe.
#ifndef HANDOVER_ROUTER_ROUTER_STORE_H_
#define HANDOVER_ROUTER_ROUTER_STORE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "config/retry_policy.h"

namespace handover::router {

// What became of one recipient's copy of an envelope. Notice items use the
// same column: pending, pushed, then kStoredAtNode once acknowledged (or
// kRejected). The numbers are stored; never renumber them.
enum class DeliveryState {
  kPending = 1,       // waiting to be pushed
  kPushed = 2,        // on the recipient's live stream, not yet acknowledged
  kStoredAtNode = 3,  // the recipient node acknowledged it as stored
  kReceipted = 4,     // a verified delivery receipt arrived (final)
  kExpired = 5,       // not delivered before expires_at (final)
  kRejected = 6,      // the recipient node refused it (final)
  kRevoked = 7,       // the recipient was revoked while it waited (final)
  kWithdrawn = 8,     // the sender withdrew it while it waited (final)
  // Held, never to be delivered: its sender's signing key was compromised
  // (final). The ciphertext stays until [delivery] ciphertext_retention.
  kHeld = 9,
};

// True for the states that still need the ciphertext (it may be pushed).
bool NeedsCiphertext(DeliveryState state);
// True for the states after which nothing more happens.
bool IsFinal(DeliveryState state);
absl::string_view DeliveryStateName(DeliveryState state);

// The refusal of an upload its sender withdrew first (FailedPrecondition).
absl::Status WithdrawnBySenderError(absl::string_view transfer_id);

// What a mailbox item carries. Stored; never renumber.
enum class ItemKind {
  kEnvelope = 1,         // a recipient's delivery of an envelope
  kReceipt = 2,          // a delivery receipt, for the sender
  kNonDelivery = 3,      // a router-signed non-delivery report, for the sender
  kAcknowledgement = 4,  // a recipient's signed acknowledgement, for the sender
};

// Where an envelope's ciphertext lives.
enum class CiphertextLocation {
  kInline = 1,   // in the store itself (small envelopes)
  kSpool = 2,    // a file in the spool directory
  kDeleted = 3,  // gone: receipted, finished or past retention
};

// An envelope as the router accepted it.
struct EnvelopeRecord {
  std::string transfer_id;  // 16 bytes
  std::string sender_id;
  std::string signed_header;              // prefix || header, byte-exact
  std::string signature;                  // 64 bytes
  std::vector<std::string> wrapped_keys;  // 80 bytes each, header order
  std::vector<std::string> recipients;    // header order
  uint64_t ciphertext_size = 0;
  std::string ciphertext_hash;  // 32 bytes, as signed
  absl::Time created_at;        // the sender's claim
  absl::Time expires_at;
  absl::Time accepted_at;  // the router's clock
  CiphertextLocation location = CiphertextLocation::kDeleted;
  std::string spool_name;  // file name in the spool; set for kSpool
};

// The whole envelope's size, as the sender sealed it and as every node's
// log entry states it: prefix and header, signature, wrapped keys and
// ciphertext (docs/FORMAT.md).
inline uint64_t EnvelopeBytes(const EnvelopeRecord& envelope) {
  uint64_t bytes = envelope.signed_header.size() + envelope.signature.size() +
                   envelope.ciphertext_size;
  for (const std::string& key : envelope.wrapped_keys) bytes += key.size();
  return bytes;
}

struct DeliveryRecord {
  std::string transfer_id;
  std::string recipient_id;
  DeliveryState state = DeliveryState::kPending;
  uint64_t delivery_id = 0;  // its mailbox item
  int attempts = 0;          // pushes that ended without an answer
  absl::Time next_attempt_at;
  absl::Time updated_at;
  std::string reason;  // for kRejected: the node's one line
};

// One item of an agency's mailbox.
struct MailboxItem {
  uint64_t delivery_id = 0;
  std::string agency_id;  // who it is for
  ItemKind kind = ItemKind::kEnvelope;
  std::string transfer_id;
  std::string notice;  // a serialized SignedNotice, for the notice kinds
  int attempts = 0;
};

// A delivery that the sweeper may have to end.
struct OpenDelivery {
  std::string transfer_id;
  std::string sender_id;
  std::string recipient_id;
  absl::Time expires_at;
  uint64_t delivery_id = 0;  // its mailbox item
};

// Ciphertext that may be deleted.
struct CiphertextRef {
  std::string transfer_id;
  CiphertextLocation location = CiphertextLocation::kDeleted;
  std::string spool_name;
};

// What ending a delivery (or recording a receipt) did.
struct DeliveryOutcome {
  bool changed = false;
  // RecordReceipt only: the delivery was not yet stored-at-node, so the
  // receipt is the first word that the recipient holds the copy (it can
  // overtake the mailbox ack). The caller logs DELIVERED for it, which
  // the ack, finding the delivery receipted, then does not.
  bool stored_now = false;
  // Set when no delivery of the transfer needs the ciphertext any more: the
  // store has already marked it deleted, in the same commit; the caller
  // removes the spool file it names (CiphertextJanitor::RemoveFile).
  std::optional<CiphertextRef> released;
};

// One recipient's copy, as WithdrawTransfer left it.
struct WithdrawnDelivery {
  std::string recipient_id;
  DeliveryState state = DeliveryState::kPending;  // after the call
  bool withdrawn_now = false;  // this call withdrew it (and queued a report)
};

// What WithdrawTransfer did.
struct WithdrawResult {
  bool held = false;  // false: unknown, now remembered as withdrawn
  std::vector<WithdrawnDelivery> deliveries;  // header order; empty if !held
  // As DeliveryOutcome::released.
  std::optional<CiphertextRef> released;
};

struct AcceptResult {
  bool already_stored = false;  // the same envelope was there already
};

// What the store reports when an item is acknowledged.
struct ItemUpdate {
  bool changed = false;  // false: it had already moved on (idempotent call)
  MailboxItem item;      // without the notice bytes
};

class RouterStore {
 public:
  virtual ~RouterStore() = default;

  // Stores `envelope` (location kInline with `inline_ciphertext`, or kSpool
  // naming a file already durable in the spool) with one pending delivery
  // and one mailbox item per recipient. The same transfer id with the same
  // signed header and signature: OK, already_stored, nothing changes (the
  // caller deletes its spool file). With a different header or signature:
  // AlreadyExists. A transfer its sender withdrew before the router held it
  // (WithdrawTransfer): FailedPrecondition, nothing stored.
  virtual absl::StatusOr<AcceptResult> AcceptEnvelope(
      const EnvelopeRecord& envelope, absl::string_view inline_ciphertext) = 0;

  // The envelope, or nullopt if unknown.
  virtual absl::StatusOr<std::optional<EnvelopeRecord>> FindEnvelope(
      absl::string_view transfer_id) = 0;
  // The inline ciphertext of an envelope stored kInline (NotFound
  // otherwise). Small by construction.
  virtual absl::StatusOr<std::string> ReadInlineCiphertext(
      absl::string_view transfer_id) = 0;
  // Every recipient's delivery of a transfer, in header order.
  virtual absl::StatusOr<std::vector<DeliveryRecord>> ListDeliveries(
      absl::string_view transfer_id) = 0;

  // Up to `limit` pending items of `agency_id` that are due at `now`,
  // oldest delivery id first, each marked pushed (in flight on the agency's
  // one live stream).
  virtual absl::StatusOr<std::vector<MailboxItem>> ClaimItems(
      absl::string_view agency_id, absl::Time now, size_t limit) = 0;
  // The earliest next-attempt time of `agency_id`'s open items that wait
  // out a backoff after `now`; nullopt if none.
  virtual absl::StatusOr<std::optional<absl::Time>> NextDueTime(
      absl::string_view agency_id, absl::Time now) = 0;
  // A stream ended with these of `agency_id`'s items unanswered: back to
  // pending, each one attempt more, due again after RetryBackoff(retry,
  // attempts) (backoff.h).
  virtual absl::Status ReleaseItems(absl::string_view agency_id,
                                    const std::vector<uint64_t>& delivery_ids,
                                    absl::Time now,
                                    const config::RetryPolicy& retry) = 0;
  // At start-up: every pushed item back to pending (no stream is live).
  virtual absl::Status ReleaseAllPushed() = 0;
  // Before a new stream of `agency_id` claims anything: the agency's items
  // still marked pushed (by a stream that could not release them) go back
  // to pending, without a backoff.
  virtual absl::Status ReleasePushedOf(absl::string_view agency_id) = 0;

  // The node of `agency_id` stored these items: each open one becomes
  // stored-at-node (an envelope) or acknowledged (a notice). Returns one
  // update per id that is `agency_id`'s; ids that are not are skipped.
  virtual absl::StatusOr<std::vector<ItemUpdate>> AckStored(
      absl::string_view agency_id, const std::vector<uint64_t>& delivery_ids,
      absl::Time now) = 0;
  // The node of `agency_id` refused notice item `delivery_id` for good: it
  // is closed (kRejected) with `reason` and not pushed again. NotFound if
  // the item is not that agency's notice.
  virtual absl::Status RejectNotice(absl::string_view agency_id,
                                    uint64_t delivery_id,
                                    absl::string_view reason,
                                    absl::Time now) = 0;
  // The item as it is, if it is `agency_id`'s (NotFound otherwise).
  virtual absl::StatusOr<MailboxItem> GetItem(absl::string_view agency_id,
                                              uint64_t delivery_id) = 0;

  // Ends an open envelope delivery (pending or pushed) with `final_state`
  // (kExpired, kRejected, kRevoked or kHeld) and queues `report` (a serialized
  // SignedNotice) for the sender, atomically. changed=false if it had already
  // ended. Releases the ciphertext if this was the last open delivery.
  virtual absl::StatusOr<DeliveryOutcome> FinishDelivery(
      absl::string_view transfer_id, absl::string_view recipient_id,
      DeliveryState final_state, absl::string_view reason,
      absl::string_view report, absl::Time now) = 0;

  // A verified receipt by `recipient_id`: its delivery becomes receipted
  // (from any non-final state) and `receipt` (a serialized SignedNotice)
  // is queued for the sender once (changed=false if it was queued before).
  // Releases the ciphertext once every delivery is final.
  virtual absl::StatusOr<DeliveryOutcome> RecordReceipt(
      absl::string_view transfer_id, absl::string_view recipient_id,
      absl::string_view receipt, absl::Time now) = 0;

  // A recipient's verified acknowledgement: `acknowledgement` (a serialized
  // SignedNotice) is queued for the sender, once per (transfer, recipient):
  // true if queued now, false if one was before. FailedPrecondition unless the
  // recipient's delivery is stored-at-node or receipted: a node cannot
  // acknowledge what it does not hold. NotFound for an unknown transfer.
  virtual absl::StatusOr<bool> RecordAcknowledgement(
      absl::string_view transfer_id, absl::string_view recipient_id,
      absl::string_view acknowledgement, absl::Time now) = 0;

  // The sender `sender_id` withdraws transfer `transfer_id`, atomically.
  // Held: PermissionDenied if someone else sent it; otherwise every pending
  // delivery becomes kWithdrawn (never pushed) and reports[recipient] (a
  // serialized SignedNotice) is queued for the sender; other deliveries are
  // left as they are; the ciphertext is released if nothing needs it any
  // more. Aborted if a pending delivery has no report in `reports` (the
  // caller read the transfer before it was stored: read it again). Not
  // held: remembered as withdrawn by `sender_id` at `now`, so AcceptEnvelope
  // refuses it from that sender. Idempotent either way.
  virtual absl::StatusOr<WithdrawResult> WithdrawTransfer(
      absl::string_view transfer_id, absl::string_view sender_id,
      const std::map<std::string, std::string>& reports, absl::Time now) = 0;
  // True if `sender_id` withdrew `transfer_id` before the router held it.
  virtual absl::StatusOr<bool> IsWithdrawn(absl::string_view transfer_id,
                                           absl::string_view sender_id) = 0;
  // Forgets up to `limit` such withdrawals recorded before `cutoff`;
  // returns how many.
  virtual absl::StatusOr<int> ForgetWithdrawalsBefore(absl::Time cutoff,
                                                      size_t limit) = 0;

  // Open deliveries (pending or pushed) whose envelope expired by `now`.
  virtual absl::StatusOr<std::vector<OpenDelivery>> ListExpired(
      absl::Time now, size_t limit) = 0;
  // Open deliveries addressed to `recipient_id`.
  virtual absl::StatusOr<std::vector<OpenDelivery>> ListOpenDeliveriesTo(
      absl::string_view recipient_id, size_t limit) = 0;
  // Open deliveries of envelopes `sender_id` sent, with a delivery id
  // above `after_delivery_id`, in delivery id order (to page through).
  virtual absl::StatusOr<std::vector<OpenDelivery>> ListOpenDeliveriesFrom(
      absl::string_view sender_id, uint64_t after_delivery_id,
      size_t limit) = 0;
  // Ciphertext still held that nobody needs any more (every delivery final)
  // or that was accepted before `retention_cutoff`.
  virtual absl::StatusOr<std::vector<CiphertextRef>> ListDeletableCiphertext(
      absl::Time retention_cutoff, size_t limit) = 0;
  // Marks the ciphertext deleted (the caller then removes the spool file).
  virtual absl::Status MarkCiphertextDeleted(absl::string_view transfer_id,
                                             absl::Time now) = 0;
  // Every spool file name the store still refers to.
  virtual absl::StatusOr<std::vector<std::string>> ListSpoolNames() = 0;

  // The highest directory version recorded (0 if none).
  virtual absl::StatusOr<uint64_t> DirectoryVersion() = 0;
  // Records `version` if it is higher than the one stored.
  virtual absl::Status RecordDirectoryVersion(uint64_t version) = 0;
};

}  // namespace handover::router

#endif  // HANDOVER_ROUTER_ROUTER_STORE_H_

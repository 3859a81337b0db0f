// SqliteNodeStore: opening, the schema and the outbox. The inbox, the
// notice queue and the node's counters are in sqlite_node_store_inbox.cc.
#include "node/sqlite_node_store.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "crypto/envelope_format.h"
#include "node/sqlite_node_store_util.h"

namespace handover::node {

using store_internal::CheckTransferId;
using store_internal::FromMicros;
using store_internal::ToMicros;

namespace store_internal {

absl::Status CheckTransferId(absl::string_view transfer_id) {
  if (transfer_id.size() != crypto::kTransferIdBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("a transfer id is ", crypto::kTransferIdBytes,
                     " bytes, not ", transfer_id.size()));
  }
  return absl::OkStatus();
}

}  // namespace store_internal

namespace {

// States are stored as the proto enum's numbers, which are ordered so that
// "later" is a greater number among QUEUED (1) and AT_ROUTER (2), and every
// final state (3, 4, 5, 6) is greater than both.
constexpr absl::string_view kSchema = R"sql(
CREATE TABLE IF NOT EXISTS outbox_transfers (
  transfer_id BLOB PRIMARY KEY,
  client_name TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  envelope_path TEXT NOT NULL,
  envelope_size INTEGER NOT NULL,
  ciphertext_hash BLOB NOT NULL,
  UNIQUE (client_name, idempotency_key)
);
CREATE TABLE IF NOT EXISTS outbox_recipients (
  transfer_id BLOB NOT NULL
      REFERENCES outbox_transfers(transfer_id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  agency_id TEXT NOT NULL,
  state INTEGER NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  updated_at INTEGER NOT NULL,
  receipt BLOB,
  report BLOB,
  PRIMARY KEY (transfer_id, agency_id)
);
CREATE INDEX IF NOT EXISTS outbox_recipients_queued
  ON outbox_recipients(transfer_id) WHERE state = 1;
CREATE TABLE IF NOT EXISTS inbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  transfer_id BLOB NOT NULL UNIQUE,
  sender_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  content_type TEXT NOT NULL,
  envelope_path TEXT NOT NULL,
  envelope_size INTEGER NOT NULL,
  ciphertext_hash BLOB NOT NULL,
  fetch_count INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS inbox_pruned (
  transfer_id BLOB PRIMARY KEY,
  pruned_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS outgoing_notices (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  signed_notice BLOB NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS outgoing_notices_due
  ON outgoing_notices(next_attempt_at);
CREATE TABLE IF NOT EXISTS node_state (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
)sql";

constexpr absl::string_view kTransferColumns =
    "transfer_id, client_name, idempotency_key, created_at, expires_at, "
    "envelope_path, envelope_size, ciphertext_hash";

OutboxTransfer ReadTransfer(const sqlite::Statement& row) {
  OutboxTransfer t;
  t.transfer_id = row.ColumnBlob(0);
  t.client_name = row.ColumnText(1);
  t.idempotency_key = row.ColumnText(2);
  t.created_at = FromMicros(row.ColumnInt(3));
  t.expires_at = FromMicros(row.ColumnInt(4));
  t.envelope_path = row.ColumnText(5);
  t.envelope_size = static_cast<uint64_t>(row.ColumnInt(6));
  t.ciphertext_hash = row.ColumnBlob(7);
  return t;
}

absl::Status CheckUpdate(const DeliveryUpdate& update) {
  switch (update.state) {
    case handover::v1::DELIVERY_STATE_QUEUED:
    case handover::v1::DELIVERY_STATE_AT_ROUTER:
    case handover::v1::DELIVERY_STATE_DELIVERED:
    case handover::v1::DELIVERY_STATE_FAILED:
    case handover::v1::DELIVERY_STATE_EXPIRED:
    case handover::v1::DELIVERY_STATE_WITHDRAWN:
      return absl::OkStatus();
    default:
      return absl::InvalidArgumentError("not a delivery state");
  }
}

// The states an update to `state` may replace: the earlier ones, and never
// a final one. Expressed as "current state < bound".
int64_t ReplaceableBelow(DeliveryState state) {
  if (IsFinalState(state)) return handover::v1::DELIVERY_STATE_DELIVERED;
  return state;  // QUEUED replaces nothing; AT_ROUTER replaces QUEUED
}

}  // namespace

absl::StatusOr<std::unique_ptr<SqliteNodeStore>> SqliteNodeStore::Open(
    const std::string& path) {
  ASSIGN_OR_RETURN(std::unique_ptr<sqlite::SqliteDb> db,
                   sqlite::SqliteDb::Open(path));
  RETURN_IF_ERROR(db->Exec(kSchema));
  RETURN_IF_ERROR(store_internal::MigrateForMoves(db.get()));
  RETURN_IF_ERROR(store_internal::MigrateForRecalls(db.get()));
  return std::unique_ptr<SqliteNodeStore>(new SqliteNodeStore(std::move(db)));
}

absl::StatusOr<InsertOutboxResult> SqliteNodeStore::InsertOutbox(
    const OutboxTransfer& transfer) {
  RETURN_IF_ERROR(CheckTransferId(transfer.transfer_id));
  if (transfer.recipients.empty()) {
    return absl::InvalidArgumentError("a transfer needs a recipient");
  }
  absl::MutexLock lock(&mu_);
  absl::Status inserted = [&]() -> absl::Status {
    sqlite::Transaction txn(db_.get());
    RETURN_IF_ERROR(txn.status());
    RETURN_IF_ERROR(InsertTransferLocked(transfer, nullptr));
    return txn.Commit();
  }();
  if (inserted.ok()) return InsertOutboxResult{transfer.transfer_id, false};
  if (!absl::IsAlreadyExists(inserted)) return inserted;
  // A constraint failed: either the idempotency key (a repeat, answered
  // with the first transfer) or something else, which is an error.
  ASSIGN_OR_RETURN(
      std::optional<std::string> existing,
      FindByKeyLocked(transfer.client_name, transfer.idempotency_key));
  if (existing.has_value()) return InsertOutboxResult{*existing, true};
  return absl::AlreadyExistsError(
      "the transfer id or a recipient is already in the outbox");
}

absl::Status SqliteNodeStore::InsertTransferLocked(
    const OutboxTransfer& transfer, const MoveView* view) {
  ASSIGN_OR_RETURN(sqlite::Statement insert,
                   db_->Prepare(absl::StrCat(
                       "INSERT INTO outbox_transfers (", kTransferColumns,
                       ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")));
  insert.BindBlob(1, transfer.transfer_id)
      .Bind(2, transfer.client_name)
      .Bind(3, transfer.idempotency_key)
      .Bind(4, ToMicros(transfer.created_at))
      .Bind(5, ToMicros(transfer.expires_at))
      .Bind(6, transfer.envelope_path)
      .Bind(7, static_cast<int64_t>(transfer.envelope_size))
      .BindBlob(8, transfer.ciphertext_hash);
  RETURN_IF_ERROR(insert.Run());
  ASSIGN_OR_RETURN(
      sqlite::Statement recipient,
      db_->Prepare("INSERT INTO outbox_recipients (transfer_id, position, "
                   "agency_id, state, updated_at, kind, ack_due_at) VALUES "
                   "(?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
  for (size_t i = 0; i < transfer.recipients.size(); ++i) {
    recipient.Reset();
    recipient.BindBlob(1, transfer.transfer_id)
        .Bind(2, static_cast<int64_t>(i))
        .Bind(3, transfer.recipients[i])
        .Bind(4, int64_t{handover::v1::DELIVERY_STATE_QUEUED})
        .Bind(5, ToMicros(transfer.created_at));
    const bool has_kind = view != nullptr && i < view->recipient_kinds.size();
    recipient.Bind(6, has_kind ? int64_t{view->recipient_kinds[i]} : 0);
    if (view != nullptr && i < view->acknowledgement_due_at.size() &&
        view->acknowledgement_due_at[i].has_value()) {
      recipient.Bind(7, ToMicros(*view->acknowledgement_due_at[i]));
    } else {
      recipient.BindNull(7);
    }
    RETURN_IF_ERROR(recipient.Run());
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<std::string>>
SqliteNodeStore::FindByIdempotencyKey(absl::string_view client_name,
                                      absl::string_view idempotency_key) {
  absl::MutexLock lock(&mu_);
  return FindByKeyLocked(client_name, idempotency_key);
}

absl::StatusOr<std::optional<std::string>> SqliteNodeStore::FindByKeyLocked(
    absl::string_view client_name, absl::string_view idempotency_key) {
  ASSIGN_OR_RETURN(sqlite::Statement find,
                   db_->Prepare("SELECT transfer_id FROM outbox_transfers "
                                "WHERE client_name = ?1 AND "
                                "idempotency_key = ?2"));
  find.Bind(1, client_name).Bind(2, idempotency_key);
  ASSIGN_OR_RETURN(bool found, find.Step());
  if (!found) return std::nullopt;
  return find.ColumnBlob(0);
}

absl::StatusOr<std::optional<TransferRecord>> SqliteNodeStore::GetTransfer(
    absl::string_view transfer_id) {
  RETURN_IF_ERROR(CheckTransferId(transfer_id));
  absl::MutexLock lock(&mu_);
  return GetTransferLocked(transfer_id);
}

absl::StatusOr<std::optional<TransferRecord>>
SqliteNodeStore::GetTransferLocked(absl::string_view transfer_id) {
  ASSIGN_OR_RETURN(sqlite::Statement get,
                   db_->Prepare(absl::StrCat("SELECT ", kTransferColumns,
                                             " FROM outbox_transfers WHERE "
                                             "transfer_id = ?1")));
  get.BindBlob(1, transfer_id);
  ASSIGN_OR_RETURN(bool found, get.Step());
  if (!found) return std::nullopt;
  TransferRecord record;
  record.transfer = ReadTransfer(get);
  ASSIGN_OR_RETURN(
      sqlite::Statement rows,
      db_->Prepare("SELECT agency_id, state, reason, updated_at, receipt, "
                   "report, kind, ack_due_at, acknowledged_by, "
                   "acknowledged_at, acknowledgement FROM outbox_recipients "
                   "WHERE transfer_id = ?1 ORDER BY position"));
  rows.BindBlob(1, transfer_id);
  while (true) {
    ASSIGN_OR_RETURN(bool has_row, rows.Step());
    if (!has_row) break;
    RecipientDelivery r;
    r.agency_id = rows.ColumnText(0);
    r.state = static_cast<DeliveryState>(rows.ColumnInt(1));
    r.reason = rows.ColumnText(2);
    r.updated_at = FromMicros(rows.ColumnInt(3));
    r.receipt = rows.ColumnBlob(4);
    r.report = rows.ColumnBlob(5);
    r.kind = static_cast<handover::v1::AgencyKind>(rows.ColumnInt(6));
    if (!rows.ColumnIsNull(7)) {
      r.acknowledgement_due_at = FromMicros(rows.ColumnInt(7));
    }
    r.acknowledged_by = rows.ColumnText(8);
    if (!rows.ColumnIsNull(9))
      r.acknowledged_at = FromMicros(rows.ColumnInt(9));
    r.acknowledgement = rows.ColumnBlob(10);
    record.transfer.recipients.push_back(r.agency_id);
    record.recipients.push_back(std::move(r));
  }
  return record;
}

absl::StatusOr<std::vector<std::string>> SqliteNodeStore::RecipientsLocked(
    absl::string_view transfer_id) {
  ASSIGN_OR_RETURN(sqlite::Statement rows,
                   db_->Prepare("SELECT agency_id FROM outbox_recipients "
                                "WHERE transfer_id = ?1 ORDER BY position"));
  rows.BindBlob(1, transfer_id);
  std::vector<std::string> out;
  while (true) {
    ASSIGN_OR_RETURN(bool has_row, rows.Step());
    if (!has_row) return out;
    out.push_back(rows.ColumnText(0));
  }
}

absl::StatusOr<std::vector<OutboxTransfer>> SqliteNodeStore::ListPendingUploads(
    size_t limit) {
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(
      sqlite::Statement list,
      db_->Prepare(absl::StrCat(
          "SELECT ", kTransferColumns,
          // Driven from the partial index of queued recipients, so the cost
          // follows the queue, not every transfer ever sent (an EXISTS per
          // transfer made each claim scan the whole history).
          " FROM outbox_transfers t WHERE t.transfer_id IN (SELECT "
          "transfer_id FROM outbox_recipients WHERE state = 1) "
          // A move's police view goes first: a control room must hear of a
          // child's arrival within seconds, while the other views and
          // ordinary transfers can wait their turn in a backlog.
          "ORDER BY EXISTS (SELECT 1 FROM move_views v WHERE v.transfer_id = "
          "t.transfer_id AND v.kind = ",
          static_cast<int>(handover::v1::AGENCY_KIND_POLICE_FORCE),
          ") DESC, t.rowid LIMIT ?1")));
  list.Bind(1, static_cast<int64_t>(limit));
  std::vector<OutboxTransfer> out;
  while (true) {
    ASSIGN_OR_RETURN(bool has_row, list.Step());
    if (!has_row) break;
    out.push_back(ReadTransfer(list));
  }
  for (OutboxTransfer& t : out) {
    ASSIGN_OR_RETURN(t.recipients, RecipientsLocked(t.transfer_id));
  }
  return out;
}

absl::StatusOr<bool> SqliteNodeStore::UpdateDelivery(
    absl::string_view transfer_id, absl::string_view recipient,
    const DeliveryUpdate& update) {
  RETURN_IF_ERROR(CheckTransferId(transfer_id));
  RETURN_IF_ERROR(CheckUpdate(update));
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(bool applied, UpdateLocked(transfer_id, recipient, update));
  if (applied) return true;
  ASSIGN_OR_RETURN(sqlite::Statement exists,
                   db_->Prepare("SELECT 1 FROM outbox_recipients WHERE "
                                "transfer_id = ?1 AND agency_id = ?2"));
  exists.BindBlob(1, transfer_id).Bind(2, recipient);
  ASSIGN_OR_RETURN(bool found, exists.Step());
  if (!found) {
    return absl::NotFoundError("no such recipient of an outbox transfer");
  }
  return false;
}

// The forward-only rule lives in the WHERE clause, so concurrent updates
// cannot interleave a read and a write.
absl::StatusOr<bool> SqliteNodeStore::UpdateLocked(
    absl::string_view transfer_id, absl::string_view recipient,
    const DeliveryUpdate& update) {
  ASSIGN_OR_RETURN(
      sqlite::Statement set,
      db_->Prepare("UPDATE outbox_recipients SET state = ?3, reason = ?4, "
                   "updated_at = ?5, receipt = ?6, report = ?7 WHERE "
                   "transfer_id = ?1 AND agency_id = ?2 AND state < ?8"));
  set.BindBlob(1, transfer_id)
      .Bind(2, recipient)
      .Bind(3, int64_t{update.state})
      .Bind(4, update.reason)
      .Bind(5, ToMicros(update.at));
  if (update.receipt.empty()) {
    set.BindNull(6);
  } else {
    set.BindBlob(6, update.receipt);
  }
  if (update.report.empty()) {
    set.BindNull(7);
  } else {
    set.BindBlob(7, update.report);
  }
  set.Bind(8, ReplaceableBelow(update.state));
  RETURN_IF_ERROR(set.Run());
  return db_->Changes() == 1;
}

absl::StatusOr<bool> SqliteNodeStore::TransferExistsLocked(
    absl::string_view transfer_id) {
  ASSIGN_OR_RETURN(sqlite::Statement exists,
                   db_->Prepare("SELECT 1 FROM outbox_transfers WHERE "
                                "transfer_id = ?1"));
  exists.BindBlob(1, transfer_id);
  return exists.Step();
}

absl::StatusOr<int> SqliteNodeStore::UpdateAllDeliveries(
    absl::string_view transfer_id, const DeliveryUpdate& update) {
  RETURN_IF_ERROR(CheckTransferId(transfer_id));
  RETURN_IF_ERROR(CheckUpdate(update));
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(bool exists, TransferExistsLocked(transfer_id));
  if (!exists) return absl::NotFoundError("no such outbox transfer");
  sqlite::Transaction txn(db_.get());
  RETURN_IF_ERROR(txn.status());
  ASSIGN_OR_RETURN(std::vector<std::string> recipients,
                   RecipientsLocked(transfer_id));
  int moved = 0;
  for (const std::string& recipient : recipients) {
    ASSIGN_OR_RETURN(bool applied,
                     UpdateLocked(transfer_id, recipient, update));
    if (applied) ++moved;
  }
  RETURN_IF_ERROR(txn.Commit());
  return moved;
}

}  // namespace handover::node

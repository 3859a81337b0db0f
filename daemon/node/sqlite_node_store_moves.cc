// SqliteNodeStore: moves (sender side), acknowledgements, withdrawals and
// the alert-check queue, and the schema migration they need.
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/status_macros.h"
#include "crypto/identity.h"
#include "node/sqlite_node_store.h"
#include "node/sqlite_node_store_util.h"

namespace handover::node {

using store_internal::CheckTransferId;
using store_internal::FromMicros;
using store_internal::ToMicros;

namespace {

constexpr absl::string_view kMoveSchema = R"sql(
CREATE TABLE IF NOT EXISTS moves (
  move_id BLOB PRIMARY KEY,
  client_name TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  child_key BLOB NOT NULL,
  kind INTEGER NOT NULL,
  from_area TEXT NOT NULL,
  to_area TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  superseded_by BLOB,
  UNIQUE (client_name, idempotency_key)
);
CREATE INDEX IF NOT EXISTS moves_by_child ON moves(child_key);
CREATE TABLE IF NOT EXISTS move_views (
  transfer_id BLOB PRIMARY KEY
      REFERENCES outbox_transfers(transfer_id) ON DELETE CASCADE,
  move_id BLOB NOT NULL REFERENCES moves(move_id),
  position INTEGER NOT NULL,
  role INTEGER NOT NULL,
  kind INTEGER NOT NULL,
  kept_fields TEXT NOT NULL,
  kept_attachments TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS move_views_by_move ON move_views(move_id);
CREATE TABLE IF NOT EXISTS move_superseded (
  move_id BLOB NOT NULL,
  superseded_move_id BLOB NOT NULL,
  PRIMARY KEY (move_id, superseded_move_id)
);
CREATE TABLE IF NOT EXISTS pending_withdrawals (
  transfer_id BLOB PRIMARY KEY,
  queued_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS inbox_acknowledgements (
  transfer_id BLOB PRIMARY KEY,
  operator_id TEXT NOT NULL,
  note TEXT NOT NULL,
  acknowledged_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS inbox_unchecked ON inbox(seq) WHERE alert_checked = 0;
CREATE INDEX IF NOT EXISTS outbox_recipients_due
  ON outbox_recipients(ack_due_at) WHERE ack_due_at IS NOT NULL;
)sql";

// Field selectors and safe attachment names never hold a newline.
std::string JoinLines(const std::vector<std::string>& items) {
  return absl::StrJoin(items, "\n");
}
std::vector<std::string> SplitLines(const std::string& text) {
  if (text.empty()) return {};
  return absl::StrSplit(text, '\n');
}

absl::StatusOr<bool> HasColumn(sqlite::SqliteDb* db, absl::string_view table,
                               absl::string_view column) {
  ASSIGN_OR_RETURN(sqlite::Statement info,
                   db->Prepare(absl::StrCat("PRAGMA table_info(", table, ")")));
  while (true) {
    ASSIGN_OR_RETURN(bool row, info.Step());
    if (!row) return false;
    if (info.ColumnText(1) == column) return true;
  }
}

}  // namespace

namespace store_internal {

absl::Status AddColumnIfMissing(sqlite::SqliteDb* db, absl::string_view table,
                                absl::string_view column,
                                absl::string_view definition) {
  ASSIGN_OR_RETURN(bool has, HasColumn(db, table, column));
  if (has) return absl::OkStatus();
  return db->Exec(absl::StrCat("ALTER TABLE ", table, " ADD COLUMN ", column,
                               " ", definition));
}

absl::Status MigrateForMoves(sqlite::SqliteDb* db) {
  RETURN_IF_ERROR(db->Exec("BEGIN IMMEDIATE"));
  absl::Status migrated = [db]() -> absl::Status {
    RETURN_IF_ERROR(AddColumnIfMissing(db, "outbox_recipients", "kind",
                                       "INTEGER NOT NULL DEFAULT 0"));
    RETURN_IF_ERROR(
        AddColumnIfMissing(db, "outbox_recipients", "ack_due_at", "INTEGER"));
    RETURN_IF_ERROR(AddColumnIfMissing(db, "outbox_recipients",
                                       "acknowledged_by",
                                       "TEXT NOT NULL DEFAULT ''"));
    RETURN_IF_ERROR(AddColumnIfMissing(db, "outbox_recipients",
                                       "acknowledged_at", "INTEGER"));
    RETURN_IF_ERROR(
        AddColumnIfMissing(db, "outbox_recipients", "acknowledgement", "BLOB"));
    RETURN_IF_ERROR(AddColumnIfMissing(db, "inbox", "alert_checked",
                                       "INTEGER NOT NULL DEFAULT 0"));
    return db->Exec(kMoveSchema);
  }();
  if (!migrated.ok()) {
    (void)db->Exec("ROLLBACK");
    return migrated;
  }
  return db->Exec("COMMIT");
}

}  // namespace store_internal

absl::StatusOr<InsertMoveResult> SqliteNodeStore::InsertMove(
    const MoveRecord& move) {
  RETURN_IF_ERROR(CheckTransferId(move.move_id));
  if (move.views.empty()) {
    return absl::InvalidArgumentError("a move needs at least one view");
  }
  absl::MutexLock lock(&mu_);
  absl::Status inserted = [&]() -> absl::Status {
    sqlite::Transaction txn(db_.get());
    RETURN_IF_ERROR(txn.status());
    ASSIGN_OR_RETURN(
        sqlite::Statement row,
        db_->Prepare("INSERT INTO moves (move_id, client_name, "
                     "idempotency_key, child_key, kind, from_area, to_area, "
                     "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
    row.BindBlob(1, move.move_id)
        .Bind(2, move.client_name)
        .Bind(3, move.idempotency_key)
        .BindBlob(4, move.child_key)
        .Bind(5, int64_t{move.kind})
        .Bind(6, move.from_area)
        .Bind(7, move.to_area)
        .Bind(8, ToMicros(move.created_at));
    RETURN_IF_ERROR(row.Run());
    ASSIGN_OR_RETURN(
        sqlite::Statement view_row,
        db_->Prepare("INSERT INTO move_views (transfer_id, move_id, position, "
                     "role, kind, kept_fields, kept_attachments) VALUES (?1, "
                     "?2, ?3, ?4, ?5, ?6, ?7)"));
    int64_t position = 0;
    for (const auto& [views, role] :
         {std::pair{&move.views, MoveViewRole::kDestination},
          std::pair{&move.moved_on_views, MoveViewRole::kMovedOn}}) {
      for (const MoveView& view : *views) {
        RETURN_IF_ERROR(CheckTransferId(view.transfer.transfer_id));
        RETURN_IF_ERROR(InsertTransferLocked(view.transfer, &view));
        view_row.Reset();
        view_row.BindBlob(1, view.transfer.transfer_id)
            .BindBlob(2, move.move_id)
            .Bind(3, position++)
            .Bind(4, static_cast<int64_t>(role))
            .Bind(5, int64_t{view.kind})
            .Bind(6, JoinLines(view.kept_fields))
            .Bind(7, JoinLines(view.kept_attachments));
        RETURN_IF_ERROR(view_row.Run());
      }
    }
    const std::string reason =
        absl::StrCat("superseded by move ", crypto::ToHex(move.move_id));
    for (const std::string& earlier : move.superseded_move_ids) {
      ASSIGN_OR_RETURN(sqlite::Statement mark,
                       db_->Prepare("UPDATE moves SET superseded_by = ?2 "
                                    "WHERE move_id = ?1"));
      mark.BindBlob(1, earlier).BindBlob(2, move.move_id);
      RETURN_IF_ERROR(mark.Run());
      ASSIGN_OR_RETURN(sqlite::Statement link,
                       db_->Prepare("INSERT OR IGNORE INTO move_superseded "
                                    "(move_id, superseded_move_id) VALUES "
                                    "(?1, ?2)"));
      link.BindBlob(1, move.move_id).BindBlob(2, earlier);
      RETURN_IF_ERROR(link.Run());
      // Every view transfer still on its way gets a router withdrawal (an
      // upload may be in flight even for one still queued here).
      ASSIGN_OR_RETURN(
          sqlite::Statement queue,
          db_->Prepare(
              "INSERT OR IGNORE INTO pending_withdrawals "
              "(transfer_id, queued_at) SELECT DISTINCT v.transfer_id, "
              "?2 FROM move_views v JOIN outbox_recipients r ON "
              "r.transfer_id = v.transfer_id WHERE v.move_id = ?1 "
              "AND r.state IN (1, 2)"));
      queue.BindBlob(1, earlier).Bind(2, ToMicros(move.created_at));
      RETURN_IF_ERROR(queue.Run());
      ASSIGN_OR_RETURN(
          sqlite::Statement withdraw,
          db_->Prepare("UPDATE outbox_recipients SET state = ?2, reason = ?3, "
                       "updated_at = ?4 WHERE state = 1 AND transfer_id IN "
                       "(SELECT transfer_id FROM move_views WHERE move_id = "
                       "?1)"));
      withdraw.BindBlob(1, earlier)
          .Bind(2, int64_t{handover::v1::DELIVERY_STATE_WITHDRAWN})
          .Bind(3, reason)
          .Bind(4, ToMicros(move.created_at));
      RETURN_IF_ERROR(withdraw.Run());
    }
    return txn.Commit();
  }();
  if (inserted.ok()) return InsertMoveResult{move.move_id, false};
  if (!absl::IsAlreadyExists(inserted)) return inserted;
  ASSIGN_OR_RETURN(std::optional<std::string> existing,
                   FindMoveByKeyLocked(move.client_name, move.idempotency_key));
  if (existing.has_value()) return InsertMoveResult{*existing, true};
  return absl::AlreadyExistsError(
      "a transfer id of the move is already in the outbox");
}

absl::StatusOr<std::optional<std::string>> SqliteNodeStore::FindMoveByKeyLocked(
    absl::string_view client_name, absl::string_view idempotency_key) {
  ASSIGN_OR_RETURN(sqlite::Statement find,
                   db_->Prepare("SELECT move_id FROM moves WHERE client_name "
                                "= ?1 AND idempotency_key = ?2"));
  find.Bind(1, client_name).Bind(2, idempotency_key);
  ASSIGN_OR_RETURN(bool found, find.Step());
  if (!found) return std::nullopt;
  return find.ColumnBlob(0);
}

absl::StatusOr<std::optional<MoveRecord>>
SqliteNodeStore::FindMoveByIdempotencyKey(absl::string_view client_name,
                                          absl::string_view idempotency_key) {
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(std::optional<std::string> id,
                   FindMoveByKeyLocked(client_name, idempotency_key));
  if (!id.has_value()) return std::nullopt;
  return GetMoveLocked(*id);
}

absl::StatusOr<std::optional<MoveRecord>> SqliteNodeStore::GetMove(
    absl::string_view move_id) {
  absl::MutexLock lock(&mu_);
  return GetMoveLocked(move_id);
}

absl::StatusOr<std::optional<MoveRecord>> SqliteNodeStore::GetMoveLocked(
    absl::string_view move_id) {
  ASSIGN_OR_RETURN(
      sqlite::Statement get,
      db_->Prepare("SELECT client_name, idempotency_key, child_key, kind, "
                   "from_area, to_area, created_at, superseded_by FROM moves "
                   "WHERE move_id = ?1"));
  get.BindBlob(1, move_id);
  ASSIGN_OR_RETURN(bool found, get.Step());
  if (!found) return std::nullopt;
  MoveRecord move;
  move.move_id = std::string(move_id);
  move.client_name = get.ColumnText(0);
  move.idempotency_key = get.ColumnText(1);
  move.child_key = get.ColumnBlob(2);
  move.kind = static_cast<handover::v1::MoveNoticeKind>(get.ColumnInt(3));
  move.from_area = get.ColumnText(4);
  move.to_area = get.ColumnText(5);
  move.created_at = FromMicros(get.ColumnInt(6));
  move.superseded_by = get.ColumnBlob(7);

  ASSIGN_OR_RETURN(
      sqlite::Statement views,
      db_->Prepare("SELECT transfer_id, role, kind, kept_fields, "
                   "kept_attachments FROM move_views WHERE move_id = ?1 "
                   "ORDER BY position"));
  views.BindBlob(1, move_id);
  while (true) {
    ASSIGN_OR_RETURN(bool row, views.Step());
    if (!row) break;
    MoveView view;
    ASSIGN_OR_RETURN(std::optional<TransferRecord> transfer,
                     GetTransferLocked(views.ColumnBlob(0)));
    if (!transfer.has_value()) {
      return absl::DataLossError("a move's view is not in the outbox");
    }
    view.transfer = transfer->transfer;
    for (const RecipientDelivery& r : transfer->recipients) {
      view.recipient_kinds.push_back(r.kind);
      view.acknowledgement_due_at.push_back(r.acknowledgement_due_at);
    }
    view.kind = static_cast<handover::v1::AgencyKind>(views.ColumnInt(2));
    view.kept_fields = SplitLines(views.ColumnText(3));
    view.kept_attachments = SplitLines(views.ColumnText(4));
    (views.ColumnInt(1) == static_cast<int64_t>(MoveViewRole::kMovedOn)
         ? move.moved_on_views
         : move.views)
        .push_back(std::move(view));
  }
  ASSIGN_OR_RETURN(sqlite::Statement superseded,
                   db_->Prepare("SELECT superseded_move_id FROM "
                                "move_superseded WHERE move_id = ?1 ORDER BY "
                                "rowid"));
  superseded.BindBlob(1, move_id);
  while (true) {
    ASSIGN_OR_RETURN(bool row, superseded.Step());
    if (!row) break;
    move.superseded_move_ids.push_back(superseded.ColumnBlob(0));
  }
  return move;
}

absl::StatusOr<std::vector<MoveRecord>> SqliteNodeStore::ListUndeliveredMoves(
    absl::string_view child_key) {
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(
      sqlite::Statement list,
      db_->Prepare("SELECT m.move_id FROM moves m WHERE m.child_key = ?1 AND "
                   "m.superseded_by IS NULL AND m.kind IN (1, 2) AND EXISTS "
                   "(SELECT 1 FROM move_views v JOIN outbox_recipients r ON "
                   "r.transfer_id = v.transfer_id WHERE v.move_id = m.move_id "
                   "AND v.role = 1 AND r.state IN (1, 2)) ORDER BY m.rowid"));
  list.BindBlob(1, child_key);
  std::vector<std::string> ids;
  while (true) {
    ASSIGN_OR_RETURN(bool row, list.Step());
    if (!row) break;
    ids.push_back(list.ColumnBlob(0));
  }
  std::vector<MoveRecord> out;
  for (const std::string& id : ids) {
    ASSIGN_OR_RETURN(std::optional<MoveRecord> move, GetMoveLocked(id));
    if (move.has_value()) out.push_back(*std::move(move));
  }
  return out;
}

absl::StatusOr<std::optional<TransferMoveInfo>>
SqliteNodeStore::GetTransferMove(absl::string_view transfer_id) {
  RETURN_IF_ERROR(CheckTransferId(transfer_id));
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(
      sqlite::Statement get,
      db_->Prepare("SELECT v.move_id, m.kind, v.role, v.kind, v.kept_fields, "
                   "v.kept_attachments FROM move_views v JOIN moves m ON "
                   "m.move_id = v.move_id WHERE v.transfer_id = ?1"));
  get.BindBlob(1, transfer_id);
  ASSIGN_OR_RETURN(bool found, get.Step());
  if (!found) return std::nullopt;
  TransferMoveInfo info;
  info.move_id = get.ColumnBlob(0);
  info.move_kind = static_cast<handover::v1::MoveNoticeKind>(get.ColumnInt(1));
  info.role = static_cast<MoveViewRole>(get.ColumnInt(2));
  if (info.role == MoveViewRole::kMovedOn) {
    info.move_kind = handover::v1::MOVE_NOTICE_KIND_MOVED_ON;
  }
  info.kind = static_cast<handover::v1::AgencyKind>(get.ColumnInt(3));
  info.kept_fields = SplitLines(get.ColumnText(4));
  info.kept_attachments = SplitLines(get.ColumnText(5));
  return info;
}

absl::StatusOr<bool> SqliteNodeStore::RecordAcknowledgement(
    absl::string_view transfer_id, absl::string_view recipient,
    absl::string_view operator_id, absl::Time acknowledged_at,
    absl::string_view signed_notice) {
  RETURN_IF_ERROR(CheckTransferId(transfer_id));
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(
      sqlite::Statement set,
      db_->Prepare("UPDATE outbox_recipients SET acknowledged_by = ?3, "
                   "acknowledged_at = ?4, acknowledgement = ?5 WHERE "
                   "transfer_id = ?1 AND agency_id = ?2 AND acknowledged_at "
                   "IS NULL"));
  set.BindBlob(1, transfer_id)
      .Bind(2, recipient)
      .Bind(3, operator_id)
      .Bind(4, ToMicros(acknowledged_at))
      .BindBlob(5, signed_notice);
  RETURN_IF_ERROR(set.Run());
  if (db_->Changes() == 1) return true;
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

absl::StatusOr<std::vector<OverdueCopy>> SqliteNodeStore::ListOverdue(
    absl::Time now, size_t limit) {
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(
      sqlite::Statement list,
      db_->Prepare("SELECT r.transfer_id, v.move_id, r.agency_id, r.kind, "
                   "r.state, r.ack_due_at FROM outbox_recipients r LEFT JOIN "
                   "move_views v ON v.transfer_id = r.transfer_id WHERE "
                   "r.ack_due_at IS NOT NULL AND r.ack_due_at <= ?1 AND "
                   "r.acknowledged_at IS NULL AND r.state != ?2 ORDER BY "
                   "r.ack_due_at, r.transfer_id, r.agency_id LIMIT ?3"));
  list.Bind(1, ToMicros(now))
      .Bind(2, int64_t{handover::v1::DELIVERY_STATE_WITHDRAWN})
      .Bind(3, static_cast<int64_t>(limit));
  std::vector<OverdueCopy> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, list.Step());
    if (!row) return out;
    OverdueCopy c;
    c.transfer_id = list.ColumnBlob(0);
    c.move_id = list.ColumnBlob(1);
    c.agency_id = list.ColumnText(2);
    c.kind = static_cast<handover::v1::AgencyKind>(list.ColumnInt(3));
    c.state = static_cast<DeliveryState>(list.ColumnInt(4));
    c.due_at = FromMicros(list.ColumnInt(5));
    out.push_back(std::move(c));
  }
}

absl::StatusOr<std::vector<std::string>>
SqliteNodeStore::ListPendingWithdrawals(size_t limit) {
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(sqlite::Statement list,
                   db_->Prepare("SELECT transfer_id FROM pending_withdrawals "
                                "ORDER BY queued_at, rowid LIMIT ?1"));
  list.Bind(1, static_cast<int64_t>(limit));
  std::vector<std::string> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, list.Step());
    if (!row) return out;
    out.push_back(list.ColumnBlob(0));
  }
}

absl::Status SqliteNodeStore::CompleteWithdrawal(
    absl::string_view transfer_id) {
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(sqlite::Statement remove,
                   db_->Prepare("DELETE FROM pending_withdrawals WHERE "
                                "transfer_id = ?1"));
  remove.BindBlob(1, transfer_id);
  return remove.Run();
}

absl::StatusOr<InboxAcknowledgement> SqliteNodeStore::AcknowledgeInbox(
    absl::string_view transfer_id, absl::string_view operator_id,
    absl::string_view note, absl::Time at, absl::string_view signed_notice) {
  RETURN_IF_ERROR(CheckTransferId(transfer_id));
  absl::MutexLock lock(&mu_);
  sqlite::Transaction txn(db_.get());
  RETURN_IF_ERROR(txn.status());
  ASSIGN_OR_RETURN(sqlite::Statement in_inbox,
                   db_->Prepare("SELECT 1 FROM inbox WHERE transfer_id = ?1"));
  in_inbox.BindBlob(1, transfer_id);
  ASSIGN_OR_RETURN(bool held, in_inbox.Step());
  if (!held) return absl::NotFoundError("the transfer is not in the inbox");
  ASSIGN_OR_RETURN(sqlite::Statement earlier,
                   db_->Prepare("SELECT operator_id, acknowledged_at FROM "
                                "inbox_acknowledgements WHERE transfer_id = "
                                "?1"));
  earlier.BindBlob(1, transfer_id);
  ASSIGN_OR_RETURN(bool found, earlier.Step());
  if (found) {
    return InboxAcknowledgement{earlier.ColumnText(0),
                                FromMicros(earlier.ColumnInt(1)), true};
  }
  ASSIGN_OR_RETURN(sqlite::Statement insert,
                   db_->Prepare("INSERT INTO inbox_acknowledgements "
                                "(transfer_id, operator_id, note, "
                                "acknowledged_at) VALUES (?1, ?2, ?3, ?4)"));
  insert.BindBlob(1, transfer_id)
      .Bind(2, operator_id)
      .Bind(3, note)
      .Bind(4, ToMicros(at));
  RETURN_IF_ERROR(insert.Run());
  RETURN_IF_ERROR(EnqueueNoticeLocked(signed_notice, at));
  RETURN_IF_ERROR(txn.Commit());
  return InboxAcknowledgement{std::string(operator_id), at, false};
}

absl::StatusOr<std::vector<std::string>>
SqliteNodeStore::ListUncheckedForAlerts(size_t limit) {
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(sqlite::Statement list,
                   db_->Prepare("SELECT transfer_id FROM inbox WHERE "
                                "alert_checked = 0 ORDER BY seq LIMIT ?1"));
  list.Bind(1, static_cast<int64_t>(limit));
  std::vector<std::string> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, list.Step());
    if (!row) return out;
    out.push_back(list.ColumnBlob(0));
  }
}

absl::Status SqliteNodeStore::MarkCheckedForAlerts(
    absl::string_view transfer_id) {
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(sqlite::Statement mark,
                   db_->Prepare("UPDATE inbox SET alert_checked = 1 WHERE "
                                "transfer_id = ?1"));
  mark.BindBlob(1, transfer_id);
  return mark.Run();
}

}  // namespace handover::node

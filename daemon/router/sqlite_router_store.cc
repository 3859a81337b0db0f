#include "router/sqlite_router_store.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/status_macros.h"
#include "crypto/envelope_format.h"
#include "crypto/identity.h"
#include "router/backoff.h"

namespace handover::router {
namespace {

using sqlite::Statement;

// Version 1 of the schema. Times are Unix microseconds. Deliveries and
// notices share one table of mailbox items so that delivery ids rise across
// both; for an envelope item `subject` is the recipient (= agency_id), for
// a notice item the recipient the notice is about. withdrawn_transfers
// holds the transfers a sender withdrew before the router held them (added
// by CREATE IF NOT EXISTS, so an older file gains it on open); its key
// includes the sender so that one agency cannot block another's transfer
// id.
constexpr char kSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS envelopes (
  transfer_id BLOB PRIMARY KEY,
  sender_id TEXT NOT NULL,
  signed_header BLOB NOT NULL,
  signature BLOB NOT NULL,
  wrapped_keys BLOB NOT NULL,
  recipients TEXT NOT NULL,
  ciphertext_size INTEGER NOT NULL,
  ciphertext_hash BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  accepted_at INTEGER NOT NULL,
  location INTEGER NOT NULL,
  spool_name TEXT,
  inline_ciphertext BLOB,
  ciphertext_deleted_at INTEGER
);
CREATE INDEX IF NOT EXISTS envelopes_held
  ON envelopes (accepted_at) WHERE location != 3;
CREATE TABLE IF NOT EXISTS items (
  delivery_id INTEGER PRIMARY KEY AUTOINCREMENT,
  agency_id TEXT NOT NULL,
  kind INTEGER NOT NULL,
  transfer_id BLOB NOT NULL REFERENCES envelopes (transfer_id),
  subject TEXT NOT NULL,
  state INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,
  expires_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  notice BLOB,
  UNIQUE (transfer_id, kind, subject)
);
CREATE INDEX IF NOT EXISTS items_mailbox
  ON items (agency_id, state, delivery_id);
CREATE INDEX IF NOT EXISTS items_expiry
  ON items (kind, state, expires_at);
CREATE TABLE IF NOT EXISTS withdrawn_transfers (
  transfer_id BLOB NOT NULL,
  sender_id TEXT NOT NULL,
  withdrawn_at INTEGER NOT NULL,
  PRIMARY KEY (transfer_id, sender_id)
);
CREATE INDEX IF NOT EXISTS withdrawn_transfers_age
  ON withdrawn_transfers (withdrawn_at);
INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', 1);
INSERT OR IGNORE INTO meta (key, value) VALUES ('directory_version', 0);
)sql";

constexpr int kEnvelopeKind = static_cast<int>(ItemKind::kEnvelope);

int64_t Micros(absl::Time t) { return absl::ToUnixMicros(t); }
absl::Time FromMicros(int64_t micros) { return absl::FromUnixMicros(micros); }

// Resets a cached statement when the scope that used it ends, so that no
// finished read keeps its snapshot open.
class Use {
 public:
  explicit Use(std::optional<Statement>& statement) : statement_(*statement) {
    statement_.Reset();
  }
  ~Use() { statement_.Reset(); }
  Use(const Use&) = delete;
  Use& operator=(const Use&) = delete;
  Statement* operator->() { return &statement_; }
  Statement& operator*() { return statement_; }

 private:
  Statement& statement_;
};

std::string JoinWrappedKeys(const std::vector<std::string>& keys) {
  return absl::StrJoin(keys, "");
}

std::vector<std::string> SplitWrappedKeys(const std::string& joined) {
  std::vector<std::string> keys;
  for (size_t at = 0; at + crypto::kWrappedKeyBytes <= joined.size();
       at += crypto::kWrappedKeyBytes) {
    keys.push_back(joined.substr(at, crypto::kWrappedKeyBytes));
  }
  return keys;
}

absl::Status NotFoundItem(uint64_t delivery_id) {
  return absl::NotFoundError(
      absl::StrCat("no mailbox item ", delivery_id, " for this agency"));
}

}  // namespace

bool NeedsCiphertext(DeliveryState state) {
  return state == DeliveryState::kPending || state == DeliveryState::kPushed;
}

bool IsFinal(DeliveryState state) {
  return state == DeliveryState::kReceipted ||
         state == DeliveryState::kExpired ||
         state == DeliveryState::kRejected ||
         state == DeliveryState::kRevoked ||
         state == DeliveryState::kWithdrawn || state == DeliveryState::kHeld;
}

absl::string_view DeliveryStateName(DeliveryState state) {
  switch (state) {
    case DeliveryState::kPending:
      return "pending";
    case DeliveryState::kPushed:
      return "pushed";
    case DeliveryState::kStoredAtNode:
      return "stored-at-node";
    case DeliveryState::kReceipted:
      return "receipted";
    case DeliveryState::kExpired:
      return "expired";
    case DeliveryState::kRejected:
      return "rejected";
    case DeliveryState::kRevoked:
      return "revoked";
    case DeliveryState::kWithdrawn:
      return "withdrawn";
    case DeliveryState::kHeld:
      return "held";
  }
  return "unknown";
}

absl::Status WithdrawnBySenderError(absl::string_view transfer_id) {
  return absl::FailedPreconditionError(absl::StrCat(
      "transfer ", crypto::ToHex(transfer_id), " was withdrawn by its sender"));
}

// Every statement the store runs, compiled once (Statement has no empty
// state, hence the optionals).
using Stmt = std::optional<Statement>;
struct SqliteRouterStore::Statements {
  Stmt begin, commit, rollback, savepoint, release, rollback_to;
  Stmt find_envelope, insert_envelope, insert_item, inline_ciphertext;
  Stmt list_deliveries, claim_select, mark_pushed, next_due;
  Stmt item_attempts, release_item, release_all, ack_stored, get_item;
  Stmt reject_notice, release_of, any_needing, held_ciphertext, has_due;
  Stmt finish_delivery, receipt_delivery, receipt_before_ack, insert_notice;
  Stmt sender_of;
  Stmt list_expired, open_to, open_from, deletable, mark_deleted, spool_names;
  Stmt get_meta, set_meta;
  Stmt withdraw_delivery, record_withdrawal, is_withdrawn, forget_withdrawals;
  Stmt old_withdrawal;
};

#define PREPARE(field, sql) ASSIGN_OR_RETURN(s->field, db->Prepare(sql))

absl::Status SqliteRouterStore::PrepareAll(sqlite::SqliteDb* db,
                                           Statements* s) {
  PREPARE(begin, "BEGIN IMMEDIATE");
  PREPARE(commit, "COMMIT");
  PREPARE(rollback, "ROLLBACK");
  PREPARE(savepoint, "SAVEPOINT change");
  PREPARE(release, "RELEASE change");
  PREPARE(rollback_to, "ROLLBACK TO change");
  PREPARE(find_envelope,
          "SELECT sender_id, signed_header, signature, wrapped_keys, "
          "recipients, ciphertext_size, ciphertext_hash, created_at, "
          "expires_at, accepted_at, location, spool_name "
          "FROM envelopes WHERE transfer_id = ?1");
  PREPARE(insert_envelope,
          "INSERT INTO envelopes (transfer_id, sender_id, signed_header, "
          "signature, wrapped_keys, recipients, ciphertext_size, "
          "ciphertext_hash, created_at, expires_at, accepted_at, location, "
          "spool_name, inline_ciphertext) VALUES "
          "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)");
  PREPARE(insert_item,
          "INSERT INTO items (agency_id, kind, transfer_id, subject, state, "
          "expires_at, updated_at) VALUES (?1, 1, ?2, ?1, 1, ?3, ?4)");
  PREPARE(inline_ciphertext,
          "SELECT inline_ciphertext FROM envelopes "
          "WHERE transfer_id = ?1 AND location = 1");
  PREPARE(list_deliveries,
          "SELECT subject, state, delivery_id, attempts, next_attempt_at, "
          "updated_at, reason FROM items "
          "WHERE transfer_id = ?1 AND kind = 1 ORDER BY delivery_id");
  PREPARE(claim_select,
          "SELECT delivery_id, kind, transfer_id, notice, attempts FROM items "
          "WHERE agency_id = ?1 AND state = 1 AND next_attempt_at <= ?2 "
          "ORDER BY delivery_id LIMIT ?3");
  PREPARE(mark_pushed,
          "UPDATE items SET state = 2, updated_at = ?2 "
          "WHERE delivery_id = ?1 AND state = 1");
  PREPARE(next_due,
          "SELECT MIN(next_attempt_at) FROM items "
          "WHERE agency_id = ?1 AND state = 1 AND next_attempt_at > ?2");
  PREPARE(item_attempts,
          "SELECT attempts FROM items "
          "WHERE delivery_id = ?1 AND agency_id = ?2 AND state = 2");
  PREPARE(release_item,
          "UPDATE items SET state = 1, attempts = ?2, next_attempt_at = ?3, "
          "updated_at = ?4 WHERE delivery_id = ?1 AND state = 2");
  PREPARE(release_all, "UPDATE items SET state = 1 WHERE state = 2");
  PREPARE(release_of,
          "UPDATE items SET state = 1 WHERE agency_id = ?1 AND state = 2");
  PREPARE(ack_stored,
          "UPDATE items SET state = 3, updated_at = ?3 "
          "WHERE delivery_id = ?1 AND agency_id = ?2 AND state IN (1, 2)");
  PREPARE(reject_notice,
          "UPDATE items SET state = 6, reason = ?3, updated_at = ?4 "
          "WHERE delivery_id = ?1 AND agency_id = ?2 AND kind != 1 "
          "AND state IN (1, 2)");
  PREPARE(get_item,
          "SELECT kind, transfer_id, notice, attempts FROM items "
          "WHERE delivery_id = ?1 AND agency_id = ?2");
  PREPARE(finish_delivery,
          "UPDATE items SET state = ?3, reason = ?4, updated_at = ?5 "
          "WHERE transfer_id = ?1 AND kind = 1 AND subject = ?2 "
          "AND state IN (1, 2)");
  PREPARE(receipt_delivery,
          "UPDATE items SET state = 4, updated_at = ?3 "
          "WHERE transfer_id = ?1 AND kind = 1 AND subject = ?2 "
          "AND state IN (1, 2, 3)");
  // The same, only for a delivery the node's ack has not reached yet.
  PREPARE(receipt_before_ack,
          "UPDATE items SET state = 4, updated_at = ?3 "
          "WHERE transfer_id = ?1 AND kind = 1 AND subject = ?2 "
          "AND state IN (1, 2)");
  PREPARE(insert_notice,
          "INSERT OR IGNORE INTO items (agency_id, kind, transfer_id, "
          "subject, state, expires_at, updated_at, notice) "
          "VALUES (?1, ?2, ?3, ?4, 1, ?5, ?6, ?7)");
  PREPARE(sender_of,
          "SELECT sender_id, expires_at FROM envelopes WHERE transfer_id = ?1");
  PREPARE(list_expired,
          "SELECT i.transfer_id, e.sender_id, i.subject, i.expires_at, "
          "i.delivery_id "
          "FROM items i JOIN envelopes e ON e.transfer_id = i.transfer_id "
          "WHERE i.kind = 1 AND i.state IN (1, 2) AND i.expires_at <= ?1 "
          "ORDER BY i.expires_at LIMIT ?2");
  PREPARE(open_to,
          "SELECT i.transfer_id, e.sender_id, i.subject, i.expires_at, "
          "i.delivery_id "
          "FROM items i JOIN envelopes e ON e.transfer_id = i.transfer_id "
          "WHERE i.agency_id = ?1 AND i.state IN (1, 2) AND i.kind = 1 "
          "ORDER BY i.delivery_id LIMIT ?2");
  PREPARE(open_from,
          "SELECT i.transfer_id, e.sender_id, i.subject, i.expires_at, "
          "i.delivery_id "
          "FROM items i JOIN envelopes e ON e.transfer_id = i.transfer_id "
          "WHERE e.sender_id = ?1 AND i.state IN (1, 2) AND i.kind = 1 "
          "AND i.delivery_id > ?2 ORDER BY i.delivery_id LIMIT ?3");
  PREPARE(deletable,
          "SELECT transfer_id, location, spool_name FROM envelopes e "
          "WHERE location != 3 AND (accepted_at < ?1 OR NOT EXISTS ("
          "SELECT 1 FROM items i WHERE i.transfer_id = e.transfer_id "
          "AND i.kind = 1 AND i.state IN (1, 2, 3, 9))) LIMIT ?2");
  PREPARE(mark_deleted,
          "UPDATE envelopes SET location = 3, inline_ciphertext = NULL, "
          "ciphertext_deleted_at = ?2 WHERE transfer_id = ?1 AND location != "
          "3");
  PREPARE(spool_names,
          "SELECT spool_name FROM envelopes WHERE location = 2 AND spool_name "
          "IS NOT NULL");
  PREPARE(has_due,
          "SELECT 1 FROM items WHERE agency_id = ?1 AND state = 1 "
          "AND next_attempt_at <= ?2 LIMIT 1");
  PREPARE(any_needing,
          "SELECT 1 FROM items WHERE transfer_id = ?1 AND kind = 1 "
          "AND state IN (1, 2, 3, 9) LIMIT 1");
  PREPARE(held_ciphertext,
          "SELECT location, spool_name FROM envelopes "
          "WHERE transfer_id = ?1 AND location != 3");
  PREPARE(withdraw_delivery,
          "UPDATE items SET state = 8, reason = ?3, updated_at = ?4 "
          "WHERE transfer_id = ?1 AND kind = 1 AND subject = ?2 "
          "AND state = 1");
  PREPARE(record_withdrawal,
          "INSERT OR IGNORE INTO withdrawn_transfers (transfer_id, sender_id, "
          "withdrawn_at) VALUES (?1, ?2, ?3)");
  PREPARE(is_withdrawn,
          "SELECT 1 FROM withdrawn_transfers "
          "WHERE transfer_id = ?1 AND sender_id = ?2");
  PREPARE(forget_withdrawals,
          "DELETE FROM withdrawn_transfers WHERE rowid IN (SELECT rowid FROM "
          "withdrawn_transfers WHERE withdrawn_at < ?1 LIMIT ?2)");
  PREPARE(old_withdrawal,
          "SELECT 1 FROM withdrawn_transfers WHERE withdrawn_at < ?1 LIMIT 1");
  PREPARE(get_meta, "SELECT value FROM meta WHERE key = ?1");
  PREPARE(set_meta, "UPDATE meta SET value = ?2 WHERE key = ?1");
  return absl::OkStatus();
}

#undef PREPARE

struct SqliteRouterStore::PendingWrite {
  explicit PendingWrite(absl::FunctionRef<absl::Status()> f) : change(f) {}
  absl::FunctionRef<absl::Status()> change;
  absl::Status status;
  bool done = false;
};

absl::StatusOr<std::unique_ptr<SqliteRouterStore>> SqliteRouterStore::Open(
    const std::string& path) {
  ASSIGN_OR_RETURN(std::unique_ptr<sqlite::SqliteDb> db,
                   sqlite::SqliteDb::Open(path));
  RETURN_IF_ERROR(db->Exec(kSchema));
  auto statements = std::make_unique<Statements>();
  RETURN_IF_ERROR(PrepareAll(db.get(), statements.get()));
  // Reads go through their own connection: WAL lets them run while a
  // commit waits for its fsync on the writer.
  ASSIGN_OR_RETURN(std::unique_ptr<sqlite::SqliteDb> reader,
                   sqlite::SqliteDb::Open(path));
  auto read_statements = std::make_unique<Statements>();
  RETURN_IF_ERROR(PrepareAll(reader.get(), read_statements.get()));
  return std::unique_ptr<SqliteRouterStore>(
      new SqliteRouterStore(std::move(db), std::move(statements),
                            std::move(reader), std::move(read_statements)));
}

SqliteRouterStore::SqliteRouterStore(
    std::unique_ptr<sqlite::SqliteDb> db,
    std::unique_ptr<Statements> statements,
    std::unique_ptr<sqlite::SqliteDb> reader,
    std::unique_ptr<Statements> read_statements)
    : db_(std::move(db)),
      stmts_(std::move(statements)),
      reader_(std::move(reader)),
      read_stmts_(std::move(read_statements)) {}

SqliteRouterStore::~SqliteRouterStore() {
  absl::MutexLock read_lock(&read_mu_);
  absl::MutexLock lock(&db_mu_);
  // Statements before their connections.
  read_stmts_.reset();
  reader_.reset();
  stmts_.reset();
  db_.reset();
}

absl::Status SqliteRouterStore::Write(
    absl::FunctionRef<absl::Status()> change) {
  PendingWrite write(change);
  queue_mu_.Lock();
  queue_.push_back(&write);
  // Someone else is committing: our change joins the next batch, which we
  // may lead or which another waiter leads for us.
  while (!write.done && leader_active_) {
    queue_mu_.Await(absl::Condition(this, &SqliteRouterStore::LeaderIdle));
  }
  if (write.done) {
    queue_mu_.Unlock();
    return write.status;
  }
  leader_active_ = true;
  std::vector<PendingWrite*> batch;
  batch.swap(queue_);
  queue_mu_.Unlock();

  RunBatch(batch);

  queue_mu_.Lock();
  for (PendingWrite* w : batch) w->done = true;
  leader_active_ = false;
  queue_mu_.Unlock();
  return write.status;
}

void SqliteRouterStore::RunBatch(const std::vector<PendingWrite*>& batch) {
  absl::MutexLock lock(&db_mu_);
  Statements& s = *stmts_;
  absl::Status begun = Use(s.begin)->Run();
  if (!begun.ok()) {
    for (PendingWrite* w : batch) w->status = begun;
    return;
  }
  for (PendingWrite* w : batch) {
    absl::Status saved = Use(s.savepoint)->Run();
    if (!saved.ok()) {
      w->status = saved;
      continue;
    }
    w->status = w->change();
    if (!w->status.ok()) Use(s.rollback_to)->Run().IgnoreError();
    // RELEASE after ROLLBACK TO drops the (now empty) savepoint.
    absl::Status released = Use(s.release)->Run();
    if (w->status.ok() && !released.ok()) w->status = released;
  }
  absl::Status committed = Use(s.commit)->Run();
  if (!committed.ok()) {
    // A failed COMMIT (e.g. disk full) may leave the transaction open.
    Use(s.rollback)->Run().IgnoreError();
    for (PendingWrite* w : batch) {
      if (w->status.ok()) w->status = committed;
    }
  }
}

absl::StatusOr<AcceptResult> SqliteRouterStore::AcceptEnvelope(
    const EnvelopeRecord& e, absl::string_view inline_ciphertext) {
  AcceptResult result;
  absl::Status status = Write([&]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
    ASSIGN_OR_RETURN(std::optional<EnvelopeRecord> existing,
                     FindEnvelopeIn(*stmts_, e.transfer_id));
    if (existing.has_value()) {
      if (existing->signed_header != e.signed_header ||
          existing->signature != e.signature) {
        return absl::AlreadyExistsError(
            absl::StrCat("transfer ", crypto::ToHex(e.transfer_id),
                         " is already stored with a different signed header"));
      }
      result.already_stored = true;
      return absl::OkStatus();
    }
    Statements& s = *stmts_;
    ASSIGN_OR_RETURN(bool withdrawn,
                     IsWithdrawnIn(s, e.transfer_id, e.sender_id));
    if (withdrawn) return WithdrawnBySenderError(e.transfer_id);
    {
      Use insert(s.insert_envelope);
      insert->BindBlob(1, e.transfer_id)
          .Bind(2, e.sender_id)
          .BindBlob(3, e.signed_header)
          .BindBlob(4, e.signature)
          .BindBlob(5, JoinWrappedKeys(e.wrapped_keys))
          .Bind(6, absl::StrJoin(e.recipients, " "))
          .Bind(7, static_cast<int64_t>(e.ciphertext_size))
          .BindBlob(8, e.ciphertext_hash)
          .Bind(9, Micros(e.created_at))
          .Bind(10, Micros(e.expires_at))
          .Bind(11, Micros(e.accepted_at))
          .Bind(12, static_cast<int64_t>(e.location));
      if (e.location == CiphertextLocation::kSpool) {
        insert->Bind(13, e.spool_name).BindNull(14);
      } else {
        insert->BindNull(13).BindBlob(14, inline_ciphertext);
      }
      RETURN_IF_ERROR(insert->Run());
    }
    for (const std::string& recipient : e.recipients) {
      Use item(s.insert_item);
      item->Bind(1, recipient)
          .BindBlob(2, e.transfer_id)
          .Bind(3, Micros(e.expires_at))
          .Bind(4, Micros(e.accepted_at));
      RETURN_IF_ERROR(item->Run());
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<std::optional<EnvelopeRecord>> SqliteRouterStore::FindEnvelopeIn(
    Statements& s, absl::string_view transfer_id) {
  Use find(s.find_envelope);
  find->BindBlob(1, transfer_id);
  ASSIGN_OR_RETURN(bool found, find->Step());
  if (!found) return std::optional<EnvelopeRecord>();
  EnvelopeRecord e;
  e.transfer_id = std::string(transfer_id);
  e.sender_id = find->ColumnText(0);
  e.signed_header = find->ColumnBlob(1);
  e.signature = find->ColumnBlob(2);
  e.wrapped_keys = SplitWrappedKeys(find->ColumnBlob(3));
  e.recipients = absl::StrSplit(find->ColumnText(4), ' ', absl::SkipEmpty());
  e.ciphertext_size = static_cast<uint64_t>(find->ColumnInt(5));
  e.ciphertext_hash = find->ColumnBlob(6);
  e.created_at = FromMicros(find->ColumnInt(7));
  e.expires_at = FromMicros(find->ColumnInt(8));
  e.accepted_at = FromMicros(find->ColumnInt(9));
  e.location = static_cast<CiphertextLocation>(find->ColumnInt(10));
  if (!find->ColumnIsNull(11)) e.spool_name = find->ColumnText(11);
  return std::optional<EnvelopeRecord>(std::move(e));
}

absl::StatusOr<std::optional<EnvelopeRecord>> SqliteRouterStore::FindEnvelope(
    absl::string_view transfer_id) {
  absl::MutexLock lock(&read_mu_);
  return FindEnvelopeIn(*read_stmts_, transfer_id);
}

absl::StatusOr<std::string> SqliteRouterStore::ReadInlineCiphertext(
    absl::string_view transfer_id) {
  absl::MutexLock lock(&read_mu_);
  Use read(read_stmts_->inline_ciphertext);
  read->BindBlob(1, transfer_id);
  ASSIGN_OR_RETURN(bool found, read->Step());
  if (!found) {
    return absl::NotFoundError(absl::StrCat(
        "transfer ", crypto::ToHex(transfer_id), " has no inline ciphertext"));
  }
  return read->ColumnBlob(0);
}

absl::StatusOr<std::vector<DeliveryRecord>> SqliteRouterStore::ListDeliveries(
    absl::string_view transfer_id) {
  absl::MutexLock lock(&read_mu_);
  return ListDeliveriesIn(*read_stmts_, transfer_id);
}

absl::StatusOr<std::vector<DeliveryRecord>> SqliteRouterStore::ListDeliveriesIn(
    Statements& s, absl::string_view transfer_id) {
  Use list(s.list_deliveries);
  list->BindBlob(1, transfer_id);
  std::vector<DeliveryRecord> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, list->Step());
    if (!row) break;
    DeliveryRecord d;
    d.transfer_id = std::string(transfer_id);
    d.recipient_id = list->ColumnText(0);
    d.state = static_cast<DeliveryState>(list->ColumnInt(1));
    d.delivery_id = static_cast<uint64_t>(list->ColumnInt(2));
    d.attempts = static_cast<int>(list->ColumnInt(3));
    d.next_attempt_at = FromMicros(list->ColumnInt(4));
    d.updated_at = FromMicros(list->ColumnInt(5));
    d.reason = list->ColumnText(6);
    out.push_back(std::move(d));
  }
  return out;
}

absl::StatusOr<std::vector<MailboxItem>> SqliteRouterStore::ClaimItems(
    absl::string_view agency_id, absl::Time now, size_t limit) {
  std::vector<MailboxItem> items;
  if (limit == 0) return items;
  {
    // Most calls find nothing due: answer those without joining a commit.
    absl::MutexLock lock(&read_mu_);
    Use due(read_stmts_->has_due);
    due->Bind(1, agency_id).Bind(2, Micros(now));
    ASSIGN_OR_RETURN(bool any, due->Step());
    if (!any) return items;
  }
  absl::Status status = Write([&]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
    items.clear();
    Statements& s = *stmts_;
    {
      Use select(s.claim_select);
      select->Bind(1, agency_id)
          .Bind(2, Micros(now))
          .Bind(3, static_cast<int64_t>(limit));
      while (true) {
        ASSIGN_OR_RETURN(bool row, select->Step());
        if (!row) break;
        MailboxItem item;
        item.delivery_id = static_cast<uint64_t>(select->ColumnInt(0));
        item.agency_id = std::string(agency_id);
        item.kind = static_cast<ItemKind>(select->ColumnInt(1));
        item.transfer_id = select->ColumnBlob(2);
        item.notice = select->ColumnBlob(3);
        item.attempts = static_cast<int>(select->ColumnInt(4));
        items.push_back(std::move(item));
      }
    }
    for (const MailboxItem& item : items) {
      Use mark(s.mark_pushed);
      mark->Bind(1, static_cast<int64_t>(item.delivery_id))
          .Bind(2, Micros(now));
      RETURN_IF_ERROR(mark->Run());
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return items;
}

absl::StatusOr<std::optional<absl::Time>> SqliteRouterStore::NextDueTime(
    absl::string_view agency_id, absl::Time now) {
  absl::MutexLock lock(&read_mu_);
  Use next(read_stmts_->next_due);
  next->Bind(1, agency_id).Bind(2, Micros(now));
  ASSIGN_OR_RETURN(bool row, next->Step());
  if (!row || next->ColumnIsNull(0)) return std::optional<absl::Time>();
  return std::optional<absl::Time>(FromMicros(next->ColumnInt(0)));
}

absl::Status SqliteRouterStore::ReleaseItems(
    absl::string_view agency_id, const std::vector<uint64_t>& delivery_ids,
    absl::Time now, const config::RetryPolicy& retry) {
  if (delivery_ids.empty()) return absl::OkStatus();
  return Write([&]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
    Statements& s = *stmts_;
    for (uint64_t id : delivery_ids) {
      int attempts = 0;
      {
        Use read(s.item_attempts);
        read->Bind(1, static_cast<int64_t>(id)).Bind(2, agency_id);
        ASSIGN_OR_RETURN(bool row, read->Step());
        if (!row) continue;  // answered, or ended meanwhile
        attempts = static_cast<int>(read->ColumnInt(0)) + 1;
      }
      Use release(s.release_item);
      release->Bind(1, static_cast<int64_t>(id))
          .Bind(2, int64_t{attempts})
          .Bind(3, Micros(now + RetryBackoff(retry, attempts)))
          .Bind(4, Micros(now));
      RETURN_IF_ERROR(release->Run());
    }
    return absl::OkStatus();
  });
}

absl::Status SqliteRouterStore::ReleaseAllPushed() {
  return Write([&]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
    return Use(stmts_->release_all)->Run();
  });
}

absl::Status SqliteRouterStore::ReleasePushedOf(absl::string_view agency_id) {
  return Write([&]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
    Use release(stmts_->release_of);
    release->Bind(1, agency_id);
    return release->Run();
  });
}

absl::StatusOr<MailboxItem> SqliteRouterStore::GetItem(
    absl::string_view agency_id, uint64_t delivery_id) {
  absl::MutexLock lock(&read_mu_);
  Use get(read_stmts_->get_item);
  get->Bind(1, static_cast<int64_t>(delivery_id)).Bind(2, agency_id);
  ASSIGN_OR_RETURN(bool row, get->Step());
  if (!row) return NotFoundItem(delivery_id);
  MailboxItem item;
  item.delivery_id = delivery_id;
  item.agency_id = std::string(agency_id);
  item.kind = static_cast<ItemKind>(get->ColumnInt(0));
  item.transfer_id = get->ColumnBlob(1);
  item.notice = get->ColumnBlob(2);
  item.attempts = static_cast<int>(get->ColumnInt(3));
  return item;
}

absl::StatusOr<std::vector<ItemUpdate>> SqliteRouterStore::AckStored(
    absl::string_view agency_id, const std::vector<uint64_t>& delivery_ids,
    absl::Time now) {
  std::vector<ItemUpdate> updates;
  if (delivery_ids.empty()) return updates;
  absl::Status status = Write([&]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
    updates.clear();
    Statements& s = *stmts_;
    for (uint64_t id : delivery_ids) {
      {
        Use ack(s.ack_stored);
        ack->Bind(1, static_cast<int64_t>(id))
            .Bind(2, agency_id)
            .Bind(3, Micros(now));
        RETURN_IF_ERROR(ack->Run());
      }
      const bool changed = db_->Changes() == 1;
      Use get(s.get_item);
      get->Bind(1, static_cast<int64_t>(id)).Bind(2, agency_id);
      ASSIGN_OR_RETURN(bool row, get->Step());
      if (!row) continue;  // not this agency's item
      ItemUpdate update;
      update.changed = changed;
      update.item.delivery_id = id;
      update.item.agency_id = std::string(agency_id);
      update.item.kind = static_cast<ItemKind>(get->ColumnInt(0));
      update.item.transfer_id = get->ColumnBlob(1);
      update.item.attempts = static_cast<int>(get->ColumnInt(3));
      updates.push_back(std::move(update));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return updates;
}

absl::Status SqliteRouterStore::RejectNotice(absl::string_view agency_id,
                                             uint64_t delivery_id,
                                             absl::string_view reason,
                                             absl::Time now) {
  return Write([&]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
    Use reject(stmts_->reject_notice);
    reject->Bind(1, static_cast<int64_t>(delivery_id))
        .Bind(2, agency_id)
        .Bind(3, reason)
        .Bind(4, Micros(now));
    RETURN_IF_ERROR(reject->Run());
    if (db_->Changes() == 1) return absl::OkStatus();
    Use get(stmts_->get_item);
    get->Bind(1, static_cast<int64_t>(delivery_id)).Bind(2, agency_id);
    ASSIGN_OR_RETURN(bool row, get->Step());
    if (!row || get->ColumnInt(0) == kEnvelopeKind) {
      return NotFoundItem(delivery_id);
    }
    return absl::OkStatus();  // already closed
  });
}

absl::Status SqliteRouterStore::InsertNoticeLocked(
    absl::string_view transfer_id, ItemKind kind, absl::string_view subject,
    absl::string_view notice, absl::Time now, bool* inserted) {
  Statements& s = *stmts_;
  std::string sender;
  int64_t expires_at = 0;
  {
    Use sender_of(s.sender_of);
    sender_of->BindBlob(1, transfer_id);
    ASSIGN_OR_RETURN(bool row, sender_of->Step());
    if (!row) {
      return absl::NotFoundError(absl::StrCat(
          "transfer ", crypto::ToHex(transfer_id), " is not known"));
    }
    sender = sender_of->ColumnText(0);
    expires_at = sender_of->ColumnInt(1);
  }
  Use insert(s.insert_notice);
  insert->Bind(1, sender)
      .Bind(2, int64_t{static_cast<int>(kind)})
      .BindBlob(3, transfer_id)
      .Bind(4, subject)
      .Bind(5, expires_at)
      .Bind(6, Micros(now))
      .BindBlob(7, notice);
  RETURN_IF_ERROR(insert->Run());
  *inserted = db_->Changes() == 1;
  return absl::OkStatus();
}

absl::Status SqliteRouterStore::ReleaseIfFinishedLocked(
    absl::string_view transfer_id, absl::Time now,
    std::optional<CiphertextRef>* released) {
  Statements& s = *stmts_;
  {
    Use open(s.any_needing);
    open->BindBlob(1, transfer_id);
    ASSIGN_OR_RETURN(bool still_needed, open->Step());
    if (still_needed) return absl::OkStatus();
  }
  CiphertextRef ref;
  ref.transfer_id = std::string(transfer_id);
  {
    Use held(s.held_ciphertext);
    held->BindBlob(1, transfer_id);
    ASSIGN_OR_RETURN(bool row, held->Step());
    if (!row) return absl::OkStatus();  // already deleted
    ref.location = static_cast<CiphertextLocation>(held->ColumnInt(0));
    if (!held->ColumnIsNull(1)) ref.spool_name = held->ColumnText(1);
  }
  Use mark(s.mark_deleted);
  mark->BindBlob(1, transfer_id).Bind(2, Micros(now));
  RETURN_IF_ERROR(mark->Run());
  *released = std::move(ref);
  return absl::OkStatus();
}

absl::StatusOr<DeliveryOutcome> SqliteRouterStore::FinishDelivery(
    absl::string_view transfer_id, absl::string_view recipient_id,
    DeliveryState final_state, absl::string_view reason,
    absl::string_view report, absl::Time now) {
  if (final_state != DeliveryState::kExpired &&
      final_state != DeliveryState::kRejected &&
      final_state != DeliveryState::kRevoked &&
      final_state != DeliveryState::kHeld) {
    return absl::InvalidArgumentError(
        absl::StrCat("FinishDelivery cannot end a delivery as ",
                     DeliveryStateName(final_state)));
  }
  DeliveryOutcome outcome;
  absl::Status status = Write([&]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
    {
      Use finish(stmts_->finish_delivery);
      finish->BindBlob(1, transfer_id)
          .Bind(2, recipient_id)
          .Bind(3, int64_t{static_cast<int>(final_state)})
          .Bind(4, reason)
          .Bind(5, Micros(now));
      RETURN_IF_ERROR(finish->Run());
    }
    if (db_->Changes() != 1) return absl::OkStatus();
    outcome.changed = true;
    bool inserted = false;
    RETURN_IF_ERROR(InsertNoticeLocked(transfer_id, ItemKind::kNonDelivery,
                                       recipient_id, report, now, &inserted));
    return ReleaseIfFinishedLocked(transfer_id, now, &outcome.released);
  });
  if (!status.ok()) return status;
  return outcome;
}

absl::StatusOr<DeliveryOutcome> SqliteRouterStore::RecordReceipt(
    absl::string_view transfer_id, absl::string_view recipient_id,
    absl::string_view receipt, absl::Time now) {
  DeliveryOutcome outcome;
  absl::Status status = Write([&]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
    outcome.stored_now = false;
    {
      // A receipt can overtake the node's ack on the mailbox stream: say
      // so, so that the copy's DELIVERED is logged once either way.
      Use early(stmts_->receipt_before_ack);
      early->BindBlob(1, transfer_id)
          .Bind(2, recipient_id)
          .Bind(3, Micros(now));
      RETURN_IF_ERROR(early->Run());
      outcome.stored_now = db_->Changes() == 1;
    }
    {
      Use mark(stmts_->receipt_delivery);
      mark->BindBlob(1, transfer_id).Bind(2, recipient_id).Bind(3, Micros(now));
      RETURN_IF_ERROR(mark->Run());
    }
    RETURN_IF_ERROR(InsertNoticeLocked(transfer_id, ItemKind::kReceipt,
                                       recipient_id, receipt, now,
                                       &outcome.changed));
    return ReleaseIfFinishedLocked(transfer_id, now, &outcome.released);
  });
  if (!status.ok()) return status;
  return outcome;
}

absl::StatusOr<bool> SqliteRouterStore::RecordAcknowledgement(
    absl::string_view transfer_id, absl::string_view recipient_id,
    absl::string_view acknowledgement, absl::Time now) {
  bool inserted = false;
  absl::Status status = Write([&]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
    // Checked in the same transaction as the insert; a delivery never
    // leaves stored-at-node or receipted, so the answer cannot go stale.
    ASSIGN_OR_RETURN(std::vector<DeliveryRecord> deliveries,
                     ListDeliveriesIn(*stmts_, transfer_id));
    auto it = std::find_if(deliveries.begin(), deliveries.end(),
                           [&](const DeliveryRecord& d) {
                             return d.recipient_id == recipient_id;
                           });
    if (it == deliveries.end()) {
      return absl::NotFoundError(
          absl::StrCat("transfer ", crypto::ToHex(transfer_id),
                       " has no delivery to ", recipient_id));
    }
    if (it->state != DeliveryState::kStoredAtNode &&
        it->state != DeliveryState::kReceipted) {
      return absl::FailedPreconditionError(
          absl::StrCat("transfer ", crypto::ToHex(transfer_id), " is ",
                       DeliveryStateName(it->state), " for ", recipient_id,
                       ", not stored there: it cannot be acknowledged"));
    }
    return InsertNoticeLocked(transfer_id, ItemKind::kAcknowledgement,
                              recipient_id, acknowledgement, now, &inserted);
  });
  if (!status.ok()) return status;
  return inserted;
}

absl::StatusOr<WithdrawResult> SqliteRouterStore::WithdrawTransfer(
    absl::string_view transfer_id, absl::string_view sender_id,
    const std::map<std::string, std::string>& reports, absl::Time now) {
  WithdrawResult result;
  absl::Status status = Write([&]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
    result = WithdrawResult();
    ASSIGN_OR_RETURN(std::optional<EnvelopeRecord> envelope,
                     FindEnvelopeIn(*stmts_, transfer_id));
    if (envelope.has_value()) {
      if (envelope->sender_id != sender_id) {
        return absl::PermissionDeniedError(
            absl::StrCat("agency ", sender_id, " did not send transfer ",
                         crypto::ToHex(transfer_id)));
      }
      result.held = true;
      return WithdrawHeldLocked(*envelope, reports, now, &result);
    }
    Use record(stmts_->record_withdrawal);
    record->BindBlob(1, transfer_id).Bind(2, sender_id).Bind(3, Micros(now));
    return record->Run();
  });
  if (!status.ok()) return status;
  return result;
}

absl::Status SqliteRouterStore::WithdrawHeldLocked(
    const EnvelopeRecord& envelope,
    const std::map<std::string, std::string>& reports, absl::Time now,
    WithdrawResult* result) {
  const std::string& transfer_id = envelope.transfer_id;
  ASSIGN_OR_RETURN(std::vector<DeliveryRecord> deliveries,
                   ListDeliveriesIn(*stmts_, transfer_id));
  for (const DeliveryRecord& d : deliveries) {
    WithdrawnDelivery& out = result->deliveries.emplace_back();
    out.recipient_id = d.recipient_id;
    out.state = d.state;
    if (d.state != DeliveryState::kPending) continue;
    auto report = reports.find(d.recipient_id);
    if (report == reports.end()) {
      return absl::AbortedError(
          absl::StrCat("no withdrawal report for ", d.recipient_id));
    }
    {
      Use withdraw(stmts_->withdraw_delivery);
      withdraw->BindBlob(1, transfer_id)
          .Bind(2, d.recipient_id)
          .Bind(3, "withdrawn by the sender")
          .Bind(4, Micros(now));
      RETURN_IF_ERROR(withdraw->Run());
    }
    // Pending was read in this transaction, so the update took.
    out.state = DeliveryState::kWithdrawn;
    out.withdrawn_now = true;
    bool inserted = false;
    RETURN_IF_ERROR(InsertNoticeLocked(transfer_id, ItemKind::kNonDelivery,
                                       d.recipient_id, report->second, now,
                                       &inserted));
  }
  return ReleaseIfFinishedLocked(transfer_id, now, &result->released);
}

absl::StatusOr<bool> SqliteRouterStore::IsWithdrawnIn(
    Statements& s, absl::string_view transfer_id, absl::string_view sender_id) {
  Use find(s.is_withdrawn);
  find->BindBlob(1, transfer_id).Bind(2, sender_id);
  return find->Step();
}

absl::StatusOr<bool> SqliteRouterStore::IsWithdrawn(
    absl::string_view transfer_id, absl::string_view sender_id) {
  absl::MutexLock lock(&read_mu_);
  return IsWithdrawnIn(*read_stmts_, transfer_id, sender_id);
}

absl::StatusOr<int> SqliteRouterStore::ForgetWithdrawalsBefore(
    absl::Time cutoff, size_t limit) {
  int forgotten = 0;
  {
    // Almost every sweep finds none: answer those without joining a commit.
    absl::MutexLock lock(&read_mu_);
    Use any(read_stmts_->old_withdrawal);
    any->Bind(1, Micros(cutoff));
    ASSIGN_OR_RETURN(bool found, any->Step());
    if (!found) return 0;
  }
  absl::Status status = Write([&]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
    Use forget(stmts_->forget_withdrawals);
    forget->Bind(1, Micros(cutoff)).Bind(2, static_cast<int64_t>(limit));
    RETURN_IF_ERROR(forget->Run());
    forgotten = db_->Changes();
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return forgotten;
}

namespace {

absl::StatusOr<std::vector<OpenDelivery>> ReadOpenDeliveries(Statement& s) {
  std::vector<OpenDelivery> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    OpenDelivery d;
    d.transfer_id = s.ColumnBlob(0);
    d.sender_id = s.ColumnText(1);
    d.recipient_id = s.ColumnText(2);
    d.expires_at = FromMicros(s.ColumnInt(3));
    d.delivery_id = static_cast<uint64_t>(s.ColumnInt(4));
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace

absl::StatusOr<std::vector<OpenDelivery>> SqliteRouterStore::ListExpired(
    absl::Time now, size_t limit) {
  absl::MutexLock lock(&read_mu_);
  Use list(read_stmts_->list_expired);
  list->Bind(1, Micros(now)).Bind(2, static_cast<int64_t>(limit));
  return ReadOpenDeliveries(*list);
}

absl::StatusOr<std::vector<OpenDelivery>>
SqliteRouterStore::ListOpenDeliveriesTo(absl::string_view recipient_id,
                                        size_t limit) {
  absl::MutexLock lock(&read_mu_);
  Use list(read_stmts_->open_to);
  list->Bind(1, recipient_id).Bind(2, static_cast<int64_t>(limit));
  return ReadOpenDeliveries(*list);
}

absl::StatusOr<std::vector<OpenDelivery>>
SqliteRouterStore::ListOpenDeliveriesFrom(absl::string_view sender_id,
                                          uint64_t after_delivery_id,
                                          size_t limit) {
  absl::MutexLock lock(&read_mu_);
  Use list(read_stmts_->open_from);
  list->Bind(1, sender_id)
      .Bind(2, static_cast<int64_t>(after_delivery_id))
      .Bind(3, static_cast<int64_t>(limit));
  return ReadOpenDeliveries(*list);
}

absl::StatusOr<std::vector<CiphertextRef>>
SqliteRouterStore::ListDeletableCiphertext(absl::Time retention_cutoff,
                                           size_t limit) {
  absl::MutexLock lock(&read_mu_);
  Use list(read_stmts_->deletable);
  list->Bind(1, Micros(retention_cutoff)).Bind(2, static_cast<int64_t>(limit));
  std::vector<CiphertextRef> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, list->Step());
    if (!row) break;
    CiphertextRef ref;
    ref.transfer_id = list->ColumnBlob(0);
    ref.location = static_cast<CiphertextLocation>(list->ColumnInt(1));
    if (!list->ColumnIsNull(2)) ref.spool_name = list->ColumnText(2);
    out.push_back(std::move(ref));
  }
  return out;
}

absl::Status SqliteRouterStore::MarkCiphertextDeleted(
    absl::string_view transfer_id, absl::Time now) {
  return Write([&]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
    Use mark(stmts_->mark_deleted);
    mark->BindBlob(1, transfer_id).Bind(2, Micros(now));
    return mark->Run();
  });
}

absl::StatusOr<std::vector<std::string>> SqliteRouterStore::ListSpoolNames() {
  absl::MutexLock lock(&read_mu_);
  Use list(read_stmts_->spool_names);
  std::vector<std::string> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, list->Step());
    if (!row) break;
    out.push_back(list->ColumnText(0));
  }
  return out;
}

absl::StatusOr<uint64_t> SqliteRouterStore::DirectoryVersion() {
  absl::MutexLock lock(&read_mu_);
  Use get(read_stmts_->get_meta);
  get->Bind(1, "directory_version");
  ASSIGN_OR_RETURN(bool row, get->Step());
  if (!row) return uint64_t{0};
  return static_cast<uint64_t>(get->ColumnInt(0));
}

absl::Status SqliteRouterStore::RecordDirectoryVersion(uint64_t version) {
  return Write([&]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
    uint64_t current = 0;
    {
      Use get(stmts_->get_meta);
      get->Bind(1, "directory_version");
      ASSIGN_OR_RETURN(bool row, get->Step());
      if (row) current = static_cast<uint64_t>(get->ColumnInt(0));
    }
    if (version <= current) return absl::OkStatus();
    Use set(stmts_->set_meta);
    set->Bind(1, "directory_version").Bind(2, static_cast<int64_t>(version));
    return set->Run();
  });
}

}  // namespace handover::router

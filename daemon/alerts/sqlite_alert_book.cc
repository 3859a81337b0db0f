#include "alerts/sqlite_alert_book.h"

#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/status_macros.h"

namespace handover::alerts {
namespace {

// `alerts` holds each alert's current state; `alert_events` is the ordered
// log clients resume from. AUTOINCREMENT keeps sequence numbers rising and
// never reused, even after the newest event's row is gone. Priorities and
// kinds are the enums' numbers; times are Unix microseconds; reasons are
// joined with ',' (reason codes cannot hold one).
constexpr absl::string_view kSchema = R"sql(
CREATE TABLE IF NOT EXISTS alerts (
  alert_id TEXT PRIMARY KEY,
  transfer_id BLOB NOT NULL UNIQUE,
  sequence INTEGER NOT NULL,
  sender_agency_id TEXT NOT NULL,
  child_reference TEXT NOT NULL,
  area_code TEXT NOT NULL,
  raised_priority INTEGER NOT NULL,
  priority INTEGER NOT NULL,
  reasons TEXT NOT NULL,
  raised_at INTEGER NOT NULL,
  last_raised_at INTEGER NOT NULL,
  escalations INTEGER NOT NULL DEFAULT 0,
  acked_by TEXT,
  acked_note TEXT,
  acked_at INTEGER
);
CREATE INDEX IF NOT EXISTS alerts_open
  ON alerts(last_raised_at) WHERE acked_at IS NULL AND priority >= 2;
CREATE TABLE IF NOT EXISTS alert_events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  alert_id TEXT NOT NULL REFERENCES alerts(alert_id),
  kind INTEGER NOT NULL,
  priority INTEGER NOT NULL,
  at INTEGER NOT NULL,
  operator_id TEXT NOT NULL DEFAULT ''
);
)sql";

constexpr absl::string_view kAlertColumns =
    "a.alert_id, a.sequence, a.transfer_id, a.sender_agency_id, "
    "a.child_reference, a.area_code, a.raised_priority, a.priority, "
    "a.reasons, a.raised_at, a.last_raised_at, a.escalations, a.acked_by, "
    "a.acked_note, a.acked_at";

int64_t ToMicros(absl::Time t) { return absl::ToUnixMicros(t); }
absl::Time FromMicros(int64_t us) { return absl::FromUnixMicros(us); }

// Reads kAlertColumns starting at column `first`.
Alert ReadAlert(const sqlite::Statement& row, int first) {
  Alert a;
  a.alert_id = row.ColumnText(first);
  a.sequence = static_cast<uint64_t>(row.ColumnInt(first + 1));
  a.transfer_id = row.ColumnBlob(first + 2);
  a.sender_agency_id = row.ColumnText(first + 3);
  a.child_reference = row.ColumnText(first + 4);
  a.area_code = row.ColumnText(first + 5);
  a.raised_priority = static_cast<Priority>(row.ColumnInt(first + 6));
  a.priority = static_cast<Priority>(row.ColumnInt(first + 7));
  a.reasons = absl::StrSplit(row.ColumnText(first + 8), ',');
  a.raised_at = FromMicros(row.ColumnInt(first + 9));
  a.last_raised_at = FromMicros(row.ColumnInt(first + 10));
  a.escalations = static_cast<int>(row.ColumnInt(first + 11));
  if (!row.ColumnIsNull(first + 14)) {
    a.acknowledged =
        Acknowledgement{row.ColumnText(first + 12), row.ColumnText(first + 13),
                        FromMicros(row.ColumnInt(first + 14))};
  }
  return a;
}

std::string TimeText(absl::Time t) {
  return absl::FormatTime(absl::RFC3339_full, t, absl::UTCTimeZone());
}

}  // namespace

absl::StatusOr<std::unique_ptr<SqliteAlertBook>> SqliteAlertBook::Open(
    const std::string& path) {
  ASSIGN_OR_RETURN(std::unique_ptr<sqlite::SqliteDb> db,
                   sqlite::SqliteDb::Open(path));
  RETURN_IF_ERROR(db->Exec(kSchema));
  return std::unique_ptr<SqliteAlertBook>(new SqliteAlertBook(std::move(db)));
}

absl::StatusOr<Alert> SqliteAlertBook::Raise(const NewAlert& alert) {
  RETURN_IF_ERROR(CheckNewAlert(alert));
  absl::MutexLock lock(&mu_);
  sqlite::Transaction txn(db_.get());
  RETURN_IF_ERROR(txn.status());
  // A redelivered envelope finds its alert and changes nothing.
  ASSIGN_OR_RETURN(std::optional<Alert> existing,
                   FindLocked(AlertIdFor(alert.transfer_id)));
  if (existing.has_value()) return *std::move(existing);
  ASSIGN_OR_RETURN(Alert inserted, InsertLocked(alert));
  RETURN_IF_ERROR(txn.Commit());
  return inserted;
}

absl::StatusOr<Alert> SqliteAlertBook::InsertLocked(const NewAlert& alert) {
  Alert a;
  a.alert_id = AlertIdFor(alert.transfer_id);
  a.transfer_id = alert.transfer_id;
  a.sender_agency_id = alert.sender_agency_id;
  a.child_reference = alert.child_reference;
  a.area_code = alert.area_code;
  a.raised_priority = a.priority = alert.priority;
  a.reasons = alert.reasons;
  a.raised_at = a.last_raised_at = alert.raised_at;
  ASSIGN_OR_RETURN(
      sqlite::Statement insert,
      db_->Prepare("INSERT INTO alerts (alert_id, transfer_id, sequence, "
                   "sender_agency_id, child_reference, area_code, "
                   "raised_priority, priority, reasons, raised_at, "
                   "last_raised_at) VALUES (?1, ?2, 0, ?3, ?4, ?5, ?6, ?6, "
                   "?7, ?8, ?8)"));
  insert.Bind(1, a.alert_id)
      .BindBlob(2, a.transfer_id)
      .Bind(3, a.sender_agency_id)
      .Bind(4, a.child_reference)
      .Bind(5, a.area_code)
      .Bind(6, int64_t{static_cast<int>(a.priority)})
      .Bind(7, absl::StrJoin(a.reasons, ","))
      .Bind(8, ToMicros(a.raised_at));
  RETURN_IF_ERROR(insert.Run());
  ASSIGN_OR_RETURN(a.sequence, AppendLocked(a.alert_id, EventKind::kRaised,
                                            a.priority, a.raised_at, ""));
  ASSIGN_OR_RETURN(sqlite::Statement set_seq,
                   db_->Prepare("UPDATE alerts SET sequence = ?1 WHERE "
                                "alert_id = ?2"));
  set_seq.Bind(1, static_cast<int64_t>(a.sequence)).Bind(2, a.alert_id);
  RETURN_IF_ERROR(set_seq.Run());
  return a;
}

absl::StatusOr<uint64_t> SqliteAlertBook::AppendLocked(
    absl::string_view alert_id, EventKind kind, Priority priority,
    absl::Time at, absl::string_view operator_id) {
  ASSIGN_OR_RETURN(
      sqlite::Statement append,
      db_->Prepare("INSERT INTO alert_events (alert_id, kind, priority, at, "
                   "operator_id) VALUES (?1, ?2, ?3, ?4, ?5)"));
  append.Bind(1, alert_id)
      .Bind(2, int64_t{static_cast<int>(kind)})
      .Bind(3, int64_t{static_cast<int>(priority)})
      .Bind(4, ToMicros(at))
      .Bind(5, operator_id);
  RETURN_IF_ERROR(append.Run());
  return static_cast<uint64_t>(db_->LastInsertRowId());
}

absl::StatusOr<std::vector<AlertEvent>> SqliteAlertBook::ListAfter(
    uint64_t cursor, size_t limit) {
  if (limit == 0 || limit > kMaxListLimit) {
    return absl::InvalidArgumentError(
        absl::StrCat("a list limit is 1 to ", kMaxListLimit));
  }
  std::vector<AlertEvent> out;
  // Sequence numbers are SQLite rowids, so nothing lies past INT64_MAX.
  if (cursor >= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return out;
  }
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(
      sqlite::Statement list,
      db_->Prepare(absl::StrCat(
          "SELECT e.seq, e.kind, e.priority, e.at, e.operator_id, ",
          kAlertColumns,
          " FROM alert_events e JOIN alerts a ON a.alert_id = e.alert_id "
          "WHERE e.seq > ?1 ORDER BY e.seq LIMIT ?2")));
  list.Bind(1, static_cast<int64_t>(cursor))
      .Bind(2, static_cast<int64_t>(limit));
  while (true) {
    ASSIGN_OR_RETURN(bool has_row, list.Step());
    if (!has_row) return out;
    AlertEvent e;
    e.sequence = static_cast<uint64_t>(list.ColumnInt(0));
    e.kind = static_cast<EventKind>(list.ColumnInt(1));
    e.priority = static_cast<Priority>(list.ColumnInt(2));
    e.at = FromMicros(list.ColumnInt(3));
    e.operator_id = list.ColumnText(4);
    e.alert = ReadAlert(list, 5);
    e.alert_id = e.alert.alert_id;
    out.push_back(std::move(e));
  }
}

absl::StatusOr<Alert> SqliteAlertBook::Acknowledge(
    absl::string_view alert_id, absl::string_view operator_id,
    absl::string_view note, absl::Time at) {
  RETURN_IF_ERROR(CheckAlertId(alert_id));
  RETURN_IF_ERROR(CheckAcknowledgement(operator_id, note));
  absl::MutexLock lock(&mu_);
  sqlite::Transaction txn(db_.get());
  RETURN_IF_ERROR(txn.status());
  ASSIGN_OR_RETURN(std::optional<Alert> found, FindLocked(alert_id));
  if (!found.has_value()) return absl::NotFoundError("no such alert");
  if (found->acknowledged.has_value()) {
    // The operator id and time are the control room's own record, not
    // case content, and say whom to ask.
    return absl::FailedPreconditionError(
        absl::StrCat("the alert was already acknowledged by operator ",
                     found->acknowledged->operator_id, " at ",
                     TimeText(found->acknowledged->at)));
  }
  ASSIGN_OR_RETURN(sqlite::Statement ack,
                   db_->Prepare("UPDATE alerts SET acked_by = ?1, "
                                "acked_note = ?2, acked_at = ?3 WHERE "
                                "alert_id = ?4 AND acked_at IS NULL"));
  ack.Bind(1, operator_id)
      .Bind(2, note)
      .Bind(3, ToMicros(at))
      .Bind(4, alert_id);
  RETURN_IF_ERROR(ack.Run());
  RETURN_IF_ERROR(AppendLocked(alert_id, EventKind::kAcknowledged,
                               found->priority, at, operator_id)
                      .status());
  RETURN_IF_ERROR(txn.Commit());
  found->acknowledged =
      Acknowledgement{std::string(operator_id), std::string(note), at};
  return *std::move(found);
}

absl::StatusOr<std::vector<AlertEvent>> SqliteAlertBook::EscalateDue(
    absl::Time now, absl::Duration after) {
  if (after <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("the escalation period must be > 0");
  }
  absl::MutexLock lock(&mu_);
  sqlite::Transaction txn(db_.get());
  RETURN_IF_ERROR(txn.status());
  ASSIGN_OR_RETURN(std::vector<Alert> due, DueLocked(now, after));
  ASSIGN_OR_RETURN(
      sqlite::Statement bump,
      db_->Prepare("UPDATE alerts SET priority = ?1, last_raised_at = ?2, "
                   "escalations = escalations + 1 WHERE alert_id = ?3"));
  std::vector<AlertEvent> events;
  for (Alert& a : due) {
    a.priority = Raised(a.priority);
    a.last_raised_at = now;
    ++a.escalations;
    bump.Reset();
    bump.Bind(1, int64_t{static_cast<int>(a.priority)})
        .Bind(2, ToMicros(now))
        .Bind(3, a.alert_id);
    RETURN_IF_ERROR(bump.Run());
    AlertEvent e{0,  EventKind::kEscalated, a.alert_id, a.priority, now,
                 "", std::move(a)};
    ASSIGN_OR_RETURN(e.sequence,
                     AppendLocked(e.alert_id, e.kind, e.priority, now, ""));
    events.push_back(std::move(e));
  }
  RETURN_IF_ERROR(txn.Commit());
  return events;
}

absl::StatusOr<Alert> SqliteAlertBook::Get(absl::string_view alert_id) {
  RETURN_IF_ERROR(CheckAlertId(alert_id));
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(std::optional<Alert> found, FindLocked(alert_id));
  if (!found.has_value()) return absl::NotFoundError("no such alert");
  return *std::move(found);
}

absl::StatusOr<std::vector<Alert>> SqliteAlertBook::Overdue(
    absl::Time now, absl::Duration after) {
  if (after <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("the escalation period must be > 0");
  }
  absl::MutexLock lock(&mu_);
  return DueLocked(now, after);
}

absl::StatusOr<std::optional<Alert>> SqliteAlertBook::FindLocked(
    absl::string_view alert_id) {
  ASSIGN_OR_RETURN(sqlite::Statement find,
                   db_->Prepare(absl::StrCat("SELECT ", kAlertColumns,
                                             " FROM alerts a WHERE "
                                             "a.alert_id = ?1")));
  find.Bind(1, alert_id);
  ASSIGN_OR_RETURN(bool found, find.Step());
  if (!found) return std::nullopt;
  return ReadAlert(find, 0);
}

// "At least `after` old": last_raised_at <= now - after. Routine alerts
// (priority 1) never qualify, and escalation never lowers a priority.
absl::StatusOr<std::vector<Alert>> SqliteAlertBook::DueLocked(
    absl::Time now, absl::Duration after) {
  ASSIGN_OR_RETURN(
      sqlite::Statement due,
      db_->Prepare(absl::StrCat(
          "SELECT ", kAlertColumns,
          " FROM alerts a WHERE a.acked_at IS NULL AND a.priority >= 2 AND "
          "a.last_raised_at <= ?1 ORDER BY a.last_raised_at, a.sequence")));
  due.Bind(1, ToMicros(now - after));
  std::vector<Alert> out;
  while (true) {
    ASSIGN_OR_RETURN(bool has_row, due.Step());
    if (!has_row) return out;
    out.push_back(ReadAlert(due, 0));
  }
}

}  // namespace handover::alerts

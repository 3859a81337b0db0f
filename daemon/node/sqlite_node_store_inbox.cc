// SqliteNodeStore: the inbox, the queue of notices for the router, the
// highest verified directory version and the counts for NodeInfo.
#include <algorithm>
#include <limits>
#include <utility>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "node/sqlite_node_store.h"
#include "node/sqlite_node_store_util.h"

namespace handover::node {

using store_internal::CheckTransferId;
using store_internal::FromMicros;
using store_internal::kInboxColumns;
using store_internal::kInboxFrom;
using store_internal::ReadInbox;
using store_internal::ToMicros;

namespace store_internal {

InboxRecord ReadInbox(const sqlite::Statement& row) {
  InboxRecord r;
  r.transfer_id = row.ColumnBlob(1);
  r.sender_id = row.ColumnText(2);
  r.created_at = FromMicros(row.ColumnInt(3));
  r.received_at = FromMicros(row.ColumnInt(4));
  r.expires_at = FromMicros(row.ColumnInt(5));
  r.content_type = row.ColumnText(6);
  r.envelope_path = row.ColumnText(7);
  r.envelope_size = static_cast<uint64_t>(row.ColumnInt(8));
  r.ciphertext_hash = row.ColumnBlob(9);
  r.fetch_count = static_cast<uint32_t>(row.ColumnInt(10));
  if (!row.ColumnIsNull(11)) {
    r.content_pruned_at = FromMicros(row.ColumnInt(11));
  }
  if (!row.ColumnIsNull(12)) r.sender_key_id = row.ColumnBlob(12);
  if (!row.ColumnIsNull(13)) {
    r.recall = RecallMark{FromMicros(row.ColumnInt(13)), row.ColumnText(14),
                          static_cast<uint64_t>(row.ColumnInt(15))};
  }
  return r;
}

}  // namespace store_internal

namespace {

constexpr size_t kMaxInboxPageSize = 1000;
constexpr absl::string_view kDirectoryVersionName = "directory_version";

// A page token is the sequence number of the last entry shown, in decimal:
// the next page starts just below it. Anything else is refused.
absl::StatusOr<int64_t> ParsePageToken(absl::string_view token) {
  if (token.empty()) return std::numeric_limits<int64_t>::max();
  int64_t seq = 0;
  if (token.size() > 19 || !absl::c_all_of(token, absl::ascii_isdigit) ||
      !absl::SimpleAtoi(token, &seq) || seq <= 0) {
    return absl::InvalidArgumentError("page_token is not one this node issued");
  }
  return seq;
}

}  // namespace

absl::StatusOr<bool> SqliteNodeStore::InsertInbox(const InboxRecord& record,
                                                  absl::string_view receipt,
                                                  absl::Time now) {
  RETURN_IF_ERROR(CheckTransferId(record.transfer_id));
  absl::MutexLock lock(&mu_);
  sqlite::Transaction txn(db_.get());
  RETURN_IF_ERROR(txn.status());
  ASSIGN_OR_RETURN(
      sqlite::Statement insert,
      db_->Prepare("INSERT INTO inbox (transfer_id, sender_id, created_at, "
                   "received_at, expires_at, content_type, envelope_path, "
                   "envelope_size, ciphertext_hash, sender_key_id) VALUES "
                   "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT "
                   "(transfer_id) DO NOTHING"));
  insert.BindBlob(1, record.transfer_id)
      .Bind(2, record.sender_id)
      .Bind(3, ToMicros(record.created_at))
      .Bind(4, ToMicros(record.received_at))
      .Bind(5, ToMicros(record.expires_at))
      .Bind(6, record.content_type)
      .Bind(7, record.envelope_path)
      .Bind(8, static_cast<int64_t>(record.envelope_size))
      .BindBlob(9, record.ciphertext_hash);
  if (record.sender_key_id.empty()) {
    insert.BindNull(10);
  } else {
    insert.BindBlob(10, record.sender_key_id);
  }
  RETURN_IF_ERROR(insert.Run());
  if (db_->Changes() == 0) return false;  // already held: nothing changes
  if (!receipt.empty()) RETURN_IF_ERROR(EnqueueNoticeLocked(receipt, now));
  RETURN_IF_ERROR(txn.Commit());
  return true;
}

absl::StatusOr<bool> SqliteNodeStore::InboxContains(
    absl::string_view transfer_id) {
  RETURN_IF_ERROR(CheckTransferId(transfer_id));
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(sqlite::Statement find,
                   db_->Prepare("SELECT 1 FROM inbox WHERE transfer_id = ?1"));
  find.BindBlob(1, transfer_id);
  return find.Step();
}

absl::StatusOr<std::optional<InboxRecord>> SqliteNodeStore::GetInbox(
    absl::string_view transfer_id) {
  RETURN_IF_ERROR(CheckTransferId(transfer_id));
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(
      sqlite::Statement get,
      db_->Prepare(absl::StrCat("SELECT ", kInboxColumns, kInboxFrom,
                                "WHERE inbox.transfer_id = ?1")));
  get.BindBlob(1, transfer_id);
  ASSIGN_OR_RETURN(bool found, get.Step());
  if (!found) return std::nullopt;
  return ReadInbox(get);
}

absl::StatusOr<InboxPage> SqliteNodeStore::ListInbox(
    size_t page_size, absl::string_view page_token) {
  if (page_size == 0 || page_size > kMaxInboxPageSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("page size must be 1 to ", kMaxInboxPageSize));
  }
  ASSIGN_OR_RETURN(int64_t below, ParsePageToken(page_token));
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(
      sqlite::Statement list,
      db_->Prepare(absl::StrCat("SELECT ", kInboxColumns, kInboxFrom,
                                "WHERE inbox.seq < ?1 ORDER BY inbox.seq "
                                "DESC LIMIT ?2")));
  // One more than a page tells whether another page follows.
  list.Bind(1, below).Bind(2, static_cast<int64_t>(page_size + 1));
  InboxPage page;
  int64_t last_seq = 0;
  while (true) {
    ASSIGN_OR_RETURN(bool has_row, list.Step());
    if (!has_row) break;
    if (page.entries.size() == page_size) {
      page.next_page_token = absl::StrCat(last_seq);
      break;
    }
    last_seq = list.ColumnInt(0);
    page.entries.push_back(ReadInbox(list));
  }
  return page;
}

absl::Status SqliteNodeStore::RecordInboxFetch(absl::string_view transfer_id) {
  RETURN_IF_ERROR(CheckTransferId(transfer_id));
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(sqlite::Statement bump,
                   db_->Prepare("UPDATE inbox SET fetch_count = fetch_count "
                                "+ 1 WHERE transfer_id = ?1"));
  bump.BindBlob(1, transfer_id);
  RETURN_IF_ERROR(bump.Run());
  if (db_->Changes() == 0) return absl::NotFoundError("no such inbox transfer");
  return absl::OkStatus();
}

absl::StatusOr<std::vector<InboxRecord>> SqliteNodeStore::ListPrunableInbox(
    absl::Time received_before, size_t limit) {
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(
      sqlite::Statement list,
      db_->Prepare(absl::StrCat(
          "SELECT ", kInboxColumns, kInboxFrom,
          // Checked for a police alert too: the raiser reads the content.
          "WHERE inbox_pruned.transfer_id IS NULL AND inbox.received_at < ?1 "
          "AND inbox.alert_checked = 1 "
          "AND (inbox.fetch_count > 0 OR EXISTS (SELECT 1 FROM "
          "inbox_acknowledgements a WHERE a.transfer_id = inbox.transfer_id)) "
          "ORDER BY inbox.received_at, inbox.seq LIMIT ?2")));
  list.Bind(1, ToMicros(received_before))
      .Bind(2, static_cast<int64_t>(std::min<size_t>(
                   limit, std::numeric_limits<int64_t>::max())));
  std::vector<InboxRecord> out;
  while (true) {
    ASSIGN_OR_RETURN(bool has_row, list.Step());
    if (!has_row) return out;
    out.push_back(ReadInbox(list));
  }
}

absl::Status SqliteNodeStore::MarkInboxPruned(absl::string_view transfer_id,
                                              absl::Time at) {
  RETURN_IF_ERROR(CheckTransferId(transfer_id));
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(sqlite::Statement held,
                   db_->Prepare("SELECT 1 FROM inbox WHERE transfer_id = ?1"));
  held.BindBlob(1, transfer_id);
  ASSIGN_OR_RETURN(bool found, held.Step());
  if (!found) return absl::NotFoundError("no such inbox transfer");
  ASSIGN_OR_RETURN(sqlite::Statement mark,
                   db_->Prepare("INSERT INTO inbox_pruned (transfer_id, "
                                "pruned_at) VALUES (?1, ?2) ON CONFLICT "
                                "(transfer_id) DO NOTHING"));
  mark.BindBlob(1, transfer_id).Bind(2, ToMicros(at));
  return mark.Run();
}

absl::Status SqliteNodeStore::EnqueueNotice(absl::string_view signed_notice,
                                            absl::Time now) {
  absl::MutexLock lock(&mu_);
  return EnqueueNoticeLocked(signed_notice, now);
}

absl::Status SqliteNodeStore::EnqueueNoticeLocked(
    absl::string_view signed_notice, absl::Time now) {
  if (signed_notice.empty()) {
    return absl::InvalidArgumentError("an empty notice");
  }
  ASSIGN_OR_RETURN(sqlite::Statement insert,
                   db_->Prepare("INSERT INTO outgoing_notices (signed_notice, "
                                "next_attempt_at) VALUES (?1, ?2)"));
  insert.BindBlob(1, signed_notice).Bind(2, ToMicros(now));
  return insert.Run();
}

absl::StatusOr<std::vector<QueuedNotice>> SqliteNodeStore::ListDueNotices(
    absl::Time now, size_t limit) {
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(
      sqlite::Statement list,
      db_->Prepare("SELECT id, signed_notice, attempts, next_attempt_at FROM "
                   "outgoing_notices WHERE next_attempt_at <= ?1 ORDER BY "
                   "next_attempt_at, id LIMIT ?2"));
  list.Bind(1, ToMicros(now)).Bind(2, static_cast<int64_t>(limit));
  std::vector<QueuedNotice> out;
  while (true) {
    ASSIGN_OR_RETURN(bool has_row, list.Step());
    if (!has_row) return out;
    QueuedNotice n;
    n.id = list.ColumnInt(0);
    n.signed_notice = list.ColumnBlob(1);
    n.attempts = static_cast<uint32_t>(list.ColumnInt(2));
    n.next_attempt_at = FromMicros(list.ColumnInt(3));
    out.push_back(std::move(n));
  }
}

absl::Status SqliteNodeStore::RemoveNotice(int64_t id) {
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(sqlite::Statement remove,
                   db_->Prepare("DELETE FROM outgoing_notices WHERE id = ?1"));
  remove.Bind(1, id);
  return remove.Run();
}

absl::Status SqliteNodeStore::RescheduleNotice(int64_t id,
                                               absl::Time next_attempt_at) {
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(
      sqlite::Statement later,
      db_->Prepare("UPDATE outgoing_notices SET attempts = attempts + 1, "
                   "next_attempt_at = ?2 WHERE id = ?1"));
  later.Bind(1, id).Bind(2, ToMicros(next_attempt_at));
  return later.Run();
}

absl::StatusOr<std::optional<absl::Time>> SqliteNodeStore::NextNoticeAttempt() {
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(
      sqlite::Statement next,
      db_->Prepare("SELECT MIN(next_attempt_at) FROM outgoing_notices"));
  ASSIGN_OR_RETURN(bool has_row, next.Step());
  if (!has_row || next.ColumnIsNull(0)) return std::nullopt;
  return FromMicros(next.ColumnInt(0));
}

absl::StatusOr<uint64_t> SqliteNodeStore::HighestDirectoryVersion() {
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(
      sqlite::Statement get,
      db_->Prepare("SELECT value FROM node_state WHERE name = ?1"));
  get.Bind(1, kDirectoryVersionName);
  ASSIGN_OR_RETURN(bool found, get.Step());
  if (!found) return uint64_t{0};
  return static_cast<uint64_t>(get.ColumnInt(0));
}

absl::Status SqliteNodeStore::RecordDirectoryVersion(uint64_t version) {
  if (version > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return absl::InvalidArgumentError("directory version out of range");
  }
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(
      sqlite::Statement set,
      db_->Prepare("INSERT INTO node_state (name, value) VALUES (?1, ?2) ON "
                   "CONFLICT (name) DO UPDATE SET value = MAX(value, "
                   "excluded.value)"));
  set.Bind(1, kDirectoryVersionName).Bind(2, static_cast<int64_t>(version));
  return set.Run();
}

absl::StatusOr<NodeCounts> SqliteNodeStore::Counts() {
  absl::MutexLock lock(&mu_);
  NodeCounts counts;
  ASSIGN_OR_RETURN(sqlite::Statement queued,
                   db_->Prepare("SELECT COUNT(*) FROM outbox_recipients "
                                "WHERE state = 1"));
  ASSIGN_OR_RETURN(bool has_row, queued.Step());
  if (has_row)
    counts.outbox_queued = static_cast<uint64_t>(queued.ColumnInt(0));
  ASSIGN_OR_RETURN(sqlite::Statement inbox,
                   db_->Prepare("SELECT COUNT(*) FROM inbox"));
  ASSIGN_OR_RETURN(has_row, inbox.Step());
  if (has_row) counts.inbox_count = static_cast<uint64_t>(inbox.ColumnInt(0));
  return counts;
}

}  // namespace handover::node

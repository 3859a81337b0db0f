// SqliteNodeStore: recalls. Inbox transfers signed by a key the directory
// later marks compromised are flagged here, durably and once each.
#include <algorithm>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "crypto/identity.h"
#include "node/sqlite_node_store.h"
#include "node/sqlite_node_store_util.h"

namespace handover::node {

using store_internal::FromMicros;
using store_internal::kInboxColumns;
using store_internal::kInboxFrom;
using store_internal::ReadInbox;
using store_internal::ToMicros;

namespace {

// One row per flagged transfer; flagged_at orders the admins' report.
constexpr absl::string_view kRecallSchema = R"sql(
CREATE TABLE IF NOT EXISTS inbox_recalls (
  transfer_id BLOB PRIMARY KEY,
  flagged_at INTEGER NOT NULL,
  reason TEXT NOT NULL,
  directory_version INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS inbox_recalls_flagged
  ON inbox_recalls(flagged_at);
CREATE INDEX IF NOT EXISTS inbox_sender ON inbox(sender_id);
)sql";

constexpr size_t kMaxRecalledListed = 100000;

}  // namespace

namespace store_internal {

absl::Status MigrateForRecalls(sqlite::SqliteDb* db) {
  RETURN_IF_ERROR(db->Exec("BEGIN IMMEDIATE"));
  absl::Status migrated = [db]() -> absl::Status {
    RETURN_IF_ERROR(AddColumnIfMissing(db, "inbox", "sender_key_id", "BLOB"));
    return db->Exec(kRecallSchema);
  }();
  if (!migrated.ok()) {
    (void)db->Exec("ROLLBACK");
    return migrated;
  }
  return db->Exec("COMMIT");
}

}  // namespace store_internal

absl::StatusOr<std::vector<InboxRecord>> SqliteNodeStore::FlagRecalled(
    const RecallRequest& request) {
  if (request.sender_key_id.size() != crypto::kKeyIdBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("a key id is ", crypto::kKeyIdBytes, " bytes, not ",
                     request.sender_key_id.size()));
  }
  absl::MutexLock lock(&mu_);
  sqlite::Transaction txn(db_.get());
  RETURN_IF_ERROR(txn.status());
  // A transfer stored before key ids were recorded cannot be told apart:
  // it is flagged too, rather than missed.
  ASSIGN_OR_RETURN(
      sqlite::Statement find,
      db_->Prepare(absl::StrCat(
          "SELECT ", kInboxColumns, kInboxFrom,
          "WHERE inbox.sender_id = ?1 AND (inbox.sender_key_id = ?2 OR "
          "inbox.sender_key_id IS NULL) AND (inbox.created_at >= ?3 OR "
          "inbox.received_at >= ?3) AND inbox_recalls.transfer_id IS NULL "
          "ORDER BY inbox.seq")));
  find.Bind(1, request.sender_id)
      .BindBlob(2, request.sender_key_id)
      .Bind(3, ToMicros(request.since));
  std::vector<InboxRecord> flagged;
  while (true) {
    ASSIGN_OR_RETURN(bool has_row, find.Step());
    if (!has_row) break;
    flagged.push_back(ReadInbox(find));
  }
  ASSIGN_OR_RETURN(sqlite::Statement insert,
                   db_->Prepare("INSERT INTO inbox_recalls (transfer_id, "
                                "flagged_at, reason, directory_version) "
                                "VALUES (?1, ?2, ?3, ?4)"));
  const RecallMark mark{request.now, request.reason, request.directory_version};
  for (InboxRecord& record : flagged) {
    insert.Reset();
    insert.BindBlob(1, record.transfer_id)
        .Bind(2, ToMicros(mark.flagged_at))
        .Bind(3, mark.reason)
        .Bind(4, static_cast<int64_t>(mark.directory_version));
    RETURN_IF_ERROR(insert.Run());
    record.recall = mark;
  }
  RETURN_IF_ERROR(txn.Commit());
  return flagged;
}

absl::StatusOr<std::vector<RecalledInbox>> SqliteNodeStore::ListRecalled(
    size_t limit) {
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(
      sqlite::Statement list,
      db_->Prepare(absl::StrCat(
          "SELECT ", kInboxColumns,
          ", EXISTS (SELECT 1 FROM inbox_acknowledgements a WHERE "
          "a.transfer_id = inbox.transfer_id)",
          kInboxFrom,
          "WHERE inbox_recalls.transfer_id IS NOT NULL "
          "ORDER BY inbox_recalls.flagged_at DESC, inbox.seq DESC LIMIT ?1")));
  list.Bind(1, static_cast<int64_t>(std::min(limit, kMaxRecalledListed)));
  std::vector<RecalledInbox> out;
  while (true) {
    ASSIGN_OR_RETURN(bool has_row, list.Step());
    if (!has_row) return out;
    RecalledInbox r;
    r.record = ReadInbox(list);
    r.acknowledged = list.ColumnInt(16) != 0;
    out.push_back(std::move(r));
  }
}

}  // namespace handover::node

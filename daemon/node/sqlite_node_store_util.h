// Small helpers shared by the SqliteNodeStore source files: time and id
// conversions and argument checks. Free functions; thread-safe.
#ifndef HANDOVER_NODE_SQLITE_NODE_STORE_UTIL_H_
#define HANDOVER_NODE_SQLITE_NODE_STORE_UTIL_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "node/node_store.h"
#include "sqlite/sqlite_db.h"

namespace handover::node::store_internal {

// Times are stored as Unix microseconds.
inline int64_t ToMicros(absl::Time t) { return absl::ToUnixMicros(t); }
inline absl::Time FromMicros(int64_t us) { return absl::FromUnixMicros(us); }

// Brings a database made by an earlier version up to date for moves:
// adds the new columns of outbox_recipients and inbox, and the move tables.
absl::Status MigrateForMoves(sqlite::SqliteDb* db);

// Brings a database made by an earlier version up to date for recalls:
// the inbox's sender_key_id column and the inbox_recalls table.
absl::Status MigrateForRecalls(sqlite::SqliteDb* db);

// ALTER TABLE ... ADD COLUMN unless `table` has `column` already.
absl::Status AddColumnIfMissing(sqlite::SqliteDb* db, absl::string_view table,
                                absl::string_view column,
                                absl::string_view definition);

// With kInboxFrom: an inbox row, when its content was pruned and its
// recall flag (ReadInbox reads them).
inline constexpr absl::string_view kInboxColumns =
    "inbox.seq, inbox.transfer_id, inbox.sender_id, inbox.created_at, "
    "inbox.received_at, inbox.expires_at, inbox.content_type, "
    "inbox.envelope_path, inbox.envelope_size, inbox.ciphertext_hash, "
    "inbox.fetch_count, inbox_pruned.pruned_at, inbox.sender_key_id, "
    "inbox_recalls.flagged_at, inbox_recalls.reason, "
    "inbox_recalls.directory_version";
inline constexpr absl::string_view kInboxFrom =
    " FROM inbox LEFT JOIN inbox_pruned ON inbox_pruned.transfer_id = "
    "inbox.transfer_id LEFT JOIN inbox_recalls ON inbox_recalls.transfer_id "
    "= inbox.transfer_id ";

// A row selected with kInboxColumns.
InboxRecord ReadInbox(const sqlite::Statement& row);

// InvalidArgument unless `transfer_id` is 16 bytes.
absl::Status CheckTransferId(absl::string_view transfer_id);

}  // namespace handover::node::store_internal

#endif  // HANDOVER_NODE_SQLITE_NODE_STORE_UTIL_H_

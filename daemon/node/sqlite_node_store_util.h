// Small helpers shared by the SqliteNodeStore source files: time and id
// conversions and argument checks. Free functions; thread-safe.
#ifndef HANDOVER_NODE_SQLITE_NODE_STORE_UTIL_H_
#define HANDOVER_NODE_SQLITE_NODE_STORE_UTIL_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "sqlite/sqlite_db.h"

namespace handover::node::store_internal {

// Times are stored as Unix microseconds.
inline int64_t ToMicros(absl::Time t) { return absl::ToUnixMicros(t); }
inline absl::Time FromMicros(int64_t us) { return absl::FromUnixMicros(us); }

// Brings a database made by an earlier version up to date for moves:
// adds the new columns of outbox_recipients and inbox, and the move tables.
absl::Status MigrateForMoves(sqlite::SqliteDb* db);

// InvalidArgument unless `transfer_id` is 16 bytes.
absl::Status CheckTransferId(absl::string_view transfer_id);

}  // namespace handover::node::store_internal

#endif  // HANDOVER_NODE_SQLITE_NODE_STORE_UTIL_H_

// The SQL for one DeliveryLog page (sqlite_delivery_log.cc's schema): the
// set filters become WHERE terms with bound parameters only, never values
// spliced into the text. Which index drives the query is the store's
// choice (QueryPlan), made from cheap bounded counts (ProbeSql), because
// SQLite's planner has no statistics and, for example, would walk a busy
// agency's every entry to find a rare event.
//
// Free functions, no state; thread-safe.
#ifndef HANDOVER_DELIVERYLOG_LOG_QUERY_SQL_H_
#define HANDOVER_DELIVERYLOG_LOG_QUERY_SQL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "deliverylog/delivery_log.h"

namespace handover::deliverylog {

// One bound parameter, in the order the `?`s appear.
struct SqlParam {
  enum class Type { kInt, kText, kBlob };
  Type type = Type::kInt;
  int64_t number = 0;
  std::string bytes;  // kText, kBlob
};

struct QuerySql {
  std::string sql;
  std::vector<SqlParam> params;
};

// The index a query walks. Every one but kTime yields entries in log
// order, so a page stops after limit + 1 matches; kTime collects the
// range's matches and sorts them, so it is only for small ranges.
enum class Drive {
  kLogOrder,  // the table itself, by idx
  kTransfer,  // log_entries_transfer
  kAgency,    // log_entries_sender and log_entries_recipient, merged
  kEvents,    // log_entries_event, one walk per event
  kTime,      // log_entries_time
};

struct QueryPlan {
  // Only entries with first_idx <= idx <= last_idx: after_index and the
  // log's size applied, and the time range where the store knows times
  // never decrease along the log. The time terms are still applied.
  int64_t first_idx = 0;
  int64_t last_idx = 0;
  Drive drive = Drive::kLogOrder;
};

// InvalidArgument unless limit is 1..kMaxPageSize, events are known and
// not UNSPECIFIED, transfer_id is empty or 16 bytes and agency is empty or
// an agency id.
absl::Status ValidateQuery(const LogQuery& query);

// The drives `query` could use besides kLogOrder and kTransfer: kAgency,
// kEvents and kTime for each filter that is set (kTime only if
// `time_in_bounds` is false, i.e. the time range is not an index range).
std::vector<Drive> CandidateDrives(const LogQuery& query, bool time_in_bounds);

// Counts, up to `cap` and from the index alone, the entries within the
// plan's bounds that match `drive`'s filter (kTime: in the time range, at
// any index). Selects one integer.
QuerySql ProbeSql(const LogQuery& query, const QueryPlan& plan, Drive drive,
                  int64_t cap);

// The page's statement: selects kQueryColumns, oldest first, at most
// limit + 1 rows (one more than a page, to know if there is more).
QuerySql BuildQuerySql(const LogQuery& query, const QueryPlan& plan);

inline constexpr const char* kQueryColumns =
    "idx, time_us, event, transfer_id, sender, recipient, view, size, "
    "envelope_hash, actor, detail";

}  // namespace handover::deliverylog

#endif  // HANDOVER_DELIVERYLOG_LOG_QUERY_SQL_H_

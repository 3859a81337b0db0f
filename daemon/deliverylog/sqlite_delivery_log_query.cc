// SqliteDeliveryLog::Query: choosing how to serve a page, then serving it.
//
// A page must come back in well under 200 ms over a million entries, for
// any mix of filters. Two things make that so:
// - Time ranges become index ranges. Let D be the log's time regression:
//   no entry lies more than D before the newest time ahead of it. Then the
//   first entry at or after `since` lies within D after the earliest time
//   at or after `since`, and the last entry before `until` within D before
//   the latest time before `until`; a short walk of the time index finds
//   both exactly. (Proof: if entry j is the first at or after `since` and
//   e has the earliest such time, j <= e, so time(e) >= max time up to e
//   - D >= time(j) - D; symmetrically at `until`.)
//   When D makes those walks too long, one walk of the range in the time
//   index (which holds idx) still gives its least and greatest index:
//   O(entries in range), about 100 ms for a million.
// - The other filters are counted, each up to kProbeCap from its index
//   alone, and the sparsest one drives; when all are dense the walk goes
//   in log order and stops at a page.
#include <algorithm>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "common/status_macros.h"
#include "deliverylog/log_entry_codec.h"
#include "deliverylog/sqlite_delivery_log.h"

namespace handover::deliverylog {
namespace {

namespace v1 = handover::v1;

// A filter matching fewer entries than this drives its query even if its
// index yields them out of log order: at most this many look-ups, a few
// milliseconds; counting up to it costs well under one.
constexpr int64_t kProbeCap = 10000;
// The most entries a walk for one edge of a time range takes from the time
// index (it reads only the index: about 10 ms).
constexpr int64_t kEdgeCap = 100000;

constexpr int64_t kMinTime = std::numeric_limits<int64_t>::min();
constexpr int64_t kMaxTime = std::numeric_limits<int64_t>::max();

// Reads kQueryColumns.
v1::LogEntry ReadEntry(const sqlite::Statement& row) {
  v1::LogEntry e;
  e.set_index(static_cast<uint64_t>(row.ColumnInt(0)));
  *e.mutable_time() = MicrosToTimestamp(row.ColumnInt(1));
  e.set_event(static_cast<v1::LogEventKind>(row.ColumnInt(2)));
  e.set_transfer_id(row.ColumnBlob(3));
  e.set_sender(row.ColumnText(4));
  e.set_recipient(row.ColumnText(5));
  e.set_view(row.ColumnText(6));
  e.set_size(static_cast<uint64_t>(row.ColumnInt(7)));
  e.set_envelope_hash(row.ColumnBlob(8));
  e.set_actor(row.ColumnText(9));
  e.set_detail(row.ColumnText(10));
  return e;
}

// A failed bind is reported by the statement's first Step().
void BindAll(const QuerySql& sql, sqlite::Statement& statement) {
  for (size_t i = 0; i < sql.params.size(); ++i) {
    const SqlParam& p = sql.params[i];
    const int index = static_cast<int>(i) + 1;
    switch (p.type) {
      case SqlParam::Type::kInt:
        statement.Bind(index, p.number);
        break;
      case SqlParam::Type::kText:
        statement.Bind(index, p.bytes);
        break;
      case SqlParam::Type::kBlob:
        statement.BindBlob(index, p.bytes);
        break;
    }
  }
}

int64_t SaturatingAdd(int64_t a, int64_t b) {  // b >= 0
  return a > kMaxTime - b ? kMaxTime : a + b;
}
int64_t SaturatingSub(int64_t a, int64_t b) {  // b >= 0
  return a < kMinTime + b ? kMinTime : a - b;
}

// The earliest entry time at or after `time_us` (`after`), or the latest
// before it; nullopt if there is none.
absl::StatusOr<std::optional<int64_t>> NearestTime(sqlite::SqliteDb& db,
                                                   bool after,
                                                   int64_t time_us) {
  ASSIGN_OR_RETURN(
      sqlite::Statement seek,
      db.Prepare(after ? "SELECT time_us FROM log_entries INDEXED BY "
                         "log_entries_time WHERE time_us >= ?1 ORDER BY "
                         "time_us LIMIT 1"
                       : "SELECT time_us FROM log_entries INDEXED BY "
                         "log_entries_time WHERE time_us < ?1 ORDER BY "
                         "time_us DESC LIMIT 1"));
  seek.Bind(1, time_us);
  ASSIGN_OR_RETURN(bool has_row, seek.Step());
  if (!has_row) return std::nullopt;
  return seek.ColumnInt(0);
}

// The least (`lowest`) or greatest index of the entries timed within
// [from, to]; nullopt if there are kEdgeCap or more of them, too many to
// walk.
absl::StatusOr<std::optional<int64_t>> EdgeIndex(sqlite::SqliteDb& db,
                                                 bool lowest, int64_t from,
                                                 int64_t to) {
  ASSIGN_OR_RETURN(
      sqlite::Statement edge,
      db.Prepare(absl::StrCat(
          "SELECT count(*), ", lowest ? "min" : "max",
          "(idx) FROM (SELECT idx FROM log_entries INDEXED BY "
          "log_entries_time WHERE time_us >= ?1 AND time_us <= ?2 LIMIT ?3)")));
  edge.Bind(1, from).Bind(2, to).Bind(3, kEdgeCap);
  ASSIGN_OR_RETURN(bool has_row, edge.Step());
  if (!has_row || edge.ColumnInt(0) == 0 || edge.ColumnInt(0) >= kEdgeCap) {
    return std::nullopt;
  }
  return edge.ColumnInt(1);
}

// The least and greatest index of the entries timed within [since, until),
// from the time index alone; nullopt if there are none.
absl::StatusOr<std::optional<std::pair<int64_t, int64_t>>> RangeIndexes(
    sqlite::SqliteDb& db, int64_t since, int64_t until) {
  ASSIGN_OR_RETURN(
      sqlite::Statement range,
      db.Prepare("SELECT count(*), min(idx), max(idx) FROM log_entries "
                 "INDEXED BY log_entries_time WHERE time_us >= ?1 AND "
                 "time_us < ?2"));
  range.Bind(1, since).Bind(2, until);
  ASSIGN_OR_RETURN(bool has_row, range.Step());
  if (!has_row || range.ColumnInt(0) == 0) return std::nullopt;
  return std::make_pair(range.ColumnInt(1), range.ColumnInt(2));
}

}  // namespace

absl::StatusOr<LogPage> SqliteDeliveryLog::Query(const LogQuery& query) const {
  RETURN_IF_ERROR(ValidateQuery(query));
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(std::optional<QueryPlan> plan, PlanLocked(query));
  if (!plan.has_value()) return LogPage{};
  return RunLocked(query, *plan);
}

absl::StatusOr<std::optional<QueryPlan>> SqliteDeliveryLog::PlanLocked(
    const LogQuery& query) const {
  QueryPlan plan;
  if (query.after_index.has_value()) {
    if (*query.after_index >= static_cast<uint64_t>(kMaxTime)) {
      return std::nullopt;
    }
    plan.first_idx = static_cast<int64_t>(*query.after_index) + 1;
  }
  plan.last_idx = static_cast<int64_t>(size_) - 1;
  if (query.since.has_value() && query.until.has_value() &&
      *query.since >= *query.until) {
    return std::nullopt;
  }
  if (plan.first_idx > plan.last_idx) return std::nullopt;
  // Times that never ran back far make the bounds hold the range alone;
  // otherwise they may hold other entries, and the time index may drive.
  bool time_in_bounds = false;
  if (query.since.has_value() || query.until.has_value()) {
    ASSIGN_OR_RETURN(TimeBounds bounds, BoundTimeLocked(query, plan));
    if (bounds == TimeBounds::kNothingInRange) return std::nullopt;
    time_in_bounds =
        bounds == TimeBounds::kByRegression && time_regression_us_ == 0;
  }
  if (!query.transfer_id.empty()) {
    plan.drive = Drive::kTransfer;  // a handful of entries at most
  } else {
    ASSIGN_OR_RETURN(plan.drive,
                     ChooseDriveLocked(query, plan, time_in_bounds));
  }
  return plan;
}

absl::StatusOr<SqliteDeliveryLog::TimeBounds>
SqliteDeliveryLog::BoundTimeLocked(const LogQuery& query,
                                   QueryPlan& plan) const {
  const int64_t since =
      query.since.has_value() ? absl::ToUnixMicros(*query.since) : kMinTime;
  const int64_t until =
      query.until.has_value() ? absl::ToUnixMicros(*query.until) : kMaxTime;
  ASSIGN_OR_RETURN(std::optional<IndexRange> edges,
                   EdgesByRegressionLocked(since, until));
  TimeBounds found = TimeBounds::kByRegression;
  if (!edges.has_value()) {
    ASSIGN_OR_RETURN(edges, RangeIndexes(*db_, since, until));
    found = TimeBounds::kByRangeWalk;
  }
  if (!edges.has_value()) return TimeBounds::kNothingInRange;
  plan.first_idx = std::max(plan.first_idx, edges->first);
  plan.last_idx = std::min(plan.last_idx, edges->second);
  if (plan.first_idx > plan.last_idx) return TimeBounds::kNothingInRange;
  return found;
}

// The first and last index in [since, until) by the short walks the time
// regression allows (see the top of this file); nullopt if they would be
// too long, or if nothing is in range (RangeIndexes then says so).
absl::StatusOr<std::optional<SqliteDeliveryLog::IndexRange>>
SqliteDeliveryLog::EdgesByRegressionLocked(int64_t since, int64_t until) const {
  if (time_regression_us_ == kUnknownRegression) return std::nullopt;
  IndexRange edges = {0, std::numeric_limits<int64_t>::max()};
  if (since != kMinTime) {
    ASSIGN_OR_RETURN(std::optional<int64_t> earliest,
                     NearestTime(*db_, /*after=*/true, since));
    if (!earliest.has_value()) return std::nullopt;
    ASSIGN_OR_RETURN(std::optional<int64_t> first,
                     EdgeIndex(*db_, /*lowest=*/true, *earliest,
                               SaturatingAdd(*earliest, time_regression_us_)));
    if (!first.has_value()) return std::nullopt;
    edges.first = *first;
  }
  if (until != kMaxTime) {
    ASSIGN_OR_RETURN(std::optional<int64_t> latest,
                     NearestTime(*db_, /*after=*/false, until));
    if (!latest.has_value()) return std::nullopt;
    ASSIGN_OR_RETURN(
        std::optional<int64_t> last,
        EdgeIndex(*db_, /*lowest=*/false,
                  SaturatingSub(*latest, time_regression_us_), *latest));
    if (!last.has_value()) return std::nullopt;
    edges.second = *last;
  }
  return edges;
}

absl::StatusOr<Drive> SqliteDeliveryLog::ChooseDriveLocked(
    const LogQuery& query, const QueryPlan& plan, bool time_in_bounds) const {
  const std::vector<Drive> candidates = CandidateDrives(query, time_in_bounds);
  // A lone agency or event filter walks its index in log order anyway.
  if (candidates.size() == 1 && candidates[0] != Drive::kTime) {
    return candidates[0];
  }
  std::optional<Drive> sparsest;
  int64_t fewest = kProbeCap;
  for (Drive drive : candidates) {
    ASSIGN_OR_RETURN(int64_t count,
                     CountLocked(ProbeSql(query, plan, drive, kProbeCap)));
    if (count < fewest) {
      fewest = count;
      sparsest = drive;
    }
  }
  if (sparsest.has_value()) return *sparsest;
  // Every filter matches many entries: walk in log order, through the
  // agency or events index if there is one, and stop at a page.
  for (Drive drive : candidates) {
    if (drive != Drive::kTime) return drive;
  }
  return Drive::kLogOrder;
}

absl::StatusOr<int64_t> SqliteDeliveryLog::CountLocked(
    const QuerySql& sql) const {
  ASSIGN_OR_RETURN(sqlite::Statement count, db_->Prepare(sql.sql));
  BindAll(sql, count);
  ASSIGN_OR_RETURN(bool has_row, count.Step());
  return has_row ? count.ColumnInt(0) : 0;
}

absl::StatusOr<LogPage> SqliteDeliveryLog::RunLocked(
    const LogQuery& query, const QueryPlan& plan) const {
  const QuerySql sql = BuildQuerySql(query, plan);
  ASSIGN_OR_RETURN(sqlite::Statement select, db_->Prepare(sql.sql));
  BindAll(sql, select);
  LogPage page;
  while (true) {
    ASSIGN_OR_RETURN(bool has_row, select.Step());
    if (!has_row) break;
    if (page.entries.size() == static_cast<size_t>(query.limit)) {
      page.next_after_index = page.entries.back().index();
      break;
    }
    page.entries.push_back(ReadEntry(select));
  }
  return page;
}

}  // namespace handover::deliverylog

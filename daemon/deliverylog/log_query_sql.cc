#include "deliverylog/log_query_sql.h"

#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "crypto/identity.h"
#include "deliverylog/log_entry_codec.h"

namespace handover::deliverylog {
namespace {

namespace v1 = handover::v1;

// A WHERE clause under construction: terms joined by AND, with their
// parameters in order.
class Where {
 public:
  void Term(absl::string_view sql) {
    absl::StrAppend(&sql_, sql_.empty() ? "" : " AND ", sql);
  }
  void Int(int64_t v) { params_.push_back({SqlParam::Type::kInt, v, ""}); }
  void Text(absl::string_view s) {
    params_.push_back({SqlParam::Type::kText, 0, std::string(s)});
  }
  void Blob(absl::string_view s) {
    params_.push_back({SqlParam::Type::kBlob, 0, std::string(s)});
  }
  // Appends this clause's text and parameters to `out`.
  void AppendTo(QuerySql& out) const {
    absl::StrAppend(&out.sql, sql_.empty() ? "1" : sql_);
    out.params.insert(out.params.end(), params_.begin(), params_.end());
  }

 private:
  std::string sql_;
  std::vector<SqlParam> params_;
};

std::set<int> DistinctEvents(const LogQuery& query) {
  std::set<int> events;
  for (v1::LogEventKind e : query.events) events.insert(e);
  return events;
}

void AddEvents(const LogQuery& query, Where& where) {
  const std::set<int> events = DistinctEvents(query);
  if (events.empty()) return;
  std::vector<std::string> marks(events.size(), "?");
  where.Term(absl::StrCat("event IN (", absl::StrJoin(marks, ", "), ")"));
  for (int e : events) where.Int(e);
}

void AddTime(const LogQuery& query, Where& where) {
  if (query.since.has_value()) {
    where.Term("time_us >= ?");
    where.Int(absl::ToUnixMicros(*query.since));
  }
  if (query.until.has_value()) {
    where.Term("time_us < ?");
    where.Int(absl::ToUnixMicros(*query.until));
  }
}

Where IdxRange(const QueryPlan& plan) {
  Where where;
  where.Term("idx >= ? AND idx <= ?");
  where.Int(plan.first_idx);
  where.Int(plan.last_idx);
  return where;
}

// Every filter except the agency, whose form depends on the drive.
Where CommonTerms(const LogQuery& query, const QueryPlan& plan) {
  Where where = IdxRange(plan);
  if (!query.transfer_id.empty()) {
    // The partial index only serves queries that repeat its condition.
    where.Term("length(transfer_id) > 0 AND transfer_id = ?");
    where.Blob(query.transfer_id);
  }
  AddEvents(query, where);
  AddTime(query, where);
  return where;
}

void AppendLimit(int64_t rows, QuerySql& out) {
  absl::StrAppend(&out.sql, " ORDER BY idx LIMIT ?");
  out.params.push_back({SqlParam::Type::kInt, rows, ""});
}

// One pass over one index (`index` is "INDEXED BY x" or "NOT INDEXED"),
// with the agency, if any, as a plain term.
QuerySql SinglePass(const LogQuery& query, const QueryPlan& plan,
                    absl::string_view index) {
  Where where = CommonTerms(query, plan);
  if (!query.agency.empty()) {
    where.Term("(sender = ? OR recipient = ?)");
    where.Text(query.agency);
    where.Text(query.agency);
  }
  QuerySql out;
  out.sql = absl::StrCat("SELECT ", kQueryColumns, " FROM log_entries ", index,
                         " WHERE ");
  where.AppendTo(out);
  AppendLimit(query.limit + 1, out);
  return out;
}

constexpr const char* kAgencyColumns[] = {"sender", "recipient"};
constexpr const char* kAgencyIndexes[] = {"log_entries_sender",
                                          "log_entries_recipient"};

// The agency as two walks, over (sender, idx) and (recipient, idx), each
// in log order and stopping at a page: SQLite's own plan for the OR would
// collect and sort every match of a busy agency first. `IN` drops an entry
// both walks find.
QuerySql AgencyArms(const LogQuery& query, const QueryPlan& plan) {
  QuerySql out;
  out.sql = absl::StrCat("SELECT ", kQueryColumns,
                         " FROM log_entries WHERE idx IN (");
  for (int arm = 0; arm < 2; ++arm) {
    Where where;
    where.Term(absl::StrCat(kAgencyColumns[arm], " = ?"));
    where.Text(query.agency);
    absl::StrAppend(&out.sql, arm == 0 ? "" : " UNION ALL ",
                    "SELECT idx FROM (SELECT idx FROM log_entries INDEXED BY ",
                    kAgencyIndexes[arm], " WHERE ");
    where.AppendTo(out);
    absl::StrAppend(&out.sql, " AND ");
    CommonTerms(query, plan).AppendTo(out);
    AppendLimit(query.limit + 1, out);
    absl::StrAppend(&out.sql, ")");
  }
  absl::StrAppend(&out.sql, ")");
  AppendLimit(query.limit + 1, out);
  return out;
}

// "SELECT count(*) FROM (SELECT 1 FROM log_entries <index> WHERE <where>
// LIMIT cap)": stops after `cap` matches.
std::string CappedCount(absl::string_view index, const Where& where,
                        int64_t cap, QuerySql& out) {
  QuerySql inner;
  inner.sql = absl::StrCat("(SELECT count(*) FROM (SELECT 1 FROM log_entries ",
                           index, " WHERE ");
  where.AppendTo(inner);
  absl::StrAppend(&inner.sql, " LIMIT ?))");
  inner.params.push_back({SqlParam::Type::kInt, cap, ""});
  out.params.insert(out.params.end(), inner.params.begin(), inner.params.end());
  return inner.sql;
}

}  // namespace

absl::Status ValidateQuery(const LogQuery& query) {
  if (query.limit < 1 || query.limit > kMaxPageSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("a page holds 1 to ", kMaxPageSize, " entries"));
  }
  for (v1::LogEventKind e : query.events) {
    if (e == v1::LOG_EVENT_KIND_UNSPECIFIED || !v1::LogEventKind_IsValid(e)) {
      return absl::InvalidArgumentError(
          "a queried event is unspecified or unknown");
    }
  }
  if (!query.transfer_id.empty() &&
      query.transfer_id.size() != kTransferIdBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("a transfer id is ", kTransferIdBytes, " bytes, not ",
                     query.transfer_id.size()));
  }
  if (!query.agency.empty()) {
    if (absl::Status s = crypto::ValidateAgencyId(query.agency); !s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the queried agency is not an agency id: ", s.message()));
    }
  }
  return absl::OkStatus();
}

std::vector<Drive> CandidateDrives(const LogQuery& query, bool time_in_bounds) {
  std::vector<Drive> drives;
  if (!query.agency.empty()) drives.push_back(Drive::kAgency);
  if (!query.events.empty()) drives.push_back(Drive::kEvents);
  if ((query.since.has_value() || query.until.has_value()) && !time_in_bounds) {
    drives.push_back(Drive::kTime);
  }
  return drives;
}

QuerySql ProbeSql(const LogQuery& query, const QueryPlan& plan, Drive drive,
                  int64_t cap) {
  QuerySql out;
  switch (drive) {
    case Drive::kAgency: {
      std::string arms[2];
      for (int arm = 0; arm < 2; ++arm) {
        Where where;
        where.Term(absl::StrCat(kAgencyColumns[arm], " = ?"));
        where.Text(query.agency);
        where.Term("idx >= ? AND idx <= ?");
        where.Int(plan.first_idx);
        where.Int(plan.last_idx);
        arms[arm] = CappedCount(
            absl::StrCat("INDEXED BY ", kAgencyIndexes[arm]), where, cap, out);
      }
      out.sql = absl::StrCat("SELECT ", arms[0], " + ", arms[1]);
      return out;
    }
    case Drive::kEvents: {
      Where where = IdxRange(plan);
      AddEvents(query, where);
      out.sql = absl::StrCat(
          "SELECT ",
          CappedCount("INDEXED BY log_entries_event", where, cap, out));
      return out;
    }
    case Drive::kTime: {
      // Only the time index: counting within the bounds as well would
      // walk every earlier page's entries again.
      Where where;
      AddTime(query, where);
      out.sql = absl::StrCat(
          "SELECT ",
          CappedCount("INDEXED BY log_entries_time", where, cap, out));
      return out;
    }
    case Drive::kTransfer:
    case Drive::kLogOrder:
      break;
  }
  out.sql = absl::StrCat("SELECT ",
                         CappedCount("NOT INDEXED", IdxRange(plan), cap, out));
  return out;
}

QuerySql BuildQuerySql(const LogQuery& query, const QueryPlan& plan) {
  switch (plan.drive) {
    case Drive::kTransfer:
      if (!query.transfer_id.empty()) {
        return SinglePass(query, plan, "INDEXED BY log_entries_transfer");
      }
      break;
    case Drive::kAgency:
      if (!query.agency.empty()) return AgencyArms(query, plan);
      break;
    case Drive::kEvents:
      if (!query.events.empty()) {
        return SinglePass(query, plan, "INDEXED BY log_entries_event");
      }
      break;
    case Drive::kTime:
      if (query.since.has_value() || query.until.has_value()) {
        return SinglePass(query, plan, "INDEXED BY log_entries_time");
      }
      break;
    case Drive::kLogOrder:
      break;
  }
  // A drive without its filter has nothing to walk: use the table.
  return SinglePass(query, plan, "NOT INDEXED");
}

}  // namespace handover::deliverylog

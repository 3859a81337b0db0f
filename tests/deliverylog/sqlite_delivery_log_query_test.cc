// DeliveryLog::Query against a brute-force filter over every entry, on a
// log whose times rise (a time range is then an index range) and on one
// whose times sometimes go back, and every SQL shape the store can choose
// run directly against the same file.
#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "deliverylog/log_entry_codec.h"
#include "deliverylog/log_query_sql.h"
#include "deliverylog/sqlite_delivery_log.h"
#include "gtest/gtest.h"
#include "log_test_util.h"
#include "status_matchers.h"

namespace handover::deliverylog {
namespace {

namespace v1 = handover::v1;
using testing::kStart;
using testing::LogFixture;
using testing::SampleEntry;
using testing::TransferId;

constexpr int kEntries = 60;

absl::Time T(int seconds) { return kStart + absl::Seconds(seconds); }

bool Matches(const v1::LogEntry& e, const LogQuery& q) {
  const absl::Time t = MicrosToTime(TimestampMicros(e.time()));
  if (q.since.has_value() && t < *q.since) return false;
  if (q.until.has_value() && t >= *q.until) return false;
  if (!q.agency.empty() && e.sender() != q.agency &&
      e.recipient() != q.agency) {
    return false;
  }
  if (!q.events.empty() && std::find(q.events.begin(), q.events.end(),
                                     e.event()) == q.events.end()) {
    return false;
  }
  if (!q.transfer_id.empty() && e.transfer_id() != q.transfer_id) {
    return false;
  }
  return !q.after_index.has_value() || e.index() > *q.after_index;
}

struct Case {
  const char* name;
  LogQuery query;
};

std::vector<Case> Cases() {
  auto q = [](auto&& fill) {
    LogQuery query;
    fill(query);
    return query;
  };
  return {
      {"all", {}},
      {"since", q([](LogQuery& x) { x.since = T(20); })},
      {"until", q([](LogQuery& x) { x.until = T(30); })},
      {"range", q([](LogQuery& x) { x.since = T(10), x.until = T(45); })},
      {"empty range", q([](LogQuery& x) { x.since = x.until = T(30); })},
      {"future", q([](LogQuery& x) { x.since = T(1000); })},
      {"past", q([](LogQuery& x) { x.until = T(-1000); })},
      {"agency both ways", q([](LogQuery& x) { x.agency = "agency-1"; })},
      {"agency as sender only", q([](LogQuery& x) { x.agency = "agency-3"; })},
      {"unknown agency", q([](LogQuery& x) { x.agency = "nobody-here"; })},
      {"one event",
       q([](LogQuery& x) { x.events = {v1::LOG_EVENT_KIND_SUBMITTED}; })},
      {"two events", q([](LogQuery& x) {
         x.events = {v1::LOG_EVENT_KIND_SEALED,
                     v1::LOG_EVENT_KIND_SENT_TO_ROUTER};
       })},
      {"repeated event", q([](LogQuery& x) {
         x.events = {v1::LOG_EVENT_KIND_QUEUED, v1::LOG_EVENT_KIND_QUEUED};
       })},
      {"transfer", q([](LogQuery& x) { x.transfer_id = TransferId(4); })},
      {"agency, events and time", q([](LogQuery& x) {
         x.agency = "agency-1";
         x.events = {v1::LOG_EVENT_KIND_SUBMITTED, v1::LOG_EVENT_KIND_SEALED,
                     v1::LOG_EVENT_KIND_QUEUED};
         x.since = T(10);
         x.until = T(50);
       })},
      {"transfer and agency", q([](LogQuery& x) {
         x.transfer_id = TransferId(5);
         x.agency = "agency-0";
       })},
      {"events and time", q([](LogQuery& x) {
         x.events = {v1::LOG_EVENT_KIND_ACCEPTED_BY_ROUTER};
         x.since = T(25);
       })},
      {"agency and time", q([](LogQuery& x) {
         x.agency = "agency-2";
         x.until = T(40);
       })},
      {"after an index", q([](LogQuery& x) {
         x.agency = "agency-0";
         x.after_index = 30;
       })},
  };
}

// GoogleTest parameter: whether some entries are dated back in time.
class QueryTest : public LogFixture,
                  public ::testing::WithParamInterface<bool> {
 protected:
  void SetUp() override {
    LogFixture::SetUp();
    for (int i = 0; i < kEntries; ++i) {
      clock_.Advance(absl::Seconds(1));
      v1::LogEntry e = SampleEntry(i);
      if (i % 7 == 0) e.clear_transfer_id();
      if (GetParam() && i % 5 == 3) {
        *e.mutable_time() =
            MicrosToTimestamp(absl::ToUnixMicros(T(kEntries - i)));
      }
      ASSERT_OK(log_->Append(e).status());
    }
    LogQuery all;
    all.limit = kMaxPageSize;
    ASSERT_OK_AND_ASSIGN(LogPage page, log_->Query(all));
    entries_ = page.entries;
    ASSERT_EQ(entries_.size(), static_cast<size_t>(kEntries));
  }

  std::vector<uint64_t> Expected(const LogQuery& q) const {
    std::vector<uint64_t> out;
    for (const v1::LogEntry& e : entries_) {
      if (Matches(e, q)) out.push_back(e.index());
    }
    return out;
  }

  // Every page of `q`, checking the paging contract on the way.
  std::vector<uint64_t> PageThrough(LogQuery q) {
    std::vector<uint64_t> seen;
    for (int pages = 0; pages <= kEntries; ++pages) {
      absl::StatusOr<LogPage> page = log_->Query(q);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      EXPECT_LE(page->entries.size(), static_cast<size_t>(q.limit));
      for (const v1::LogEntry& e : page->entries) seen.push_back(e.index());
      if (!page->next_after_index.has_value()) break;
      EXPECT_EQ(page->entries.size(), static_cast<size_t>(q.limit));
      EXPECT_EQ(*page->next_after_index, page->entries.back().index());
      q.after_index = page->next_after_index;
    }
    return seen;
  }

  std::vector<v1::LogEntry> entries_;
};

TEST_P(QueryTest, EveryPageSizeVisitsEachMatchOnceInOrder) {
  for (const Case& c : Cases()) {
    const std::vector<uint64_t> want = Expected(c.query);
    for (int limit : {1, 7, kMaxPageSize}) {
      LogQuery q = c.query;
      q.limit = limit;
      EXPECT_EQ(PageThrough(q), want) << c.name << ", limit " << limit;
    }
  }
  // The cases must really filter, or the comparison proves little.
  EXPECT_EQ(Expected(Cases()[0].query).size(), static_cast<size_t>(kEntries));
  EXPECT_GT(Expected(Cases()[14].query).size(), 0u);
  EXPECT_LT(Expected(Cases()[14].query).size(), kEntries / 4u);
}

TEST_P(QueryTest, TheTimeRegressionIsKeptAcrossReopening) {
  Reopen();
  for (const Case& c : Cases()) {
    LogQuery q = c.query;
    q.limit = 7;
    EXPECT_EQ(PageThrough(q), Expected(c.query)) << c.name;
  }
  // The most any entry lies before the newest time ahead of it.
  int64_t newest = std::numeric_limits<int64_t>::min();
  int64_t regression = 0;
  for (const v1::LogEntry& e : entries_) {
    const int64_t t = TimestampMicros(e.time());
    if (t < newest) regression = std::max(regression, newest - t);
    newest = std::max(newest, t);
  }
  auto db = sqlite::SqliteDb::Open(path());
  ASSERT_TRUE(db.ok()) << db.status();
  ASSERT_OK_AND_ASSIGN(sqlite::Statement get,
                       (*db)->Prepare("SELECT value FROM log_meta WHERE key = "
                                      "'time_regression_us'"));
  ASSERT_OK_AND_ASSIGN(bool has_row, get.Step());
  if (GetParam()) {
    ASSERT_TRUE(has_row);
    EXPECT_EQ(get.ColumnText(0), absl::StrCat(regression));
    EXPECT_GT(regression, 0);
  } else {
    EXPECT_FALSE(has_row);
  }
}

TEST_P(QueryTest, ReturnsWholeEntries) {
  LogQuery q;
  q.transfer_id = TransferId(5);
  ASSERT_OK_AND_ASSIGN(LogPage page, log_->Query(q));
  ASSERT_FALSE(page.entries.empty());
  for (const v1::LogEntry& e : page.entries) {
    EXPECT_EQ(e.SerializeAsString(), entries_[e.index()].SerializeAsString());
    v1::LogEntry want = SampleEntry(static_cast<int>(e.index()));
    EXPECT_EQ(e.detail(), want.detail());
    EXPECT_EQ(e.envelope_hash(), want.envelope_hash());
    EXPECT_EQ(e.size(), want.size());
  }
}

// The store picks one of these shapes per query; each must give the same
// answer, whichever index SQLite walks.
TEST_P(QueryTest, EverySqlShapeAgrees) {
  auto db = sqlite::SqliteDb::Open(path());
  ASSERT_TRUE(db.ok()) << db.status();
  for (const Case& c : Cases()) {
    LogQuery q = c.query;
    q.limit = 5;
    std::vector<uint64_t> want = Expected(q);
    if (want.size() > 6) want.resize(6);  // a page reads limit + 1 rows
    for (Drive drive : {Drive::kLogOrder, Drive::kTransfer, Drive::kAgency,
                        Drive::kEvents, Drive::kTime}) {
      QueryPlan plan;
      plan.first_idx = q.after_index.has_value() ? *q.after_index + 1 : 0;
      plan.last_idx = kEntries - 1;
      plan.drive = drive;
      const QuerySql sql = BuildQuerySql(q, plan);
      ASSERT_OK_AND_ASSIGN(sqlite::Statement select, (*db)->Prepare(sql.sql));
      for (size_t i = 0; i < sql.params.size(); ++i) {
        const SqlParam& p = sql.params[i];
        const int n = static_cast<int>(i) + 1;
        if (p.type == SqlParam::Type::kInt) select.Bind(n, p.number);
        if (p.type == SqlParam::Type::kText) select.Bind(n, p.bytes);
        if (p.type == SqlParam::Type::kBlob) select.BindBlob(n, p.bytes);
      }
      std::vector<uint64_t> got;
      while (true) {
        ASSERT_OK_AND_ASSIGN(bool has_row, select.Step());
        if (!has_row) break;
        got.push_back(static_cast<uint64_t>(select.ColumnInt(0)));
      }
      EXPECT_EQ(got, want) << c.name << ", drive " << static_cast<int>(drive);
    }
  }
}

// The bounded counts the store chooses a drive by.
TEST_P(QueryTest, ProbesCountUpToTheCap) {
  auto db = sqlite::SqliteDb::Open(path());
  ASSERT_TRUE(db.ok()) << db.status();
  LogQuery q;
  q.agency = "agency-1";
  q.events = {v1::LOG_EVENT_KIND_SUBMITTED, v1::LOG_EVENT_KIND_QUEUED};
  q.since = T(10);
  q.until = T(20);
  QueryPlan plan;
  plan.first_idx = 5;
  plan.last_idx = kEntries - 1;
  auto count = [&](Drive drive, int64_t cap) -> int64_t {
    const QuerySql sql = ProbeSql(q, plan, drive, cap);
    auto select = (*db)->Prepare(sql.sql);
    EXPECT_TRUE(select.ok()) << select.status();
    for (size_t i = 0; i < sql.params.size(); ++i) {
      const SqlParam& p = sql.params[i];
      const int n = static_cast<int>(i) + 1;
      if (p.type == SqlParam::Type::kInt) select->Bind(n, p.number);
      if (p.type == SqlParam::Type::kText) select->Bind(n, p.bytes);
    }
    auto row = select->Step();
    EXPECT_TRUE(row.ok() && *row);
    return select->ColumnInt(0);
  };
  int64_t agency = 0, events = 0, timed = 0;
  for (const v1::LogEntry& e : entries_) {
    const absl::Time t = MicrosToTime(TimestampMicros(e.time()));
    if (t >= *q.since && t < *q.until) ++timed;  // at any index
    if (e.index() < 5) continue;
    agency += (e.sender() == q.agency) + (e.recipient() == q.agency);
    events += e.event() == q.events[0] || e.event() == q.events[1];
  }
  EXPECT_EQ(count(Drive::kAgency, 1000), agency);
  EXPECT_EQ(count(Drive::kEvents, 1000), events);
  EXPECT_EQ(count(Drive::kTime, 1000), timed);
  EXPECT_EQ(count(Drive::kEvents, 3), 3);
  EXPECT_EQ(count(Drive::kLogOrder, 1000), kEntries - 5);
}

TEST_P(QueryTest, BadQueriesAreInvalidArgument) {
  std::vector<LogQuery> bad(6);
  bad[0].limit = 0;
  bad[1].limit = kMaxPageSize + 1;
  bad[2].transfer_id = std::string(15, 't');
  bad[3].events = {v1::LOG_EVENT_KIND_UNSPECIFIED};
  bad[4].events = {static_cast<v1::LogEventKind>(500)};
  bad[5].agency = "Robert'); DROP TABLE log_entries;--";
  for (const LogQuery& q : bad) {
    EXPECT_EQ(log_->Query(q).status().code(),
              absl::StatusCode::kInvalidArgument);
  }
  LogQuery past_the_end;
  past_the_end.after_index = uint64_t{1} << 63;
  ASSERT_OK_AND_ASSIGN(LogPage page, log_->Query(past_the_end));
  EXPECT_TRUE(page.entries.empty());
  EXPECT_FALSE(page.next_after_index.has_value());
}

TEST_P(QueryTest, AppendsAfterATimeQueryAreFound) {
  LogQuery q;
  q.since = T(1);
  q.limit = kMaxPageSize;
  ASSERT_OK(log_->Query(q).status());  // learns whether times rise
  v1::LogEntry late = SampleEntry(1);
  *late.mutable_time() = MicrosToTimestamp(absl::ToUnixMicros(T(500)));
  ASSERT_OK(log_->Append(late).status());
  v1::LogEntry early = SampleEntry(2);
  *early.mutable_time() = MicrosToTimestamp(absl::ToUnixMicros(T(2)));
  ASSERT_OK(log_->Append(early).status());  // goes back in time
  q.since = T(2);
  q.until = T(3);
  ASSERT_OK_AND_ASSIGN(LogPage page, log_->Query(q));
  ASSERT_FALSE(page.entries.empty());
  EXPECT_EQ(page.entries.back().index(), static_cast<uint64_t>(kEntries + 1));
  q.since = T(400);
  q.until = std::nullopt;
  ASSERT_OK_AND_ASSIGN(page, log_->Query(q));
  ASSERT_EQ(page.entries.size(), 1u);
  EXPECT_EQ(page.entries[0].index(), static_cast<uint64_t>(kEntries));
}

INSTANTIATE_TEST_SUITE_P(Times, QueryTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "SometimesBackwards" : "Rising";
                         });

}  // namespace
}  // namespace handover::deliverylog

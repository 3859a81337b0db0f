#include "alerts/sqlite_alert_book.h"

#include <memory>
#include <string>
#include <vector>

#include "alert_test_util.h"
#include "gtest/gtest.h"
#include "status_matchers.h"
#include "temp_dir.h"

namespace handover::alerts {
namespace {

using testing::kStart;
using testing::SampleAlert;

class SqliteAlertBookTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }
  void Reopen() {
    book_.reset();
    auto opened = SqliteAlertBook::Open(dir_.path() + "/alerts.db");
    ASSERT_TRUE(opened.ok()) << opened.status();
    book_ = *std::move(opened);
  }
  std::vector<AlertEvent> All() {
    auto events = book_->ListAfter(0, kMaxListLimit);
    EXPECT_TRUE(events.ok()) << events.status();
    return events.ok() ? *events : std::vector<AlertEvent>{};
  }

  handover::testing::TempDir dir_;
  std::unique_ptr<SqliteAlertBook> book_;
};

TEST_F(SqliteAlertBookTest, RaiseAssignsStableIdAndSequence) {
  ASSERT_OK_AND_ASSIGN(Alert a,
                       book_->Raise(SampleAlert('a', Priority::kHigh)));
  EXPECT_EQ(a.alert_id, "A-61616161616161616161616161616161");
  EXPECT_EQ(a.sequence, 1u);
  EXPECT_EQ(a.priority, Priority::kHigh);
  EXPECT_EQ(a.reasons, SampleAlert('a', Priority::kHigh).reasons);
  EXPECT_FALSE(a.acknowledged.has_value());
  ASSERT_OK_AND_ASSIGN(Alert got, book_->Get(a.alert_id));
  EXPECT_EQ(got.child_reference, "REF-0042");
  EXPECT_EQ(got.raised_at, kStart);
}

TEST_F(SqliteAlertBookTest, RaiseIsIdempotentPerTransfer) {
  ASSERT_OK_AND_ASSIGN(Alert first,
                       book_->Raise(SampleAlert('a', Priority::kHigh)));
  NewAlert again =
      SampleAlert('a', Priority::kRoutine, kStart + absl::Hours(1));
  again.area_code = "SW-01";
  ASSERT_OK_AND_ASSIGN(Alert second, book_->Raise(again));
  EXPECT_EQ(second.sequence, first.sequence);
  EXPECT_EQ(second.priority, Priority::kHigh);
  EXPECT_EQ(second.area_code, "NE-07");
  EXPECT_EQ(All().size(), 1u);
}

TEST_F(SqliteAlertBookTest, ListAfterResumesFromEveryCursor) {
  for (char c : std::string("abcd")) {
    ASSERT_OK(book_->Raise(SampleAlert(c, Priority::kRoutine)).status());
  }
  ASSERT_OK(book_
                ->Acknowledge(AlertIdFor(testing::TransferId('b')), "op-7",
                              "seen", kStart)
                .status());
  std::vector<AlertEvent> all = All();
  ASSERT_EQ(all.size(), 5u);
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].sequence, i + 1);
    ASSERT_OK_AND_ASSIGN(std::vector<AlertEvent> rest,
                         book_->ListAfter(all[i].sequence, kMaxListLimit));
    ASSERT_EQ(rest.size(), all.size() - i - 1);
    if (!rest.empty()) {
      EXPECT_EQ(rest.front().sequence, all[i].sequence + 1);
    }
  }
  EXPECT_EQ(all[4].kind, EventKind::kAcknowledged);
  EXPECT_EQ(all[4].operator_id, "op-7");
  ASSERT_OK_AND_ASSIGN(std::vector<AlertEvent> page, book_->ListAfter(1, 2));
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].sequence, 2u);
  EXPECT_EQ(page[1].sequence, 3u);
}

TEST_F(SqliteAlertBookTest, AcknowledgeRoundTripAndRefusesASecond) {
  ASSERT_OK_AND_ASSIGN(Alert a,
                       book_->Raise(SampleAlert('a', Priority::kHigh)));
  const absl::Time at = kStart + absl::Minutes(3);
  ASSERT_OK_AND_ASSIGN(Alert acked,
                       book_->Acknowledge(a.alert_id, "op-7", "unit sent", at));
  ASSERT_TRUE(acked.acknowledged.has_value());
  EXPECT_EQ(acked.acknowledged->operator_id, "op-7");
  ASSERT_OK_AND_ASSIGN(Alert got, book_->Get(a.alert_id));
  ASSERT_TRUE(got.acknowledged.has_value());
  EXPECT_EQ(got.acknowledged->note, "unit sent");
  EXPECT_EQ(got.acknowledged->at, at);

  absl::Status again =
      book_->Acknowledge(a.alert_id, "op-9", "", at + absl::Minutes(1))
          .status();
  EXPECT_EQ(again.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(again.message().find("op-7"), std::string::npos) << again;
  EXPECT_NE(again.message().find("2027-01-01T00:03:00"), std::string::npos)
      << again;
  EXPECT_EQ(All().size(), 2u);
}

TEST_F(SqliteAlertBookTest, UnknownIdIsNotFound) {
  const std::string id = AlertIdFor(testing::TransferId('z'));
  EXPECT_EQ(book_->Get(id).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(book_->Acknowledge(id, "op-7", "", kStart).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(book_->Get("A-nothex").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(SqliteAlertBookTest, EscalatesExactlyAtTheBoundary) {
  const absl::Duration after = kDefaultEscalateAfter;
  ASSERT_OK_AND_ASSIGN(Alert a,
                       book_->Raise(SampleAlert('a', Priority::kHigh)));
  ASSERT_OK_AND_ASSIGN(
      auto none,
      book_->EscalateDue(kStart + after - absl::Microseconds(1), after));
  EXPECT_TRUE(none.empty());

  ASSERT_OK_AND_ASSIGN(auto overdue, book_->Overdue(kStart + after, after));
  ASSERT_EQ(overdue.size(), 1u);
  ASSERT_OK_AND_ASSIGN(auto one, book_->EscalateDue(kStart + after, after));
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].kind, EventKind::kEscalated);
  EXPECT_EQ(one[0].alert_id, a.alert_id);
  EXPECT_EQ(one[0].priority, Priority::kUrgent);
  EXPECT_EQ(one[0].sequence, 2u);

  ASSERT_OK_AND_ASSIGN(auto twice, book_->EscalateDue(kStart + after, after));
  EXPECT_TRUE(twice.empty());
  ASSERT_OK_AND_ASSIGN(auto still, book_->Overdue(kStart + after, after));
  EXPECT_TRUE(still.empty());

  ASSERT_OK_AND_ASSIGN(auto re, book_->EscalateDue(kStart + 2 * after, after));
  ASSERT_EQ(re.size(), 1u);
  EXPECT_EQ(re[0].priority, Priority::kUrgent);
  EXPECT_EQ(re[0].sequence, 3u);
  ASSERT_OK_AND_ASSIGN(Alert got, book_->Get(a.alert_id));
  EXPECT_EQ(got.escalations, 2);
  EXPECT_EQ(got.raised_priority, Priority::kHigh);
  EXPECT_EQ(got.last_raised_at, kStart + 2 * after);

  // A resuming client sees the escalations as their own events.
  ASSERT_OK_AND_ASSIGN(auto resumed, book_->ListAfter(1, kMaxListLimit));
  ASSERT_EQ(resumed.size(), 2u);
  EXPECT_EQ(resumed[0].kind, EventKind::kEscalated);
}

TEST_F(SqliteAlertBookTest, RoutineAndAcknowledgedNeverEscalate) {
  ASSERT_OK(book_->Raise(SampleAlert('r', Priority::kRoutine)).status());
  ASSERT_OK_AND_ASSIGN(Alert h,
                       book_->Raise(SampleAlert('h', Priority::kHigh)));
  ASSERT_OK(book_->Acknowledge(h.alert_id, "op-7", "", kStart).status());
  ASSERT_OK_AND_ASSIGN(Alert u,
                       book_->Raise(SampleAlert('u', Priority::kUrgent)));
  ASSERT_OK_AND_ASSIGN(auto events, book_->EscalateDue(kStart + absl::Hours(24),
                                                       kDefaultEscalateAfter));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].alert_id, u.alert_id);
  EXPECT_EQ(events[0].priority, Priority::kUrgent);
}

TEST_F(SqliteAlertBookTest, EverythingSurvivesReopening) {
  ASSERT_OK_AND_ASSIGN(Alert a,
                       book_->Raise(SampleAlert('a', Priority::kHigh)));
  ASSERT_OK(book_->Raise(SampleAlert('b', Priority::kRoutine)).status());
  ASSERT_OK(
      book_->EscalateDue(kStart + absl::Hours(1), absl::Minutes(15)).status());
  ASSERT_OK(
      book_->Acknowledge(a.alert_id, "op-7", "done", kStart + absl::Hours(2))
          .status());
  std::vector<AlertEvent> before = All();
  Reopen();
  std::vector<AlertEvent> after = All();
  ASSERT_EQ(after.size(), 4u);
  ASSERT_EQ(after.size(), before.size());
  for (size_t i = 0; i < after.size(); ++i) {
    EXPECT_EQ(after[i].sequence, before[i].sequence);
    EXPECT_EQ(after[i].kind, before[i].kind);
    EXPECT_EQ(after[i].priority, before[i].priority);
  }
  ASSERT_OK_AND_ASSIGN(Alert got, book_->Get(a.alert_id));
  EXPECT_EQ(got.priority, Priority::kUrgent);
  ASSERT_TRUE(got.acknowledged.has_value());
  EXPECT_EQ(got.acknowledged->note, "done");
  // Sequence numbers keep rising after a reopen.
  ASSERT_OK_AND_ASSIGN(Alert c,
                       book_->Raise(SampleAlert('c', Priority::kHigh)));
  EXPECT_EQ(c.sequence, 5u);
}

TEST_F(SqliteAlertBookTest, RefusesInvalidAlerts) {
  auto expect_invalid = [&](NewAlert a) {
    absl::Status s = book_->Raise(a).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
    // The message never echoes what was sent.
    EXPECT_EQ(s.message().find("Jane"), std::string::npos) << s;
  };
  NewAlert a = SampleAlert('a', Priority::kHigh);
  a.transfer_id = "short";
  expect_invalid(a);
  a = SampleAlert('a', Priority::kHigh);
  a.child_reference = "";
  expect_invalid(a);
  a.child_reference = "Jane Doe";  // a space: not a reference
  expect_invalid(a);
  a.child_reference = std::string(kMaxChildReferenceBytes + 1, 'r');
  expect_invalid(a);
  a = SampleAlert('a', Priority::kHigh);
  a.sender_agency_id = "";
  expect_invalid(a);
  a = SampleAlert('a', Priority::kHigh);
  a.area_code = std::string(kMaxAreaCodeBytes + 1, 'x');
  expect_invalid(a);
  a = SampleAlert('a', Priority::kHigh);
  a.priority = static_cast<Priority>(7);
  expect_invalid(a);
  a = SampleAlert('a', Priority::kHigh);
  a.reasons = {};
  expect_invalid(a);
  a.reasons = {"Jane"};
  expect_invalid(a);
  a.reasons = {"missing_episodes", "missing_episodes"};
  expect_invalid(a);
  a.reasons = {std::string(kMaxReasonBytes + 1, 'a')};
  expect_invalid(a);
  a.reasons = std::vector<std::string>(kMaxReasons + 1, "x");
  expect_invalid(a);
  a = SampleAlert('a', Priority::kHigh);
  a.raised_at = absl::InfiniteFuture();
  expect_invalid(a);
  EXPECT_TRUE(All().empty());
}

TEST_F(SqliteAlertBookTest, RefusesInvalidAcknowledgementsAndArguments) {
  ASSERT_OK_AND_ASSIGN(Alert a,
                       book_->Raise(SampleAlert('a', Priority::kHigh)));
  auto code = [&](absl::string_view op, absl::string_view note) {
    return book_->Acknowledge(a.alert_id, op, note, kStart).status().code();
  };
  const auto kInvalid = absl::StatusCode::kInvalidArgument;
  EXPECT_EQ(code("", "note"), kInvalid);
  EXPECT_EQ(code(std::string(kMaxOperatorIdBytes + 1, 'o'), ""), kInvalid);
  EXPECT_EQ(code("op\x01", ""), kInvalid);
  EXPECT_EQ(code("op-7", std::string(kMaxNoteBytes + 1, 'n')), kInvalid);
  EXPECT_EQ(code("op-7", std::string("a\0b", 3)), kInvalid);
  EXPECT_EQ(book_->ListAfter(0, 0).status().code(), kInvalid);
  EXPECT_EQ(book_->ListAfter(0, kMaxListLimit + 1).status().code(), kInvalid);
  EXPECT_EQ(book_->EscalateDue(kStart, absl::ZeroDuration()).status().code(),
            kInvalid);
  ASSERT_OK_AND_ASSIGN(Alert got, book_->Get(a.alert_id));
  EXPECT_FALSE(got.acknowledged.has_value());
  EXPECT_OK(book_
                ->Acknowledge(a.alert_id, "op-7",
                              std::string(kMaxNoteBytes, 'n'), kStart)
                .status());
}

}  // namespace
}  // namespace handover::alerts

// ParseAckDeadline and AckDueAt: the deadline grammar, and working days
// that skip weekends in UTC.
#include "config/ack_deadline.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "status_matchers.h"

namespace handover::config {
namespace {

using ::testing::HasSubstr;

// 2026-03-02 is a Monday.
absl::Time Utc(int day, int hour, int minute = 0) {
  return absl::FromCivil(absl::CivilMinute(2026, 3, day, hour, minute),
                         absl::UTCTimeZone());
}
constexpr int kThursday = 5, kFriday = 6, kSaturday = 7, kSunday = 8,
              kMonday = 9, kTuesday = 10;

AckDeadline Days(int n) { return AckDeadline{absl::ZeroDuration(), n}; }
AckDeadline Lasting(absl::Duration d) { return AckDeadline{d, 0}; }

// What `text` parses to; a default AckDeadline (and a failure) if nothing.
AckDeadline Parsed(const char* text) {
  absl::StatusOr<AckDeadline> d = ParseAckDeadline(text);
  EXPECT_TRUE(d.ok()) << text << ": " << d.status();
  return d.ok() ? *d : AckDeadline{};
}

TEST(AckDeadlineTest, DurationsAndWorkingDaysParse) {
  EXPECT_EQ(Parsed("15m"), Lasting(absl::Minutes(15)));
  EXPECT_EQ(Parsed("8h"), Lasting(absl::Hours(8)));
  EXPECT_EQ(Parsed("1 working day"), Days(1));
  EXPECT_EQ(Parsed("2 working days"), Days(2));
  EXPECT_EQ(Parsed("30 working days"), Days(30));
  EXPECT_EQ(Parsed("1 working days"), Days(1));
}

TEST(AckDeadlineTest, MistakesAreRefused) {
  for (const char* text :
       {"", "0 working days", "31 working days", "99999999999 working days",
        "-1 working day", "1  working day", " 1 working day", "1 working",
        "1 workingday", "one working day", "1 Working Day", "1 day", "0s", "15",
        "15 m", "1h30m"}) {
    absl::StatusOr<AckDeadline> parsed = ParseAckDeadline(text);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument)
        << "\"" << text << "\"";
  }
  EXPECT_THAT(ParseAckDeadline("31 working days").status().message(),
              HasSubstr("from 1 to 30"));
  EXPECT_THAT(ParseAckDeadline("1 day").status().message(),
              HasSubstr("\"1 working day\""));
  EXPECT_THAT(ParseAckDeadline("0s").status().message(),
              HasSubstr("longer than 0"));
}

TEST(AckDeadlineTest, FormatRoundTrips) {
  for (const char* text : {"15m", "8h", "1 working day", "3 working days"}) {
    ASSERT_OK_AND_ASSIGN(AckDeadline d, ParseAckDeadline(text));
    EXPECT_EQ(FormatAckDeadline(d), text);
  }
}

TEST(AckDueAtTest, ADurationIsAddedAsItIs) {
  EXPECT_EQ(AckDueAt(Utc(kFriday, 23, 50), Lasting(absl::Minutes(15))),
            Utc(kSaturday, 0, 5));
}

TEST(AckDueAtTest, WorkingDaysSkipTheWeekend) {
  EXPECT_EQ(AckDueAt(Utc(kFriday, 16), Days(1)), Utc(kMonday, 16));
  EXPECT_EQ(AckDueAt(Utc(kThursday, 9), Days(2)), Utc(kMonday, 9));
  EXPECT_EQ(AckDueAt(Utc(kMonday, 9), Days(1)), Utc(kTuesday, 9));
  EXPECT_EQ(AckDueAt(Utc(kMonday, 9), Days(5)), Utc(kMonday + 7, 9));
  EXPECT_EQ(AckDueAt(Utc(kFriday, 0), Days(6)), Utc(kMonday + 7, 0));
}

TEST(AckDueAtTest, AWeekendStartCountsFromMonday) {
  EXPECT_EQ(AckDueAt(Utc(kSaturday, 10), Days(1)), Utc(kTuesday, 0));
  EXPECT_EQ(AckDueAt(Utc(kSunday, 23, 59), Days(1)), Utc(kTuesday, 0));
  EXPECT_EQ(AckDueAt(Utc(kSaturday, 0), Days(5)), Utc(kMonday + 7, 0));
}

TEST(AckDueAtTest, WeekendsAreUtc) {
  // 23:30 on Friday in UTC is already Saturday in Paris; UTC decides.
  EXPECT_EQ(AckDueAt(Utc(kFriday, 23, 30), Days(1)), Utc(kMonday, 23, 30));
  // 00:30 Monday UTC is a working day even where it is still Sunday.
  EXPECT_EQ(AckDueAt(Utc(kMonday, 0, 30), Days(1)), Utc(kTuesday, 0, 30));
}

TEST(AckDueAtTest, InfiniteStartsStay) {
  EXPECT_EQ(AckDueAt(absl::InfiniteFuture(), Days(1)), absl::InfiniteFuture());
}

}  // namespace
}  // namespace handover::config

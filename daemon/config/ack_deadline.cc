#include "config/ack_deadline.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "config/quoted.h"
#include "config/units.h"

namespace handover::config {
namespace {

constexpr absl::string_view kDeadlineForm =
    "expected a duration such as \"15m\" or \"8h\", or a number of working "
    "days from 1 to 30 such as \"1 working day\" or \"2 working days\"";

bool IsWeekend(absl::Time t) {
  const absl::Weekday day =
      absl::GetWeekday(absl::ToCivilDay(t, absl::UTCTimeZone()));
  return day == absl::Weekday::saturday || day == absl::Weekday::sunday;
}

// "N working day(s)": N if `text` has that form, else 0 (and -1 if the
// form is right but N is out of range).
int ParseWorkingDays(absl::string_view text) {
  absl::string_view count = text;
  if (!absl::ConsumeSuffix(&count, " working days") &&
      !absl::ConsumeSuffix(&count, " working day")) {
    return 0;
  }
  if (count.empty() || !std::all_of(count.begin(), count.end(), [](char c) {
        return absl::ascii_isdigit(c);
      })) {
    return 0;
  }
  int n = 0;
  if (!absl::SimpleAtoi(count, &n) || n < 1 || n > kMaxAckWorkingDays) {
    return -1;
  }
  return n;
}

}  // namespace

absl::StatusOr<AckDeadline> ParseAckDeadline(absl::string_view text) {
  const int days = ParseWorkingDays(text);
  if (days > 0) return AckDeadline{absl::ZeroDuration(), days};
  if (days < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(Quoted(text),
                     " is out of range; a deadline in working "
                     "days must be from 1 to ",
                     kMaxAckWorkingDays));
  }
  if (absl::StrContains(text, ' ')) {
    return absl::InvalidArgumentError(
        absl::StrCat(Quoted(text), " is not a deadline; ", kDeadlineForm));
  }
  absl::StatusOr<absl::Duration> duration = ParseDuration(text);
  if (!duration.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(duration.status().message(),
                     "; or a number of working "
                     "days, e.g. \"1 working day\""));
  }
  if (*duration <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat(Quoted(text), " must be longer than 0"));
  }
  return AckDeadline{*duration, 0};
}

std::string FormatAckDeadline(const AckDeadline& d) {
  if (d.working_days == 0) return FormatConfigDuration(d.duration);
  return absl::StrCat(d.working_days,
                      d.working_days == 1 ? " working day" : " working days");
}

absl::Time AckDueAt(absl::Time from, const AckDeadline& d) {
  if (from == absl::InfiniteFuture() || from == absl::InfinitePast()) {
    return from;
  }
  if (d.working_days <= 0) return from + d.duration;
  absl::Time t = from;
  if (IsWeekend(t)) {
    // Count from the start of the Monday after the weekend.
    absl::CivilDay day = absl::ToCivilDay(t, absl::UTCTimeZone());
    while (absl::GetWeekday(day) != absl::Weekday::monday) ++day;
    t = absl::FromCivil(day, absl::UTCTimeZone());
  }
  for (int i = 0; i < d.working_days; ++i) {
    t += absl::Hours(24);
    while (IsWeekend(t)) t += absl::Hours(24);
  }
  return t;
}

}  // namespace handover::config

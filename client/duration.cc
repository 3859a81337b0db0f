#include "duration.h"

#include "absl/strings/str_cat.h"

namespace handover::cli {
namespace {

absl::Status BadDuration(absl::string_view text) {
  return absl::InvalidArgumentError(absl::StrCat(
      "'", text, "' is not a duration; use e.g. 5d, 12h, 30m or 1d12h"));
}

absl::StatusOr<absl::Duration> UnitOf(char unit) {
  switch (unit) {
    case 'd':
      return absl::Hours(24);
    case 'h':
      return absl::Hours(1);
    case 'm':
      return absl::Minutes(1);
    case 's':
      return absl::Seconds(1);
    default:
      return absl::InvalidArgumentError("unknown unit");
  }
}

}  // namespace

absl::StatusOr<absl::Duration> ParseDuration(absl::string_view text) {
  constexpr int kMaxDigits = 9;  // keeps every product far from overflow
  absl::Duration total = absl::ZeroDuration();
  size_t i = 0;
  if (text.empty()) return BadDuration(text);
  while (i < text.size()) {
    int64_t n = 0;
    int digits = 0;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      if (++digits > kMaxDigits) return BadDuration(text);
      n = n * 10 + (text[i] - '0');
    }
    if (digits == 0 || i == text.size()) return BadDuration(text);
    absl::StatusOr<absl::Duration> unit = UnitOf(text[i++]);
    if (!unit.ok()) return BadDuration(text);
    total += n * *unit;
  }
  if (total <= absl::ZeroDuration() || total > kMaxTimeToLive) {
    return absl::InvalidArgumentError(absl::StrCat(
        "'", text, "' is out of range; a time to live must be more than 0 ",
        "and at most 365d"));
  }
  return total;
}

absl::StatusOr<absl::Time> ParseTimestamp(absl::string_view text) {
  absl::Time t;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, std::string(text), &t, &error)) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", text,
                     "' is not an RFC 3339 time; use e.g. "
                     "2026-12-04T10:15:00Z"));
  }
  return t;
}

}  // namespace handover::cli

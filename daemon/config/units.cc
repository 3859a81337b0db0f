#include "config/units.h"

#include <array>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "config/quoted.h"

namespace handover::config {
namespace {

constexpr absl::string_view kDurationForm =
    "expected a whole number and a unit (ms, s, m, h or d), e.g. \"500ms\", "
    "\"30s\", \"5m\", \"12h\", \"5d\"";
constexpr absl::string_view kSizeForm =
    "expected a whole number of bytes with an optional unit (KiB, MiB, GiB "
    "or TiB), e.g. \"4096\", \"64KiB\", \"16MiB\", \"2GiB\"";

struct Unit {
  absl::string_view name;
  int64_t millis;
};
constexpr std::array<Unit, 5> kDurationUnits = {{{"d", 86'400'000},
                                                 {"h", 3'600'000},
                                                 {"m", 60'000},
                                                 {"s", 1'000},
                                                 {"ms", 1}}};

struct SizeUnit {
  absl::string_view name;
  int shift;
};
constexpr std::array<SizeUnit, 5> kSizeUnits = {
    {{"TiB", 40}, {"GiB", 30}, {"MiB", 20}, {"KiB", 10}, {"", 0}}};

// Splits "123abc" into its leading digits and the rest. False if there are
// no digits.
bool SplitNumber(absl::string_view text, absl::string_view* digits,
                 absl::string_view* unit) {
  size_t n = 0;
  while (n < text.size() && absl::ascii_isdigit(text[n])) ++n;
  *digits = text.substr(0, n);
  *unit = text.substr(n);
  return n > 0;
}

}  // namespace

absl::StatusOr<absl::Duration> ParseDuration(absl::string_view text) {
  absl::string_view digits, unit;
  uint64_t count = 0;
  if (!SplitNumber(text, &digits, &unit)) {
    return absl::InvalidArgumentError(
        absl::StrCat(Quoted(text), " is not a duration; ", kDurationForm));
  }
  if (unit.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(Quoted(text), " has no unit; ", kDurationForm));
  }
  for (const Unit& u : kDurationUnits) {
    if (unit != u.name) continue;
    uint64_t limit = absl::ToInt64Milliseconds(kMaxConfigDuration) / u.millis;
    if (!absl::SimpleAtoi(digits, &count) || count > limit) {
      return absl::InvalidArgumentError(
          absl::StrCat(Quoted(text), " is too long; the limit is 36525d"));
    }
    return absl::Milliseconds(static_cast<int64_t>(count) * u.millis);
  }
  return absl::InvalidArgumentError(
      absl::StrCat(Quoted(text), " has an unknown unit ", Quoted(unit), "; ",
                   kDurationForm));
}

absl::StatusOr<uint64_t> ParseByteSize(absl::string_view text) {
  absl::string_view digits, unit;
  uint64_t count = 0;
  if (!SplitNumber(text, &digits, &unit)) {
    return absl::InvalidArgumentError(
        absl::StrCat(Quoted(text), " is not a size; ", kSizeForm));
  }
  for (const SizeUnit& u : kSizeUnits) {
    if (unit != u.name) continue;
    if (!absl::SimpleAtoi(digits, &count) || count > (UINT64_MAX >> u.shift)) {
      return absl::InvalidArgumentError(
          absl::StrCat(Quoted(text), " is too large"));
    }
    return count << u.shift;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      Quoted(text), " has an unknown unit ", Quoted(unit), "; ", kSizeForm));
}

std::string FormatConfigDuration(absl::Duration d) {
  int64_t millis = absl::ToInt64Milliseconds(d);
  for (const Unit& u : kDurationUnits) {
    if (millis != 0 && millis % u.millis == 0) {
      return absl::StrCat(millis / u.millis, u.name);
    }
  }
  return "0s";
}

std::string FormatByteSize(uint64_t bytes) {
  for (const SizeUnit& u : kSizeUnits) {
    uint64_t mask = (uint64_t{1} << u.shift) - 1;
    if (bytes != 0 && (bytes & mask) == 0) {
      return absl::StrCat(bytes >> u.shift, u.name);
    }
  }
  return "0";
}

}  // namespace handover::config

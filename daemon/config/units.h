// Strict parsers for the human-friendly quantities in config files.
//
//   duration = digits unit       unit = "ms" | "s" | "m" | "h" | "d"
//   size     = digits [unit]     unit = "KiB" | "MiB" | "GiB" | "TiB"
//
// One whole number and at most one unit: no signs, spaces, fractions,
// compound forms ("1h30m") or decimal units ("MB"). Leading zeros are
// accepted. Errors are InvalidArgument with a message that quotes the input
// and shows the expected form. Stateless; thread-safe.
#ifndef HANDOVER_CONFIG_UNITS_H_
#define HANDOVER_CONFIG_UNITS_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace handover::config {

// The longest duration accepted: 100 years, far beyond any sensible setting
// and far within absl::Duration's range.
inline constexpr absl::Duration kMaxConfigDuration = absl::Hours(24 * 36525);

// "500ms", "30s", "5m", "12h", "5d". At most kMaxConfigDuration.
absl::StatusOr<absl::Duration> ParseDuration(absl::string_view text);

// "4096", "64KiB", "16MiB", "2GiB", "1TiB"; the value must fit in 64 bits.
absl::StatusOr<uint64_t> ParseByteSize(absl::string_view text);

// The shortest text ParseDuration maps back to `d`, e.g. "5m", "1500ms".
// `d` must be a whole number of milliseconds and not negative.
std::string FormatConfigDuration(absl::Duration d);

// The shortest text ParseByteSize maps back to `bytes`, e.g. "2GiB", "1000".
std::string FormatByteSize(uint64_t bytes);

}  // namespace handover::config

#endif  // HANDOVER_CONFIG_UNITS_H_

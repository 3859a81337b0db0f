// Durations as people type them on the command line: "5d", "12h", "30m",
// "90s", or several together such as "1d12h"; and RFC 3339 times.
#ifndef HANDOVER_CLIENT_DURATION_H_
#define HANDOVER_CLIENT_DURATION_H_

#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace handover::cli {

// The longest time to live the CLI accepts for an envelope.
inline constexpr absl::Duration kMaxTimeToLive = absl::Hours(24 * 365);

// Parses one or more <digits><unit> groups, unit one of d, h, m, s. The
// result must be positive and at most kMaxTimeToLive.
absl::StatusOr<absl::Duration> ParseDuration(absl::string_view text);

// An RFC 3339 time with a zone offset or "Z", e.g. "2026-12-04T10:15:00Z"
// or "2026-12-04T10:15:00+01:00".
absl::StatusOr<absl::Time> ParseTimestamp(absl::string_view text);

}  // namespace handover::cli

#endif  // HANDOVER_CLIENT_DURATION_H_

// Durations as people type them on the command line: "5d", "12h", "30m",
// "90s", or several together such as "1d12h".
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

}  // namespace handover::cli

#endif  // HANDOVER_CLIENT_DURATION_H_

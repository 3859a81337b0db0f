// How long a recipient has to acknowledge a move notice, as written in the
// [acknowledgement] table of a node config, and when such a deadline falls
// due. Plain value and free functions; thread-safe.
//
//   deadline = duration                       ; units.h, e.g. "15m", "8h"
//            | count " working day" ["s"]     ; count 1 to 30
//
// Working days are Monday to Friday in UTC; bank holidays are not known.
#ifndef HANDOVER_CONFIG_ACK_DEADLINE_H_
#define HANDOVER_CONFIG_ACK_DEADLINE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace handover::config {

inline constexpr int kMaxAckWorkingDays = 30;

// Either a duration ("15m", "8h") or a number of working days ("1 working
// day"). Exactly one is set.
struct AckDeadline {
  absl::Duration duration = absl::ZeroDuration();
  int working_days = 0;

  bool operator==(const AckDeadline& other) const = default;
};

// Parses the grammar above. A duration must be longer than zero. Errors
// are InvalidArgument, quoting the text and showing the expected form.
absl::StatusOr<AckDeadline> ParseAckDeadline(absl::string_view text);

// The text ParseAckDeadline maps back to `d`: "15m", "1 working day",
// "3 working days".
std::string FormatAckDeadline(const AckDeadline& d);

// When a deadline of `d` that starts at `from` falls due. Working days
// are 24-hour steps that skip Saturdays and Sundays (UTC): a move at
// Friday 16:00 with one working day is due Monday 16:00. A start on a
// weekend counts from the Monday 00:00 after it, so Saturday 10:00 plus
// one working day is due Tuesday 00:00. An infinite `from` is returned
// as it is.
absl::Time AckDueAt(absl::Time from, const AckDeadline& d);

}  // namespace handover::config

#endif  // HANDOVER_CONFIG_ACK_DEADLINE_H_

// AlertBook: the police node's durable book of move alerts for its control
// room. Raising an alert, each escalation and the acknowledgement are events
// in one ordered log; an event's sequence number is the cursor a
// reconnecting control-room client resumes from, so it misses nothing.
//
// Alert ids are "A-" followed by the lower-case hex of the 16-byte transfer
// id: stable across redelivery, restarts and escalations, and unique
// because a transfer raises at most one alert.
//
// Implementations are thread-safe. Nothing here holds case content: a
// child is named only by the sender's opaque local reference, and reasons
// are short machine codes.
#ifndef HANDOVER_ALERTS_ALERT_BOOK_H_
#define HANDOVER_ALERTS_ALERT_BOOK_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace handover::alerts {

// Stored as these numbers; escalation moves one step up.
enum class Priority : int { kRoutine = 1, kHigh = 2, kUrgent = 3 };

enum class EventKind : int { kRaised = 1, kEscalated = 2, kAcknowledged = 3 };

// Bounds on every input.
inline constexpr size_t kTransferIdBytes = 16;
inline constexpr size_t kMaxAgencyIdBytes = 128;
inline constexpr size_t kMaxChildReferenceBytes = 128;
inline constexpr size_t kMaxAreaCodeBytes = 32;
inline constexpr size_t kMaxReasons = 16;
inline constexpr size_t kMaxReasonBytes = 64;
inline constexpr size_t kMaxOperatorIdBytes = 64;
inline constexpr size_t kMaxNoteBytes = 2000;
inline constexpr size_t kMaxListLimit = 1000;
inline constexpr absl::Duration kDefaultEscalateAfter = absl::Minutes(15);

struct NewAlert {
  std::string transfer_id;  // 16 raw bytes
  std::string sender_agency_id;
  std::string child_reference;  // opaque local reference, never a name
  std::string area_code;
  Priority priority = Priority::kRoutine;
  std::vector<std::string> reasons;  // e.g. "missing_episodes"
  absl::Time raised_at;
};

struct Acknowledgement {
  std::string operator_id;
  std::string note;
  absl::Time at;
};

struct Alert {
  std::string alert_id;
  uint64_t sequence = 0;  // of the raised event
  std::string transfer_id;
  std::string sender_agency_id;
  std::string child_reference;
  std::string area_code;
  Priority raised_priority = Priority::kRoutine;  // as first raised
  Priority priority = Priority::kRoutine;         // after escalations
  std::vector<std::string> reasons;
  absl::Time raised_at;
  absl::Time last_raised_at;  // the raise or the latest escalation
  int escalations = 0;
  std::optional<Acknowledgement> acknowledged;
};

struct AlertEvent {
  uint64_t sequence = 0;
  EventKind kind = EventKind::kRaised;
  std::string alert_id;
  Priority priority = Priority::kRoutine;  // at this event
  absl::Time at;
  std::string operator_id;  // kAcknowledged only
  Alert alert;              // the alert as it stands when read
};

class AlertBook {
 public:
  virtual ~AlertBook() = default;

  // Records a raised event. Idempotent per transfer id: a repeat returns the
  // existing alert unchanged, whatever else it carries.
  virtual absl::StatusOr<Alert> Raise(const NewAlert& alert) = 0;

  // Up to `limit` (1..kMaxListLimit) events with sequence > `cursor`, in
  // sequence order. Cursor 0 starts from the beginning.
  virtual absl::StatusOr<std::vector<AlertEvent>> ListAfter(uint64_t cursor,
                                                            size_t limit) = 0;

  // NotFound for an unknown id; FailedPrecondition if already acknowledged.
  virtual absl::StatusOr<Alert> Acknowledge(absl::string_view alert_id,
                                            absl::string_view operator_id,
                                            absl::string_view note,
                                            absl::Time at) = 0;

  // Escalates every unacknowledged high or urgent alert whose last raise is
  // at least `after` (> 0) before `now`, and returns the new events.
  virtual absl::StatusOr<std::vector<AlertEvent>> EscalateDue(
      absl::Time now, absl::Duration after) = 0;

  virtual absl::StatusOr<Alert> Get(absl::string_view alert_id) = 0;

  // The alerts EscalateDue(now, after) would escalate, oldest first.
  virtual absl::StatusOr<std::vector<Alert>> Overdue(absl::Time now,
                                                     absl::Duration after) = 0;
};

// The alert id for a transfer id (not checked here).
std::string AlertIdFor(absl::string_view transfer_id);
// One step up, saturating at urgent.
Priority Raised(Priority p);

// Input checks. Messages name the field and the bound, never the content.
absl::Status CheckNewAlert(const NewAlert& alert);
absl::Status CheckAlertId(absl::string_view alert_id);
absl::Status CheckAcknowledgement(absl::string_view operator_id,
                                  absl::string_view note);

}  // namespace handover::alerts

#endif  // HANDOVER_ALERTS_ALERT_BOOK_H_

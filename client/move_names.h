// The names the CLI prints for move-notice enums (agency kinds, move kinds,
// urgencies, alert priorities and events), the same in text and JSON so
// scripts can match what people read. Free functions; thread-safe.
#ifndef HANDOVER_CLIENT_MOVE_NAMES_H_
#define HANDOVER_CLIENT_MOVE_NAMES_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "handover/v1/bundle.pb.h"
#include "handover/v1/directory.pb.h"
#include "handover/v1/node.pb.h"

namespace handover::cli {

// "police_force", "health_team", "local_authority_childrens_services",
// "other"; "unspecified" or "kind N" for values this CLI does not know.
std::string AgencyKindName(handover::v1::AgencyKind kind);

// "MOVE", "MISSING_EPISODE", "MOVED_ON".
std::string MoveKindName(handover::v1::MoveNoticeKind kind);

// "planned", "urgent", "emergency" (lower case, as --urgency takes them).
std::string UrgencyName(handover::v1::MoveUrgency urgency);
std::optional<handover::v1::MoveUrgency> ParseUrgency(absl::string_view name);
std::vector<std::string> UrgencyNames();

// "ROUTINE", "HIGH", "URGENT".
std::string PriorityName(handover::v1::AlertPriority priority);

// "raised", "escalated", "acknowledged".
std::string AlertEventKindName(handover::v1::AlertEventKind kind);

}  // namespace handover::cli

#endif  // HANDOVER_CLIENT_MOVE_NAMES_H_

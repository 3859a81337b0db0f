#include "move_names.h"

#include "absl/strings/str_cat.h"

namespace handover::cli {
namespace {

namespace v1 = handover::v1;

struct NamedUrgency {
  v1::MoveUrgency urgency;
  const char* name;
};

constexpr NamedUrgency kUrgencies[] = {
    {v1::MOVE_URGENCY_PLANNED, "planned"},
    {v1::MOVE_URGENCY_URGENT, "urgent"},
    {v1::MOVE_URGENCY_EMERGENCY, "emergency"},
};

}  // namespace

std::string AgencyKindName(v1::AgencyKind kind) {
  switch (kind) {
    case v1::AGENCY_KIND_UNSPECIFIED:
      return "unspecified";
    case v1::AGENCY_KIND_LOCAL_AUTHORITY_CHILDRENS_SERVICES:
      return "local_authority_childrens_services";
    case v1::AGENCY_KIND_HEALTH_TEAM:
      return "health_team";
    case v1::AGENCY_KIND_POLICE_FORCE:
      return "police_force";
    case v1::AGENCY_KIND_OTHER:
      return "other";
    default:
      return absl::StrCat("kind ", kind);
  }
}

std::string MoveKindName(v1::MoveNoticeKind kind) {
  switch (kind) {
    case v1::MOVE_NOTICE_KIND_MOVE:
      return "MOVE";
    case v1::MOVE_NOTICE_KIND_MISSING_EPISODE:
      return "MISSING_EPISODE";
    case v1::MOVE_NOTICE_KIND_MOVED_ON:
      return "MOVED_ON";
    case v1::MOVE_NOTICE_KIND_UNSPECIFIED:
      return "UNSPECIFIED";
    default:
      return absl::StrCat("kind ", kind);
  }
}

std::string UrgencyName(v1::MoveUrgency urgency) {
  for (const NamedUrgency& n : kUrgencies) {
    if (n.urgency == urgency) return n.name;
  }
  return urgency == v1::MOVE_URGENCY_UNSPECIFIED
             ? "unspecified"
             : absl::StrCat("urgency ", urgency);
}

std::optional<v1::MoveUrgency> ParseUrgency(absl::string_view name) {
  for (const NamedUrgency& n : kUrgencies) {
    if (name == n.name) return n.urgency;
  }
  return std::nullopt;
}

std::vector<std::string> UrgencyNames() {
  std::vector<std::string> names;
  for (const NamedUrgency& n : kUrgencies) names.push_back(n.name);
  return names;
}

std::string PriorityName(v1::AlertPriority priority) {
  switch (priority) {
    case v1::ALERT_PRIORITY_ROUTINE:
      return "ROUTINE";
    case v1::ALERT_PRIORITY_HIGH:
      return "HIGH";
    case v1::ALERT_PRIORITY_URGENT:
      return "URGENT";
    case v1::ALERT_PRIORITY_UNSPECIFIED:
      return "UNSPECIFIED";
    default:
      return absl::StrCat("PRIORITY ", priority);
  }
}

std::string AlertEventKindName(v1::AlertEventKind kind) {
  switch (kind) {
    case v1::ALERT_EVENT_KIND_RAISED:
      return "raised";
    case v1::ALERT_EVENT_KIND_ESCALATED:
      return "escalated";
    case v1::ALERT_EVENT_KIND_ACKNOWLEDGED:
      return "acknowledged";
    case v1::ALERT_EVENT_KIND_UNSPECIFIED:
      return "unspecified";
    default:
      return absl::StrCat("event ", kind);
  }
}

}  // namespace handover::cli

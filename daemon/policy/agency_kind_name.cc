#include "policy/agency_kind_name.h"

#include <utility>

namespace handover::policy {
namespace {

namespace v1 = handover::v1;

// Written out rather than derived from the enum names, so that renaming an
// enum value cannot silently invalidate every policy file in use.
constexpr std::pair<v1::AgencyKind, absl::string_view> kNames[] = {
    {v1::AGENCY_KIND_LOCAL_AUTHORITY_CHILDRENS_SERVICES,
     "local_authority_childrens_services"},
    {v1::AGENCY_KIND_HEALTH_TEAM, "health_team"},
    {v1::AGENCY_KIND_POLICE_FORCE, "police_force"},
    {v1::AGENCY_KIND_OTHER, "other"},
};

}  // namespace

const std::vector<v1::AgencyKind>& PolicyAgencyKinds() {
  static const auto* const kinds = [] {
    auto* list = new std::vector<v1::AgencyKind>;
    for (const auto& [kind, name] : kNames) list->push_back(kind);
    return list;
  }();
  return *kinds;
}

absl::string_view AgencyKindName(v1::AgencyKind kind) {
  for (const auto& [k, name] : kNames) {
    if (k == kind) return name;
  }
  return "";
}

std::optional<v1::AgencyKind> AgencyKindFromName(absl::string_view name) {
  for (const auto& [kind, n] : kNames) {
    if (n == name) return kind;
  }
  return std::nullopt;
}

}  // namespace handover::policy

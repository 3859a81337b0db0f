// The names agency kinds go by in view policy files and in messages, e.g.
// [police_force]. Free functions over a fixed table; thread-safe.
#ifndef HANDOVER_POLICY_AGENCY_KIND_NAME_H_
#define HANDOVER_POLICY_AGENCY_KIND_NAME_H_

#include <optional>
#include <vector>

#include "absl/strings/string_view.h"
#include "handover/v1/directory.pb.h"

namespace handover::policy {

// Every kind a view policy must cover, in enum order: all of AgencyKind but
// AGENCY_KIND_UNSPECIFIED. A test keeps this in step with the proto.
const std::vector<handover::v1::AgencyKind>& PolicyAgencyKinds();

// "local_authority_childrens_services", "health_team", "police_force",
// "other"; "" for AGENCY_KIND_UNSPECIFIED or a value this build does not
// know.
absl::string_view AgencyKindName(handover::v1::AgencyKind kind);

// The kind a name stands for, or nullopt.
std::optional<handover::v1::AgencyKind> AgencyKindFromName(
    absl::string_view name);

}  // namespace handover::policy

#endif  // HANDOVER_POLICY_AGENCY_KIND_NAME_H_

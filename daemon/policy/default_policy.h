// The built-in view policy, used when no policy file is configured.
// docs/POLICY.md explains each choice for a safeguarding lead, and
// docs/examples/view-policy.toml writes the same policy as a file (a test
// keeps the two equal).
//
//   police_force: identity, the photo, risk flags and known risk persons,
//     the Deprivation of Liberty order, the grab pack's description, places
//     and people, and contacts;
//   health_team: identity, needs, diagnoses, medication, DSR and CETR
//     status, and contacts;
//   local_authority_childrens_services: every section and attachment;
//   other: identity and contacts only.
//
// Stateless; thread-safe.
#ifndef HANDOVER_POLICY_DEFAULT_POLICY_H_
#define HANDOVER_POLICY_DEFAULT_POLICY_H_

#include "absl/status/statusor.h"
#include "policy/view_policy.h"

namespace handover::policy {

// Builds the policy above. It fails only if the table in default_policy.cc
// no longer matches the schema, which the tests catch.
absl::StatusOr<ViewPolicy> DefaultViewPolicy();

}  // namespace handover::policy

#endif  // HANDOVER_POLICY_DEFAULT_POLICY_H_

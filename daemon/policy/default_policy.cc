#include "policy/default_policy.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/status_macros.h"

namespace handover::policy {
namespace {

namespace v1 = handover::v1;

struct KindDefault {
  v1::AgencyKind kind;
  std::vector<absl::string_view> fields;
  std::vector<absl::string_view> attachment_labels;
};

// Fields inside a section are listed one by one where only part of it is
// meant, so that a field added to that section later is not sent until
// someone decides it should be.
std::vector<KindDefault> Defaults() {
  return {
      // Enough to recognise the child, judge the risk, keep the order's
      // restrictions and search if the child goes missing.
      {v1::AGENCY_KIND_POLICE_FORCE,
       {"identity", "legal_status.deprivation_of_liberty",
        "risk.sexual_exploitation", "risk.criminal_exploitation",
        "risk.self_harm", "risk.other_risks", "risk.known_risk_persons",
        "grab_pack.physical_description", "grab_pack.places_may_go",
        "grab_pack.people_may_be_with", "contacts"},
       {"photo"}},
      {v1::AGENCY_KIND_HEALTH_TEAM,
       {"identity", "health.needs", "health.diagnoses", "health.medications",
        "dynamic_support_register", "cetr", "contacts"},
       {}},
      // The agency that takes over the child's case gets the whole record.
      {v1::AGENCY_KIND_LOCAL_AUTHORITY_CHILDRENS_SERVICES,
       {"identity", "health", "legal_status", "risk", "grab_pack", "placements",
        "care_plan_actions", "dynamic_support_register", "cetr", "contacts"},
       {"*"}},
      // Any other agency: who the child is and whom to ask for more.
      {v1::AGENCY_KIND_OTHER, {"identity", "contacts"}, {}},
  };
}

absl::StatusOr<KindPolicy> Build(const KindDefault& entry) {
  KindPolicy policy;
  for (absl::string_view field : entry.fields) {
    if (absl::Status s = policy.AddField(field); !s.ok()) {
      return absl::InternalError(
          absl::StrCat("default view policy: ", field, ": ", s.message()));
    }
  }
  for (absl::string_view label : entry.attachment_labels) {
    if (absl::Status s = policy.AddAttachmentLabel(label); !s.ok()) {
      return absl::InternalError(
          absl::StrCat("default view policy: ", label, ": ", s.message()));
    }
  }
  return policy;
}

}  // namespace

absl::StatusOr<ViewPolicy> DefaultViewPolicy() {
  ViewPolicy::KindMap kinds;
  for (const KindDefault& entry : Defaults()) {
    ASSIGN_OR_RETURN(KindPolicy policy, Build(entry));
    kinds.emplace(entry.kind, std::move(policy));
  }
  return ViewPolicy::Create(std::move(kinds));
}

}  // namespace handover::policy

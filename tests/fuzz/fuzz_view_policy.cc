// Fuzzes the view policy reader (text only; no file), and cuts a view of a
// small bundle with every policy it accepts.
#include <cstddef>
#include <cstdint>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "handover/v1/bundle.pb.h"
#include "policy/agency_kind_name.h"
#include "policy/cut_view.h"
#include "policy/policy_file.h"

namespace {

namespace v1 = handover::v1;

// A failure must read as a node would print it: one or more lines, each
// naming the source, so a control character in the input cannot forge or
// break a line.
void CheckReport(const absl::Status& status) {
  if (status.ok()) return;
  for (absl::string_view line : absl::StrSplit(status.message(), '\n')) {
    if (!absl::StartsWith(line, "fuzz.toml")) __builtin_trap();
  }
}

// A valid bundle with something in every section and two attachments.
v1::CaseBundle MakeBundle() {
  v1::CaseBundle b;
  b.mutable_metadata()->set_schema_version(1);
  b.mutable_metadata()->mutable_created_time()->set_seconds(1710754200);
  b.mutable_identity()->set_given_names("Sample");
  b.mutable_identity()->set_photo_attachment("photo.jpg");
  b.mutable_health()->add_needs()->set_description("routine");
  b.mutable_legal_status()->set_kind(v1::LEGAL_STATUS_KIND_OTHER);
  b.mutable_legal_status()->set_description("detail");
  b.mutable_risk()->mutable_self_harm()->set_level(v1::RISK_LEVEL_HIGH);
  b.mutable_grab_pack()->set_physical_description("tall");
  b.add_placements()->set_local_authority_area("E08000025");
  b.mutable_placements(0)->set_start_date("2024-03-18");
  v1::CarePlanAction* action = b.add_care_plan_actions();
  action->set_description("visit");
  action->set_owning_agency_id("stockport-cs");
  action->set_owner_role("social worker");
  action->set_due_date("2024-03-25");
  b.mutable_dynamic_support_register()->set_status(v1::DSR_STATUS_REFERRED);
  b.mutable_cetr()->set_status(v1::CETR_STATUS_REQUESTED);
  b.add_contacts()->set_role("duty team");
  b.mutable_contacts(0)->set_phone("0161 496 0999");
  for (const char* label : {"photo", "care-plan"}) {
    v1::Attachment* a = b.add_attachments();
    a->set_name(absl::StrCat(label, ".bin"));
    a->set_label(label);
    a->set_media_type("application/octet-stream");
  }
  b.mutable_attachments(0)->set_name("photo.jpg");
  return b;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const v1::CaseBundle* const bundle = new v1::CaseBundle(MakeBundle());
  absl::string_view input(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<handover::policy::ViewPolicy> policy =
      handover::policy::ParseViewPolicy(input, "fuzz.toml");
  CheckReport(policy.status());
  if (!policy.ok()) return 0;
  for (v1::AgencyKind kind : handover::policy::PolicyAgencyKinds()) {
    absl::StatusOr<handover::policy::View> view =
        handover::policy::CutView(*bundle, kind, *policy);
    // Only a policy that drops legal_status.description but keeps its kind
    // may cut an invalid view; anything else is a bug.
    if (!view.ok() &&
        view.status().code() != absl::StatusCode::kFailedPrecondition) {
      __builtin_trap();
    }
    if (view.ok() && (!view->bundle.has_metadata() ||
                      !view->bundle.has_identity() || view->kind != kind)) {
      __builtin_trap();
    }
  }
  return 0;
}

// CutView: one recipient's view of a case bundle, minimised by the view
// policy for its kind of agency (view_policy.h).
//
// The cut is an allow-list over the compiled schema: every field of the
// bundle that the kind's selectors do not name is cleared, so a field added
// to bundle.proto later is not sent until a policy names it, and fields
// this build does not know (unknown fields) are always dropped. The
// metadata and the move notice (CaseBundle.move) always go, whole,
// whatever the policy names: the receiver needs the metadata to process
// the bundle and the move notice to act on the move.
// Attachments go by label (kind_policy.h); if the child's photo does not
// go, identity.photo_attachment is cleared so the view names no file it
// does not carry.
//
// Free function; thread-safe. The View owns its copy of what it keeps.
#ifndef HANDOVER_POLICY_CUT_VIEW_H_
#define HANDOVER_POLICY_CUT_VIEW_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "handover/v1/bundle.pb.h"
#include "handover/v1/directory.pb.h"
#include "policy/view_policy.h"

namespace handover::policy {

struct View {
  handover::v1::AgencyKind kind = handover::v1::AGENCY_KIND_UNSPECIFIED;
  handover::v1::CaseBundle bundle;
  // For the sender's log of what went to whom: "metadata", the kind's
  // selectors (e.g. "identity", "risk.self_harm") whose content the bundle
  // had, and "move" if the bundle has a move notice, in schema order.
  // Field paths only, never content.
  std::vector<std::string> kept_fields;
  // The names of the attachments the view carries, in bundle order. They
  // are chosen by case systems and may identify the child, so a log
  // should treat them as case content.
  std::vector<std::string> kept_attachments;
};

// Errors: InvalidArgument if `bundle` fails ValidateBundle (the message
// names fields and rules, never content) or `policy` has no entry for
// `kind` (AGENCY_KIND_UNSPECIFIED or a value this build does not know);
// FailedPrecondition if the cut view would itself fail ValidateBundle, e.g.
// a policy that keeps legal_status.kind OTHER without its description.
absl::StatusOr<View> CutView(const handover::v1::CaseBundle& bundle,
                             handover::v1::AgencyKind kind,
                             const ViewPolicy& policy);

}  // namespace handover::policy

#endif  // HANDOVER_POLICY_CUT_VIEW_H_

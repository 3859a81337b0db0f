// Planning a move's envelopes before any byte is sealed: which views go,
// to whom, with which fields and attachments. One view per kind of agency
// (all agencies of a kind share one envelope and one policy), and for each
// earlier move this one supersedes, a MOVED_ON notice to that move's
// agencies that the new move does not reach anyway.
//
// A MOVED_ON notice carries only the metadata, the child's identity
// (without the photo) and the move section with the new area: the first
// area needs to know the child has gone, not where they now live.
//
// Free functions; thread-safe. Messages name kinds, fields and agency ids,
// never case content.
#ifndef HANDOVER_NODE_API_MOVE_PLAN_H_
#define HANDOVER_NODE_API_MOVE_PLAN_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "crypto/identity.h"
#include "directory/directory_view.h"
#include "handover/v1/bundle.pb.h"
#include "move/move_recipients.h"
#include "node/api/submit_validation.h"
#include "node/node_store.h"
#include "policy/view_policy.h"

namespace handover::node::api {

struct PlannedView {
  handover::v1::AgencyKind kind = handover::v1::AGENCY_KIND_UNSPECIFIED;
  std::vector<std::string> recipient_ids;
  std::vector<handover::v1::AgencyKind> recipient_kinds;  // parallel
  std::vector<crypto::PublicIdentity> keys;               // parallel
  std::vector<std::string> kept_fields;
  std::vector<std::string> kept_attachments;
  std::vector<bool> keeps;                  // per declared attachment
  std::vector<AttachmentPlan> attachments;  // the kept ones, in order
  std::string bundle_bytes;                 // the view, serialized
};

// The destination views of `bundle` (complete, with its move section) for
// `recipients`, leaving out `own_agency_id` (we hold the record already).
// FAILED_PRECONDITION if that leaves nobody.
absl::StatusOr<std::vector<PlannedView>> PlanDestinationViews(
    const handover::v1::CaseBundle& bundle,
    const move::MoveRecipients& recipients, const policy::ViewPolicy& policy,
    const std::vector<AttachmentPlan>& attachments,
    absl::string_view own_agency_id);

// MOVED_ON notices for `earlier` moves: to each of their destination
// recipients not in `new_recipients` and not us, grouped by kind, with
// keys valid at `now` (an agency revoked since is left out, with a log
// line). `bundle` is the new move's complete bundle.
absl::StatusOr<std::vector<PlannedView>> PlanMovedOnViews(
    const handover::v1::CaseBundle& bundle,
    const std::vector<MoveRecord>& earlier,
    const std::vector<std::string>& new_recipients,
    const directory::DirectoryView& directory, absl::string_view own_agency_id,
    absl::Time now);

}  // namespace handover::node::api

#endif  // HANDOVER_NODE_API_MOVE_PLAN_H_

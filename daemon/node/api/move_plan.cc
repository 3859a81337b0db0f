#include "node/api/move_plan.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "bundle/bundle_validate.h"
#include "casefile/payload_format.h"
#include "common/status_macros.h"
#include "policy/agency_kind_name.h"
#include "policy/cut_view.h"
#include "spdlog/spdlog.h"

namespace handover::node::api {
namespace {

using handover::v1::AgencyKind;
using handover::v1::CaseBundle;

absl::StatusOr<std::string> Serialize(const CaseBundle& bundle) {
  std::string bytes;
  if (!bundle.SerializeToString(&bytes)) {
    return absl::InternalError("could not serialise a view");
  }
  if (bytes.size() > casefile::kMaxBundleBytes) {
    return absl::ResourceExhaustedError(
        absl::StrCat("a view is ", bytes.size(), " bytes; the limit is ",
                     casefile::kMaxBundleBytes));
  }
  return bytes;
}

// The planned view for `kind`, appended in first-seen order.
PlannedView* ViewFor(AgencyKind kind, std::vector<PlannedView>* views) {
  for (PlannedView& v : *views) {
    if (v.kind == kind) return &v;
  }
  views->push_back({});
  views->back().kind = kind;
  return &views->back();
}

// What a MOVED_ON notice says: the child, and that they went elsewhere.
CaseBundle MovedOnBundle(const CaseBundle& bundle,
                         const std::string& earlier_area) {
  CaseBundle out;
  *out.mutable_metadata() = bundle.metadata();
  *out.mutable_identity() = bundle.identity();
  out.mutable_identity()->clear_photo_attachment();
  handover::v1::MoveNotice* move = out.mutable_move();
  *move = bundle.move();
  move->set_kind(handover::v1::MOVE_NOTICE_KIND_MOVED_ON);
  move->set_from_area(earlier_area);
  move->clear_placement_address();
  move->clear_placement_postcode();
  move->clear_priority_reasons();
  return out;
}

}  // namespace

absl::StatusOr<std::vector<PlannedView>> PlanDestinationViews(
    const CaseBundle& bundle, const move::MoveRecipients& recipients,
    const policy::ViewPolicy& policy,
    const std::vector<AttachmentPlan>& attachments,
    absl::string_view own_agency_id) {
  std::vector<PlannedView> views;
  for (const move::MoveRecipient& r : recipients.recipients) {
    if (r.agency_id == own_agency_id) continue;
    PlannedView* view = ViewFor(r.kind, &views);
    view->recipient_ids.push_back(r.agency_id);
    view->recipient_kinds.push_back(r.kind);
    view->keys.push_back(r.encryption_key);
  }
  if (views.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "every agency serving area ", recipients.area,
        " is this agency itself; there is nobody to send the move to"));
  }
  for (PlannedView& view : views) {
    ASSIGN_OR_RETURN(policy::View cut,
                     policy::CutView(bundle, view.kind, policy));
    view.kept_fields = cut.kept_fields;
    view.kept_attachments = cut.kept_attachments;
    const std::set<std::string> kept(cut.kept_attachments.begin(),
                                     cut.kept_attachments.end());
    for (const AttachmentPlan& a : attachments) {
      const bool keep = kept.contains(a.name);
      view.keeps.push_back(keep);
      if (keep) view.attachments.push_back(a);
    }
    ASSIGN_OR_RETURN(view.bundle_bytes, Serialize(cut.bundle));
  }
  return views;
}

absl::StatusOr<std::vector<PlannedView>> PlanMovedOnViews(
    const CaseBundle& bundle, const std::vector<MoveRecord>& earlier,
    const std::vector<std::string>& new_recipients,
    const directory::DirectoryView& directory, absl::string_view own_agency_id,
    absl::Time now) {
  std::set<std::string> told(new_recipients.begin(), new_recipients.end());
  told.insert(std::string(own_agency_id));
  std::vector<PlannedView> views;
  for (const MoveRecord& move : earlier) {
    // One notice per earlier move and kind: each names its own area.
    std::vector<PlannedView> for_move;
    for (const MoveView& sent : move.views) {
      for (size_t i = 0; i < sent.transfer.recipients.size(); ++i) {
        const std::string& agency = sent.transfer.recipients[i];
        if (told.contains(agency)) continue;
        absl::StatusOr<crypto::PublicIdentity> key =
            directory.EncryptionKeyAt(agency, now);
        if (!key.ok()) {
          spdlog::warn("move: not telling {} that the child moved on: {}",
                       agency, key.status().ToString());
          continue;
        }
        told.insert(agency);
        const AgencyKind kind = i < sent.recipient_kinds.size()
                                    ? sent.recipient_kinds[i]
                                    : sent.kind;
        PlannedView* view = ViewFor(kind, &for_move);
        view->recipient_ids.push_back(agency);
        view->recipient_kinds.push_back(kind);
        view->keys.push_back(*std::move(key));
      }
    }
    const CaseBundle notice = MovedOnBundle(bundle, move.to_area);
    RETURN_IF_ERROR(bundle::ValidateBundle(notice));
    ASSIGN_OR_RETURN(std::string bytes, Serialize(notice));
    for (PlannedView& view : for_move) {
      view.kept_fields = {"metadata", "identity", "move"};
      view.bundle_bytes = bytes;
      views.push_back(std::move(view));
    }
  }
  return views;
}

}  // namespace handover::node::api

// ViewPolicy: for every kind of agency, what it receives of a case bundle
// (kind_policy.h). Built in (default_policy.h) or read from a TOML file
// (policy_file.h); applied by CutView (cut_view.h).
//
// Every kind in PolicyAgencyKinds() has an entry, so no kind of agency is
// sent a view by accident or refused one by omission. Immutable once
// created; safe to share between threads.
#ifndef HANDOVER_POLICY_VIEW_POLICY_H_
#define HANDOVER_POLICY_VIEW_POLICY_H_

#include <map>
#include <utility>

#include "absl/status/statusor.h"
#include "handover/v1/directory.pb.h"
#include "policy/kind_policy.h"

namespace handover::policy {

class ViewPolicy {
 public:
  using KindMap = std::map<handover::v1::AgencyKind, KindPolicy>;

  // InvalidArgument, naming each kind, unless `kinds` holds exactly the
  // kinds of PolicyAgencyKinds() and each passes CheckComplete().
  static absl::StatusOr<ViewPolicy> Create(KindMap kinds);

  // What `kind` receives; nullptr for AGENCY_KIND_UNSPECIFIED or a value
  // this build does not know.
  const KindPolicy* ForKind(handover::v1::AgencyKind kind) const;

  bool operator==(const ViewPolicy& other) const = default;

 private:
  explicit ViewPolicy(KindMap kinds) : kinds_(std::move(kinds)) {}

  KindMap kinds_;
};

}  // namespace handover::policy

#endif  // HANDOVER_POLICY_VIEW_POLICY_H_

#include "policy/view_policy.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "policy/agency_kind_name.h"

namespace handover::policy {

absl::StatusOr<ViewPolicy> ViewPolicy::Create(KindMap kinds) {
  std::vector<std::string> problems;
  for (handover::v1::AgencyKind kind : PolicyAgencyKinds()) {
    auto it = kinds.find(kind);
    if (it == kinds.end()) {
      problems.push_back(absl::StrCat(AgencyKindName(kind), ": not covered"));
    } else if (absl::Status s = it->second.CheckComplete(); !s.ok()) {
      problems.push_back(absl::StrCat(AgencyKindName(kind), ": ", s.message()));
    }
  }
  for (const auto& [kind, unused] : kinds) {
    if (AgencyKindName(kind).empty()) {
      problems.push_back(absl::StrCat("agency kind ", static_cast<int>(kind),
                                      " cannot have a view policy"));
    }
  }
  if (!problems.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("view policy: ", absl::StrJoin(problems, "; ")));
  }
  return ViewPolicy(std::move(kinds));
}

const KindPolicy* ViewPolicy::ForKind(handover::v1::AgencyKind kind) const {
  auto it = kinds_.find(kind);
  return it == kinds_.end() ? nullptr : &it->second;
}

}  // namespace handover::policy

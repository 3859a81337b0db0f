#include "move/move_recipients.h"

#include <algorithm>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "bundle/bundle_validate.h"
#include "common/status_macros.h"
#include "policy/agency_kind_name.h"

namespace handover::move {
namespace {

namespace v1 = handover::v1;

// The kinds every destination area must have, and why each is told.
struct AreaNeed {
  v1::AgencyKind kind;
  RecipientReason reason;
};
constexpr AreaNeed kAreaNeeds[] = {
    {v1::AGENCY_KIND_LOCAL_AUTHORITY_CHILDRENS_SERVICES,
     RecipientReason::kHostChildrensServices},
    {v1::AGENCY_KIND_HEALTH_TEAM, RecipientReason::kHealth},
    {v1::AGENCY_KIND_POLICE_FORCE, RecipientReason::kPolice},
};

// Keyed by agency id, so each agency is collected once and in id order.
using Collected = std::map<std::string, MoveRecipient, std::less<>>;

void AddReason(const v1::Agency& agency, RecipientReason reason,
               Collected& out) {
  MoveRecipient& recipient = out[agency.id()];
  recipient.agency_id = agency.id();
  recipient.kind = agency.kind();
  if (std::find(recipient.reasons.begin(), recipient.reasons.end(), reason) ==
      recipient.reasons.end()) {
    recipient.reasons.push_back(reason);
  }
}

absl::Status AddAreaAgencies(const directory::DirectoryView& directory,
                             absl::string_view area, Collected& out) {
  if (directory.AgenciesServing(area, v1::AGENCY_KIND_UNSPECIFIED).empty()) {
    return absl::NotFoundError(
        absl::StrCat("no agency in the directory serves area ", area,
                     " (directory version ", directory.version(), ")"));
  }
  std::vector<absl::string_view> missing;
  for (const AreaNeed& need : kAreaNeeds) {
    const auto agencies = directory.AgenciesServing(area, need.kind);
    if (agencies.empty()) missing.push_back(policy::AgencyKindName(need.kind));
    for (const v1::Agency* agency : agencies) {
      AddReason(*agency, need.reason, out);
    }
  }
  if (!missing.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "area ", area, " cannot receive a move: no active agency of kind ",
        absl::StrJoin(missing, ", "), " serves it in directory version ",
        directory.version()));
  }
  return absl::OkStatus();
}

absl::Status AddAlwaysCopy(const directory::DirectoryView& directory,
                           const std::vector<std::string>& always_copy,
                           Collected& out) {
  for (const std::string& id : always_copy) {
    // An unknown id is this node's configuration disagreeing with the
    // directory, not a bad request: FailedPrecondition, not NotFound.
    auto agency = directory.FindAgency(id);
    if (!agency.ok()) {
      return absl::FailedPreconditionError(
          absl::StrCat("always-copy agency \"", id,
                       "\" is not in directory version ", directory.version()));
    }
    if ((*agency)->status() != v1::AGENCY_STATUS_ACTIVE) {
      return absl::FailedPreconditionError(absl::StrCat(
          "always-copy agency \"", id, "\" is revoked in directory version ",
          directory.version()));
    }
    AddReason(**agency, RecipientReason::kAlwaysCopy, out);
  }
  return absl::OkStatus();
}

std::string ReasonList(const std::vector<RecipientReason>& reasons) {
  return absl::StrJoin(reasons, ", ", [](std::string* out, RecipientReason r) {
    absl::StrAppend(out, RecipientReasonName(r));
  });
}

absl::Status AttachKeys(const directory::DirectoryView& directory,
                        absl::Time at, std::vector<MoveRecipient>& recipients) {
  for (MoveRecipient& recipient : recipients) {
    auto key = directory.EncryptionKeyAt(recipient.agency_id, at);
    if (!key.ok()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "cannot seal a move to its ", ReasonList(recipient.reasons),
          " recipient: ", key.status().message()));
    }
    recipient.encryption_key = *std::move(key);
  }
  return absl::OkStatus();
}

// Groups by first reason; std::map already put each group in id order.
std::vector<MoveRecipient> InStableOrder(Collected collected) {
  std::vector<MoveRecipient> out;
  out.reserve(collected.size());
  for (auto& [id, recipient] : collected) {
    std::sort(recipient.reasons.begin(), recipient.reasons.end());
    out.push_back(std::move(recipient));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const MoveRecipient& a, const MoveRecipient& b) {
                     return a.reasons.front() < b.reasons.front();
                   });
  return out;
}

}  // namespace

absl::string_view RecipientReasonName(RecipientReason reason) {
  switch (reason) {
    case RecipientReason::kHostChildrensServices:
      return "host_childrens_services";
    case RecipientReason::kHealth:
      return "health";
    case RecipientReason::kPolice:
      return "police";
    case RecipientReason::kAlwaysCopy:
      return "always_copy";
  }
  return "";
}

absl::StatusOr<MoveRecipients> ResolveMoveRecipients(
    const directory::DirectoryView& directory,
    absl::string_view destination_area,
    const std::vector<std::string>& always_copy, absl::Time at) {
  if (!bundle::IsValidGssCode(destination_area)) {
    return absl::InvalidArgumentError(
        "destination area is not an ONS GSS code (one upper-case letter and 8 "
        "digits, e.g. E08000025)");
  }
  Collected collected;
  RETURN_IF_ERROR(AddAreaAgencies(directory, destination_area, collected));
  RETURN_IF_ERROR(AddAlwaysCopy(directory, always_copy, collected));
  MoveRecipients result;
  result.area = std::string(destination_area);
  result.directory_version = directory.version();
  result.recipients = InStableOrder(std::move(collected));
  RETURN_IF_ERROR(AttachKeys(directory, at, result.recipients));
  return result;
}

}  // namespace handover::move

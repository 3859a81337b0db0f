#include "node/api/child_key.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "crypto/sha256.h"

namespace handover::node::api {
namespace {

// Length-prefixed, so no two different inputs frame to the same bytes.
void Append(std::string* out, absl::string_view field) {
  absl::StrAppend(out, field.size(), ":", field, ";");
}

}  // namespace

absl::StatusOr<std::string> ChildKey(const handover::v1::Identity& identity) {
  std::string framed = "handover/v1/child-key;";
  if (!identity.nhs_number().empty()) {
    Append(&framed, "nhs");
    Append(&framed, identity.nhs_number());
    return crypto::Sha256(framed);
  }
  if (!identity.local_case_ids().empty()) {
    std::vector<std::string> ids;
    for (const handover::v1::LocalCaseId& id : identity.local_case_ids()) {
      std::string one;
      Append(&one, id.system());
      Append(&one, id.id());
      ids.push_back(std::move(one));
    }
    std::sort(ids.begin(), ids.end());
    Append(&framed, "local");
    for (const std::string& id : ids) absl::StrAppend(&framed, id);
    return crypto::Sha256(framed);
  }
  if (!identity.family_name().empty() && !identity.date_of_birth().empty()) {
    Append(&framed, "names");
    Append(&framed, absl::AsciiStrToLower(identity.given_names()));
    Append(&framed, absl::AsciiStrToLower(identity.family_name()));
    Append(&framed, identity.date_of_birth());
    return crypto::Sha256(framed);
  }
  return absl::InvalidArgumentError(
      "bundle.identity needs an nhs_number, a local_case_id or names and a "
      "date_of_birth, so later moves of the child can follow this one");
}

}  // namespace handover::node::api

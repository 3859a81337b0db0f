#include "policy/kind_policy.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "config/quoted.h"
#include "handover/v1/bundle.pb.h"

namespace handover::policy {
namespace {

using handover::config::Quoted;

// The label rule of docs/BUNDLE.md, which ValidateBundle applies to bundles.
bool IsLabel(absl::string_view s) {
  return !s.empty() && s.size() <= 32 &&
         std::all_of(s.begin(), s.end(), [](char c) {
           return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-';
         });
}

}  // namespace

absl::Status KindPolicy::AddField(absl::string_view text) {
  ASSIGN_OR_RETURN(const FieldSelector selector, ParseFieldSelector(text));
  for (const FieldSelector& listed : fields_) {
    if (listed == selector) {
      return absl::InvalidArgumentError("listed twice");
    }
    if (listed.Covers(selector) || selector.Covers(listed)) {
      return absl::InvalidArgumentError(
          absl::StrCat("overlaps ", Quoted(listed.Path()),
                       ", listed already; a section is named either whole or "
                       "field by field"));
    }
  }
  fields_.insert(std::upper_bound(fields_.begin(), fields_.end(), selector),
                 selector);
  return absl::OkStatus();
}

absl::Status KindPolicy::AddAttachmentLabel(absl::string_view label) {
  if (label != kEveryAttachment && !IsLabel(label)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "not an attachment label (1 to 32 lower-case letters, digits or "
        "hyphens, such as ",
        Quoted(kPhotoLabel), "), nor ", Quoted(kEveryAttachment),
        " for every attachment"));
  }
  std::string owned(label);
  if (labels_.count(owned) > 0) {
    return absl::InvalidArgumentError("listed twice");
  }
  if (!labels_.empty() &&
      (label == kEveryAttachment || *labels_.begin() == kEveryAttachment)) {
    return absl::InvalidArgumentError(
        absl::StrCat(Quoted(kEveryAttachment),
                     " means every attachment, so it must be listed alone"));
  }
  labels_.insert(std::move(owned));
  return absl::OkStatus();
}

absl::Status KindPolicy::CheckComplete() const {
  const bool has_identity =
      std::any_of(fields_.begin(), fields_.end(), [](const FieldSelector& f) {
        return f.field == nullptr &&
               f.section->number() ==
                   handover::v1::CaseBundle::kIdentityFieldNumber;
      });
  if (has_identity) return absl::OkStatus();
  return absl::InvalidArgumentError(
      "must include \"identity\": every agency needs to know which child the "
      "record is about");
}

bool KindPolicy::KeepsAttachment(absl::string_view label, bool is_photo) const {
  if (labels_.count(std::string(kEveryAttachment)) > 0) return true;
  const auto listed = [&](absl::string_view l) {
    return labels_.count(std::string(l)) > 0;
  };
  return listed(label) || (is_photo && listed(kPhotoLabel));
}

}  // namespace handover::policy

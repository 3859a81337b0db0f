// KindPolicy: what one kind of agency receives in its view of a case
// bundle, as field selectors (field_selector.h) and attachment labels.
//
// Attachments: an attachment goes if its label is listed (labels are the
// tokens of docs/BUNDLE.md, such as "photo" or "care-plan"), or if the list
// is just "*", which sends every attachment. The child's photo, the
// attachment that identity.photo_attachment names, counts as labelled
// "photo" whatever label the case system gave it, so listing "photo" always
// sends it.
//
// Built by adding one selector or label at a time: each Add checks its
// argument against those already added, so a reader can report each
// mistake at its own line. A value type; not thread-safe while being built,
// safe to share once built.
#ifndef HANDOVER_POLICY_KIND_POLICY_H_
#define HANDOVER_POLICY_KIND_POLICY_H_

#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "policy/field_selector.h"

namespace handover::policy {

inline constexpr absl::string_view kEveryAttachment = "*";
inline constexpr absl::string_view kPhotoLabel = "photo";

class KindPolicy {
 public:
  KindPolicy() = default;

  // InvalidArgument if `selector` does not parse, is listed already, or
  // overlaps one listed already ("risk" and "risk.self_harm"). Messages do
  // not repeat `selector`, so a caller can prefix it.
  absl::Status AddField(absl::string_view selector);
  // InvalidArgument if `label` is neither a label (1 to 32 lower-case
  // letters, digits or hyphens) nor "*", is listed already, or "*" is
  // combined with other labels.
  absl::Status AddAttachmentLabel(absl::string_view label);
  // OK if the policy keeps the whole identity section: a view must say
  // which child it is about, and a receiving node rejects a bundle whose
  // identity has no name.
  absl::Status CheckComplete() const;

  // In schema order, whatever order they were added in.
  const std::vector<FieldSelector>& fields() const { return fields_; }
  // A set, so that a file of many labels is still read in good time.
  const std::set<std::string>& attachment_labels() const { return labels_; }

  // Whether an attachment with `label` goes; `is_photo` when
  // identity.photo_attachment names it.
  bool KeepsAttachment(absl::string_view label, bool is_photo) const;

  bool operator==(const KindPolicy& other) const = default;

 private:
  std::vector<FieldSelector> fields_;
  std::set<std::string> labels_;
};

}  // namespace handover::policy

#endif  // HANDOVER_POLICY_KIND_POLICY_H_

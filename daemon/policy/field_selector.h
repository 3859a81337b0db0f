// A field selector names a part of a case bundle that a view keeps: a whole
// section ("risk") or one field inside a section ("risk.self_harm"). Names
// are the snake_case field names of handover.v1.CaseBundle in
// proto/handover/v1/bundle.proto, as docs/BUNDLE.md lists them, and are
// checked against the compiled descriptor.
//
// Grammar: selector = section [ "." field ]. A field may be named only
// inside a section that is a single message (not a list such as
// "contacts"). "metadata" cannot be named, because it is always sent, and
// neither can "attachments", which are chosen by label (kind_policy.h).
//
// Plain value; the descriptors it points to live for the whole program.
#ifndef HANDOVER_POLICY_FIELD_SELECTOR_H_
#define HANDOVER_POLICY_FIELD_SELECTOR_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"

namespace handover::policy {

struct FieldSelector {
  // A field of CaseBundle.
  const google::protobuf::FieldDescriptor* section = nullptr;
  // A field of section's message, or nullptr for the whole section.
  const google::protobuf::FieldDescriptor* field = nullptr;

  // "risk" or "risk.self_harm".
  std::string Path() const;
  // True if this selector keeps everything `other` keeps.
  bool Covers(const FieldSelector& other) const;
  // Schema order: by section number, a whole section before its fields.
  bool operator<(const FieldSelector& other) const;
  bool operator==(const FieldSelector& other) const = default;
};

// Parses and checks `text`. InvalidArgument saying what is wrong, naming
// the unknown field and listing the names that would be valid there; the
// message does not repeat `text` itself, so a caller can prefix it.
absl::StatusOr<FieldSelector> ParseFieldSelector(absl::string_view text);

}  // namespace handover::policy

#endif  // HANDOVER_POLICY_FIELD_SELECTOR_H_

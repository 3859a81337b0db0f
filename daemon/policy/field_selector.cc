#include "policy/field_selector.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/status_macros.h"
#include "config/quoted.h"
#include "handover/v1/bundle.pb.h"

namespace handover::policy {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using handover::config::Quoted;

// Top-level fields that a policy cannot name, and why.
absl::string_view Unselectable(const FieldDescriptor* section) {
  if (section->number() == handover::v1::CaseBundle::kMetadataFieldNumber) {
    return "metadata is always sent, so it is not listed";
  }
  if (section->number() == handover::v1::CaseBundle::kAttachmentsFieldNumber) {
    return "attachments are chosen by attachment_labels, not by fields";
  }
  return "";
}

// The names a selector may use in `message`, for "did you mean" lists.
std::string ValidNames(const Descriptor* message, bool top_level) {
  std::vector<std::string> names;
  for (int i = 0; i < message->field_count(); ++i) {
    const FieldDescriptor* f = message->field(i);
    if (top_level && !Unselectable(f).empty()) continue;
    names.push_back(f->name());
  }
  return absl::StrJoin(names, ", ");
}

absl::StatusOr<const FieldDescriptor*> FindSection(absl::string_view name) {
  const Descriptor* bundle = handover::v1::CaseBundle::descriptor();
  const FieldDescriptor* section = bundle->FindFieldByName(std::string(name));
  if (section == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("the bundle has no section ", Quoted(name),
                     "; the sections are ", ValidNames(bundle, true)));
  }
  if (absl::string_view why = Unselectable(section); !why.empty()) {
    return absl::InvalidArgumentError(why);
  }
  return section;
}

absl::StatusOr<const FieldDescriptor*> FindField(const FieldDescriptor* section,
                                                 absl::string_view name) {
  if (section->is_repeated()) {
    return absl::InvalidArgumentError(absl::StrCat(
        section->name(), " is a list, so it can only be named whole (write ",
        Quoted(section->name()), ")"));
  }
  if (section->type() != FieldDescriptor::TYPE_MESSAGE) {
    return absl::InvalidArgumentError(
        absl::StrCat(section->name(), " has no fields inside it"));
  }
  const Descriptor* message = section->message_type();
  const FieldDescriptor* field = message->FindFieldByName(std::string(name));
  if (field == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(section->name(), " has no field ", Quoted(name),
                     "; its fields are ", ValidNames(message, false)));
  }
  return field;
}

}  // namespace

std::string FieldSelector::Path() const {
  if (field == nullptr) return section->name();
  return absl::StrCat(section->name(), ".", field->name());
}

bool FieldSelector::Covers(const FieldSelector& other) const {
  return section == other.section && (field == nullptr || field == other.field);
}

bool FieldSelector::operator<(const FieldSelector& other) const {
  if (section->number() != other.section->number()) {
    return section->number() < other.section->number();
  }
  const int mine = field == nullptr ? 0 : field->number();
  const int theirs = other.field == nullptr ? 0 : other.field->number();
  return mine < theirs;
}

absl::StatusOr<FieldSelector> ParseFieldSelector(absl::string_view text) {
  if (text.empty()) return absl::InvalidArgumentError("an empty name");
  std::vector<absl::string_view> parts = absl::StrSplit(text, '.');
  if (parts.size() > 2) {
    return absl::InvalidArgumentError(
        "more than one '.'; name a section or one field inside it");
  }
  for (absl::string_view part : parts) {
    if (part.empty()) {
      return absl::InvalidArgumentError("an empty name before or after '.'");
    }
  }
  FieldSelector selector;
  ASSIGN_OR_RETURN(selector.section, FindSection(parts[0]));
  if (parts.size() == 2) {
    ASSIGN_OR_RETURN(selector.field, FindField(selector.section, parts[1]));
  }
  return selector;
}

}  // namespace handover::policy

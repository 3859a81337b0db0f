#include "policy/cut_view.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "bundle/bundle_validate.h"
#include "common/status_macros.h"
#include "policy/agency_kind_name.h"

namespace handover::policy {
namespace {

namespace v1 = handover::v1;
using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

bool IsSet(const Message& message, const FieldDescriptor* field) {
  const Reflection* r = message.GetReflection();
  return field->is_repeated() ? r->FieldSize(message, field) > 0
                              : r->HasField(message, field);
}

bool HasAnyField(const Message& message) {
  std::vector<const FieldDescriptor*> set;
  message.GetReflection()->ListFields(message, &set);
  return !set.empty();
}

// Clears every field of `message` that `keep` does not list.
void KeepOnly(Message* message,
              const std::vector<const FieldDescriptor*>& keep) {
  const Descriptor* d = message->GetDescriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (std::find(keep.begin(), keep.end(), f) == keep.end()) {
      message->GetReflection()->ClearField(message, f);
    }
  }
}

// Cuts one section of `view` (a copy of the bundle) down to what `policy`
// names, recording the selectors that kept something.
void CutSection(const KindPolicy& policy, const FieldDescriptor* section,
                v1::CaseBundle* view, std::vector<std::string>* kept) {
  const Reflection* r = view->GetReflection();
  bool whole = false;
  std::vector<const FieldDescriptor*> fields;
  for (const FieldSelector& s : policy.fields()) {
    if (s.section != section) continue;
    if (s.field == nullptr) {
      whole = true;
    } else {
      fields.push_back(s.field);
    }
  }
  if (whole) {
    if (IsSet(*view, section)) kept->push_back(section->name());
    return;
  }
  if (fields.empty() || !IsSet(*view, section)) {
    r->ClearField(view, section);
    return;
  }
  Message* part = r->MutableMessage(view, section);
  KeepOnly(part, fields);
  for (const FieldDescriptor* f : fields) {  // already in schema order
    if (IsSet(*part, f)) {
      kept->push_back(absl::StrCat(section->name(), ".", f->name()));
    }
  }
  // Nothing named was there: send no empty section either.
  if (!HasAnyField(*part)) r->ClearField(view, section);
}

void CutAttachments(const KindPolicy& policy, const v1::CaseBundle& bundle,
                    View* view) {
  const std::string& photo = bundle.identity().photo_attachment();
  view->bundle.clear_attachments();
  bool photo_kept = false;
  for (const v1::Attachment& a : bundle.attachments()) {
    const bool is_photo = !photo.empty() && a.name() == photo;
    if (!policy.KeepsAttachment(a.label(), is_photo)) continue;
    *view->bundle.add_attachments() = a;
    view->kept_attachments.push_back(a.name());
    photo_kept = photo_kept || is_photo;
  }
  if (!photo_kept && view->bundle.has_identity()) {
    view->bundle.mutable_identity()->clear_photo_attachment();
  }
}

// Sections every view carries whole, whatever the policy names: the
// receiver needs the metadata to process the bundle, and the move notice
// to act on the move it announces.
bool AlwaysSent(const FieldDescriptor* section) {
  return section->number() == v1::CaseBundle::kMetadataFieldNumber ||
         section->number() == v1::CaseBundle::kMoveFieldNumber;
}

// The enum name, or the number for a value this build does not know.
std::string KindForMessage(v1::AgencyKind kind) {
  const std::string& name = v1::AgencyKind_Name(kind);
  return name.empty() ? absl::StrCat(static_cast<int>(kind)) : name;
}

}  // namespace

absl::StatusOr<View> CutView(const v1::CaseBundle& bundle, v1::AgencyKind kind,
                             const ViewPolicy& policy) {
  const KindPolicy* kind_policy = policy.ForKind(kind);
  if (kind_policy == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("no view policy for agency kind ", KindForMessage(kind)));
  }
  if (absl::Status s = handover::bundle::ValidateBundle(bundle); !s.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the bundle is not valid: ", s.message()));
  }
  View view;
  view.kind = kind;
  view.bundle = bundle;
  const Descriptor* d = v1::CaseBundle::descriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* section = d->field(i);
    if (AlwaysSent(section)) {
      if (IsSet(view.bundle, section)) {
        view.kept_fields.push_back(section->name());
      }
    } else if (section->number() != v1::CaseBundle::kAttachmentsFieldNumber) {
      CutSection(*kind_policy, section, &view.bundle, &view.kept_fields);
    }
  }
  CutAttachments(*kind_policy, bundle, &view);
  view.bundle.DiscardUnknownFields();
  if (absl::Status s = handover::bundle::ValidateBundle(view.bundle); !s.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("the view policy for ", AgencyKindName(kind),
                     " cuts a view that is not a valid bundle: ", s.message()));
  }
  return view;
}

}  // namespace handover::policy

#include "policy/policy_test_util.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "bundle/bundle_json.h"
#include "common/status_macros.h"

namespace handover::testing {
namespace {

namespace v1 = handover::v1;
using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

bool IsHandoverType(const Descriptor* d) {
  return absl::StartsWith(d->full_name(), "handover.v1.");
}

// Calls `visit` on `message` and on every message inside it.
template <typename Fn>
void ForEachMessage(const Message& message, const Fn& visit) {
  visit(message);
  const Reflection* r = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(message, &fields);
  for (const FieldDescriptor* f : fields) {
    if (f->type() != FieldDescriptor::TYPE_MESSAGE) continue;
    if (f->is_repeated()) {
      for (int i = 0; i < r->FieldSize(message, f); ++i) {
        ForEachMessage(r->GetRepeatedMessage(message, f, i), visit);
      }
    } else {
      ForEachMessage(r->GetMessage(message, f), visit);
    }
  }
}

// Adds every field of `d` and of the handover.v1 types below it.
void AddFieldsBelow(const Descriptor* d, std::set<std::string>* out) {
  if (!IsHandoverType(d)) return;
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (!out->insert(absl::StrCat(d->name(), ".", f->name())).second) continue;
    if (f->type() == FieldDescriptor::TYPE_MESSAGE) {
      AddFieldsBelow(f->message_type(), out);
    }
  }
}

void AddFieldBelow(const FieldDescriptor* f, std::set<std::string>* out) {
  out->insert(absl::StrCat(f->containing_type()->name(), ".", f->name()));
  if (f->type() == FieldDescriptor::TYPE_MESSAGE) {
    AddFieldsBelow(f->message_type(), out);
  }
}

}  // namespace

absl::StatusOr<v1::CaseBundle> FullBundle() {
  ASSIGN_OR_RETURN(v1::CaseBundle b,
                   bundle::ReadBundleJsonFile(
                       HANDOVER_SOURCE_DIR "/docs/examples/child-bundle.json"));
  b.mutable_identity()->set_gender_description("Sample detail");
  b.mutable_legal_status()->set_description("Sample legal status detail");
  v1::Attachment* grab_pack = b.add_attachments();
  grab_pack->set_name("grab-pack.pdf");
  grab_pack->set_label("grab-pack");
  grab_pack->set_media_type("application/pdf");
  v1::Attachment* letter = b.add_attachments();
  letter->set_name("clinic-letter.pdf");
  letter->set_label("medical");
  letter->set_media_type("application/pdf");
  // The node sets a move notice on Node.SubmitMove; the fixture carries
  // one so that every view can be seen to keep it.
  v1::MoveNotice* move = b.mutable_move();
  move->set_kind(v1::MOVE_NOTICE_KIND_MOVE);
  move->set_from_area("E08000007");
  move->set_to_area("E08000025");
  move->set_placement_address("10 Sample Road, Birmingham");
  move->set_placement_postcode("B15 2TT");
  move->mutable_effective_time()->set_seconds(1710840600);
  move->set_urgency(v1::MOVE_URGENCY_URGENT);
  move->set_move_id("0123456789abcdef0123456789abcdef");
  move->add_priority_reasons("deprivation_of_liberty");
  return b;
}

std::set<std::string> NeverSetFields(const Message& message) {
  std::set<std::string> unset;
  AddFieldsBelow(message.GetDescriptor(), &unset);
  ForEachMessage(message, [&](const Message& m) {
    std::vector<const FieldDescriptor*> fields;
    m.GetReflection()->ListFields(m, &fields);
    for (const FieldDescriptor* f : fields) {
      unset.erase(absl::StrCat(m.GetDescriptor()->name(), ".", f->name()));
    }
  });
  return unset;
}

std::vector<std::string> SetFieldPaths(const v1::CaseBundle& bundle) {
  std::vector<std::string> paths;
  const Reflection* r = bundle.GetReflection();
  std::vector<const FieldDescriptor*> sections;
  r->ListFields(bundle, &sections);
  for (const FieldDescriptor* section : sections) {
    if (section->is_repeated() ||
        section->type() != FieldDescriptor::TYPE_MESSAGE) {
      paths.push_back(section->name());
      continue;
    }
    const Message& part = r->GetMessage(bundle, section);
    std::vector<const FieldDescriptor*> fields;
    part.GetReflection()->ListFields(part, &fields);
    // A section present but empty still shows up, as its own name.
    if (fields.empty()) paths.push_back(section->name());
    for (const FieldDescriptor* f : fields) {
      paths.push_back(absl::StrCat(section->name(), ".", f->name()));
    }
  }
  return paths;
}

bool HasUnknownFields(const Message& message) {
  bool found = false;
  ForEachMessage(message, [&](const Message& m) {
    found = found || !m.GetReflection()->GetUnknownFields(m).empty();
  });
  return found;
}

bool PolicyAllowsPath(const policy::KindPolicy& policy,
                      const std::string& path) {
  for (const char* always : {"metadata", "move"}) {
    if (path == always || absl::StartsWith(path, absl::StrCat(always, "."))) {
      return true;
    }
  }
  for (const policy::FieldSelector& s : policy.fields()) {
    if (s.field == nullptr &&
        (path == s.section->name() ||
         absl::StartsWith(path, s.section->name() + "."))) {
      return true;
    }
    if (s.field != nullptr && path == s.Path()) return true;
  }
  return false;
}

std::set<std::string> ReachableFields(const policy::KindPolicy& policy) {
  std::set<std::string> out;
  for (const char* always : {"metadata", "move"}) {
    AddFieldBelow(v1::CaseBundle::descriptor()->FindFieldByName(always), &out);
  }
  for (const policy::FieldSelector& s : policy.fields()) {
    AddFieldBelow(s.field != nullptr ? s.field : s.section, &out);
    out.insert(absl::StrCat("CaseBundle.", s.section->name()));
  }
  return out;
}

}  // namespace handover::testing

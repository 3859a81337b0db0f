#include "bundle/bundle_validate.h"

#include <google/protobuf/descriptor.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "bundle/attachment_name.h"
#include "bundle/bundle_json.h"
#include "bundle/postcode.h"

namespace handover::bundle {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
using google::protobuf::Timestamp;
namespace v1 = handover::v1;

// Collects problems so that one pass reports several at once.
class Problems {
 public:
  void Add(absl::string_view path, absl::string_view what) {
    if (list_.size() < kMaxReportedProblems) {
      list_.push_back(absl::StrCat(path, ": ", what));
    }
    ++count_;
  }
  void Missing(absl::string_view path, absl::string_view what) {
    Add(path, absl::StrCat(what, " is missing"));
  }
  absl::Status ToStatus() const {
    if (count_ == 0) return absl::OkStatus();
    std::string message =
        absl::StrCat("bundle is invalid: ", absl::StrJoin(list_, "; "));
    if (count_ > list_.size()) {
      absl::StrAppend(&message, "; and ", count_ - list_.size(), " more");
    }
    return absl::InvalidArgumentError(message);
  }

 private:
  std::vector<std::string> list_;
  size_t count_ = 0;
};

std::string At(absl::string_view field, int index) {
  return absl::StrCat(field, "[", index, "]");
}

std::string Dot(absl::string_view path, absl::string_view field) {
  return absl::StrCat(path, ".", field);
}

bool IsBlank(absl::string_view s) {
  return absl::StripAsciiWhitespace(s).empty();
}

bool AllDigits(absl::string_view s) {
  return std::all_of(s.begin(), s.end(), absl::ascii_isdigit);
}

void RequireText(Problems& p, absl::string_view path, absl::string_view value,
                 absl::string_view what) {
  if (IsBlank(value)) p.Missing(path, what);
}

// Checks `parent`.`field`; a missing date is a problem only if `required`.
void CheckDate(Problems& p, absl::string_view parent, absl::string_view field,
               absl::string_view value, absl::string_view required_what = {}) {
  if (value.empty()) {
    if (!required_what.empty()) p.Missing(parent, required_what);
  } else if (!IsValidDate(value)) {
    p.Add(Dot(parent, field), "not a real date written YYYY-MM-DD");
  }
}

// Dates written YYYY-MM-DD compare correctly as strings.
void CheckOrder(Problems& p, absl::string_view path, absl::string_view start,
                absl::string_view end, absl::string_view start_field,
                absl::string_view end_field) {
  if (IsValidDate(start) && IsValidDate(end) && end < start) {
    p.Add(path, absl::StrCat(end_field, " is before ", start_field));
  }
}

// Empty if `nhs` is acceptable; otherwise why not.
absl::string_view NhsNumberProblem(absl::string_view nhs) {
  if (nhs.size() != 10 || !AllDigits(nhs)) {
    return "must be exactly 10 digits, with no spaces";
  }
  if (std::all_of(nhs.begin(), nhs.end(),
                  [&](char c) { return c == nhs[0]; })) {
    return "is a placeholder (all digits the same)";
  }
  int sum = 0;
  for (int i = 0; i < 9; ++i) sum += (nhs[i] - '0') * (10 - i);
  int check = 11 - sum % 11;
  if (check == 11) check = 0;
  if (check == 10 || check != nhs[9] - '0') return "check digit is wrong";
  return {};
}

// --- Rules that apply to every field, found by reflection. ---

bool HasControlCharacter(absl::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const auto b = static_cast<unsigned char>(c);
    return (b < 0x20 && b != '\t' && b != '\n' && b != '\r') || b == 0x7f;
  });
}

void CheckString(Problems& p, const std::string& path, const std::string& s) {
  if (s.size() > kMaxTextBytes) {
    p.Add(path, absl::StrCat("is ", s.size(), " bytes; the limit is ",
                             kMaxTextBytes));
  } else if (HasControlCharacter(s)) {
    p.Add(path, "contains a control character");
  }
}

void CheckEnum(Problems& p, const std::string& path,
               const FieldDescriptor* field, int number) {
  if (field->enum_type()->FindValueByNumber(number) == nullptr) {
    p.Add(path,
          absl::StrCat("not a known ", field->enum_type()->name(), " value"));
  }
}

void CheckAllFields(Problems& p, const Message& message,
                    const std::string& path);

void CheckElement(Problems& p, const Message& m, const FieldDescriptor* f,
                  int i, const std::string& path) {
  const Reflection* r = m.GetReflection();
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      CheckString(p, path, r->GetRepeatedString(m, f, i));
      break;
    case FieldDescriptor::CPPTYPE_ENUM:
      CheckEnum(p, path, f, r->GetRepeatedEnumValue(m, f, i));
      break;
    case FieldDescriptor::CPPTYPE_MESSAGE:
      CheckAllFields(p, r->GetRepeatedMessage(m, f, i), path);
      break;
    default:
      break;
  }
}

void CheckField(Problems& p, const Message& m, const FieldDescriptor* f,
                const std::string& path) {
  const Reflection* r = m.GetReflection();
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      CheckString(p, path, r->GetString(m, f));
      break;
    case FieldDescriptor::CPPTYPE_ENUM:
      CheckEnum(p, path, f, r->GetEnumValue(m, f));
      break;
    case FieldDescriptor::CPPTYPE_MESSAGE:
      CheckAllFields(p, r->GetMessage(m, f), path);
      break;
    default:
      break;
  }
}

void CheckAllFields(Problems& p, const Message& message,
                    const std::string& path) {
  const Reflection* r = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(message, &fields);
  for (const FieldDescriptor* f : fields) {
    const std::string field_path =
        path.empty() ? f->name() : Dot(path, f->name());
    if (!f->is_repeated()) {
      CheckField(p, message, f, field_path);
      continue;
    }
    const int size = r->FieldSize(message, f);
    if (size > kMaxRepeatedCount) {
      p.Add(field_path, absl::StrCat("has ", size, " items; the limit is ",
                                     kMaxRepeatedCount));
      continue;
    }
    for (int i = 0; i < size; ++i) {
      CheckElement(p, message, f, i, At(field_path, i));
    }
  }
}

// --- Rules for particular parts of the bundle. ---

void CheckTimestamp(Problems& p, const std::string& path, const Timestamp& t) {
  // 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z, as RFC 3339 allows.
  constexpr int64_t kMinSeconds = -62135596800;
  constexpr int64_t kMaxSeconds = 253402300799;
  if (t.seconds() < kMinSeconds || t.seconds() > kMaxSeconds || t.nanos() < 0 ||
      t.nanos() > 999999999) {
    p.Add(path, "not a valid timestamp");
  }
}

void CheckMetadata(Problems& p, const v1::CaseBundle& b) {
  if (!b.has_metadata()) return p.Missing("bundle", "metadata");
  const v1::BundleMetadata& m = b.metadata();
  if (m.schema_version() != kBundleSchemaVersion) {
    p.Add("metadata.schema_version",
          absl::StrCat("is ", m.schema_version(), "; this reader supports ",
                       kBundleSchemaVersion));
  }
  if (!m.has_created_time()) {
    p.Missing("metadata", "created time");
  } else {
    CheckTimestamp(p, "metadata.created_time", m.created_time());
  }
}

void CheckIdentity(Problems& p, const v1::CaseBundle& b) {
  const v1::Identity& id = b.identity();
  if (IsBlank(id.given_names()) && IsBlank(id.family_name())) {
    p.Add("identity", "a given name or a family name is required");
  }
  CheckDate(p, "identity", "date_of_birth", id.date_of_birth());
  if (!id.nhs_number().empty()) {
    if (auto problem = NhsNumberProblem(id.nhs_number()); !problem.empty()) {
      p.Add("identity.nhs_number", problem);
    }
  }
  for (int i = 0; i < id.aliases_size(); ++i) {
    RequireText(p, At("identity.aliases", i), id.aliases(i).name(), "name");
  }
  for (int i = 0; i < id.local_case_ids_size(); ++i) {
    const std::string path = At("identity.local_case_ids", i);
    RequireText(p, path, id.local_case_ids(i).system(), "system");
    RequireText(p, path, id.local_case_ids(i).id(), "id");
  }
  if (!id.photo_attachment().empty() &&
      std::none_of(b.attachments().begin(), b.attachments().end(),
                   [&](const v1::Attachment& a) {
                     return a.name() == id.photo_attachment();
                   })) {
    p.Add("identity.photo_attachment", "names no attachment in this bundle");
  }
}

void CheckHealth(Problems& p, const v1::Health& h) {
  for (int i = 0; i < h.needs_size(); ++i) {
    const std::string path = At("health.needs", i);
    RequireText(p, path, h.needs(i).description(), "description");
    CheckDate(p, path, "date", h.needs(i).date());
  }
  for (int i = 0; i < h.diagnoses_size(); ++i) {
    const std::string path = At("health.diagnoses", i);
    RequireText(p, path, h.diagnoses(i).description(), "description");
    CheckDate(p, path, "date", h.diagnoses(i).date());
  }
  for (int i = 0; i < h.medications_size(); ++i) {
    RequireText(p, At("health.medications", i), h.medications(i).name(),
                "name");
  }
}

void CheckLegalStatus(Problems& p, const v1::LegalStatus& l) {
  if (l.kind() == v1::LEGAL_STATUS_KIND_OTHER) {
    RequireText(p, "legal_status", l.description(),
                "description (required when kind is OTHER)");
  }
  CheckDate(p, "legal_status", "start_date", l.start_date());
  if (!l.has_deprivation_of_liberty()) return;
  const v1::DeprivationOfLiberty& d = l.deprivation_of_liberty();
  constexpr absl::string_view kPath = "legal_status.deprivation_of_liberty";
  RequireText(p, kPath, d.authorised_by(), "authorising court");
  CheckDate(p, kPath, "start_date", d.start_date(), "start date");
  CheckDate(p, kPath, "end_date", d.end_date());
  CheckDate(p, kPath, "review_date", d.review_date());
  CheckOrder(p, kPath, d.start_date(), d.end_date(), "start_date", "end_date");
  if (d.restrictions_size() == 0) {
    p.Add(kPath, "at least one restriction is required");
  }
  for (int i = 0; i < d.restrictions_size(); ++i) {
    if (IsBlank(d.restrictions(i))) {
      p.Add(At(Dot(kPath, "restrictions"), i), "is empty");
    }
  }
}

void CheckMissingEpisode(Problems& p, const std::string& path,
                         const v1::MissingEpisode& e) {
  if (!e.has_start_time()) p.Missing(path, "start time");
  if (e.has_start_time())
    CheckTimestamp(p, Dot(path, "start_time"), e.start_time());
  if (e.has_end_time()) CheckTimestamp(p, Dot(path, "end_time"), e.end_time());
  if (e.has_start_time() && e.has_end_time() &&
      std::pair(e.end_time().seconds(), e.end_time().nanos()) <
          std::pair(e.start_time().seconds(), e.start_time().nanos())) {
    p.Add(path, "end_time is before start_time");
  }
  CheckDate(p, path, "return_interview_date", e.return_interview_date());
}

void CheckRisk(Problems& p, const v1::RiskProfile& r) {
  CheckDate(p, "risk.sexual_exploitation", "assessed_date",
            r.sexual_exploitation().assessed_date());
  CheckDate(p, "risk.criminal_exploitation", "assessed_date",
            r.criminal_exploitation().assessed_date());
  CheckDate(p, "risk.self_harm", "assessed_date",
            r.self_harm().assessed_date());
  for (int i = 0; i < r.other_risks_size(); ++i) {
    const std::string path = At("risk.other_risks", i);
    RequireText(p, path, r.other_risks(i).name(), "name");
    CheckDate(p, Dot(path, "assessment"), "assessed_date",
              r.other_risks(i).assessment().assessed_date());
  }
  for (int i = 0; i < r.known_risk_persons_size(); ++i) {
    const std::string path = At("risk.known_risk_persons", i);
    const v1::KnownRiskPerson& k = r.known_risk_persons(i);
    RequireText(p, path, k.description(), "description");
    if (!k.postcode_district().empty() &&
        !IsValidPostcodeDistrict(k.postcode_district())) {
      p.Add(Dot(path, "postcode_district"), "not a postcode district");
    }
  }
  for (int i = 0; i < r.missing_episodes_size(); ++i) {
    CheckMissingEpisode(p, At("risk.missing_episodes", i),
                        r.missing_episodes(i));
  }
}

void CheckGrabPack(Problems& p, const v1::MissingFromCareGrabPack& g) {
  for (int i = 0; i < g.places_may_go_size(); ++i) {
    const std::string path = At("grab_pack.places_may_go", i);
    RequireText(p, path, g.places_may_go(i).description(), "description");
    const std::string& district = g.places_may_go(i).postcode_district();
    if (!district.empty() && !IsValidPostcodeDistrict(district)) {
      p.Add(Dot(path, "postcode_district"), "not a postcode district");
    }
  }
  for (int i = 0; i < g.people_may_be_with_size(); ++i) {
    RequireText(p, At("grab_pack.people_may_be_with", i),
                g.people_may_be_with(i).description(), "description");
  }
  for (int i = 0; i < g.phone_numbers_size(); ++i) {
    if (IsBlank(g.phone_numbers(i))) {
      p.Add(At("grab_pack.phone_numbers", i), "is empty");
    }
  }
  for (int i = 0; i < g.social_media_size(); ++i) {
    RequireText(p, At("grab_pack.social_media", i), g.social_media(i).handle(),
                "handle");
  }
  CheckDate(p, "grab_pack", "last_reviewed_date", g.last_reviewed_date());
}

void CheckPlacements(Problems& p, const v1::CaseBundle& b) {
  for (int i = 0; i < b.placements_size(); ++i) {
    const std::string path = At("placements", i);
    const v1::Placement& pl = b.placements(i);
    if (pl.local_authority_area().empty()) {
      p.Missing(path, "local authority area");
    } else if (!IsValidGssCode(pl.local_authority_area())) {
      p.Add(Dot(path, "local_authority_area"),
            "not a GSS code (one letter and 8 digits, e.g. E08000025)");
    }
    CheckDate(p, path, "start_date", pl.start_date(), "start date");
    CheckDate(p, path, "end_date", pl.end_date());
    CheckOrder(p, path, pl.start_date(), pl.end_date(), "start_date",
               "end_date");
    if (!pl.end_date().empty()) {
      RequireText(p, path, pl.reason_for_move(), "reason for move");
    }
  }
}

void CheckActions(Problems& p, const v1::CaseBundle& b) {
  for (int i = 0; i < b.care_plan_actions_size(); ++i) {
    const std::string path = At("care_plan_actions", i);
    const v1::CarePlanAction& a = b.care_plan_actions(i);
    RequireText(p, path, a.description(), "description");
    RequireText(p, path, a.owning_agency_id(), "owning agency");
    RequireText(p, path, a.owner_role(), "owner role");
    CheckDate(p, path, "due_date", a.due_date(), "due date");
    CheckDate(p, path, "completed_date", a.completed_date());
  }
}

void CheckRegisters(Problems& p, const v1::CaseBundle& b) {
  CheckDate(p, "dynamic_support_register", "status_date",
            b.dynamic_support_register().status_date());
  CheckDate(p, "cetr", "last_review_date", b.cetr().last_review_date());
  CheckDate(p, "cetr", "next_review_date", b.cetr().next_review_date());
}

void CheckContacts(Problems& p, const v1::CaseBundle& b) {
  for (int i = 0; i < b.contacts_size(); ++i) {
    const std::string path = At("contacts", i);
    const v1::Contact& c = b.contacts(i);
    RequireText(p, path, c.role(), "role");
    if (IsBlank(c.phone()) && IsBlank(c.email())) {
      p.Missing(path, "a phone number or email address");
    }
  }
}

bool IsLabel(absl::string_view s) {
  return !s.empty() && s.size() <= 32 &&
         std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || absl::ascii_isdigit(c) || c == '-';
         });
}

// "type/subtype", optionally followed by ";" parameters, in printable ASCII.
bool IsMediaType(absl::string_view s) {
  const auto name_char = [](char c) {
    return absl::ascii_isalnum(c) ||
           absl::string_view("!#$&^_.+-").find(c) != absl::string_view::npos;
  };
  if (s.size() > 255 || !std::all_of(s.begin(), s.end(), [](char c) {
        return c >= 0x20 && c < 0x7f;
      })) {
    return false;
  }
  const absl::string_view type_subtype = s.substr(0, s.find(';'));
  const size_t slash = type_subtype.find('/');
  if (slash == absl::string_view::npos || slash == 0 ||
      slash + 1 == type_subtype.size()) {
    return false;
  }
  const absl::string_view type = type_subtype.substr(0, slash);
  const absl::string_view subtype = type_subtype.substr(slash + 1);
  return std::all_of(type.begin(), type.end(), name_char) &&
         std::all_of(subtype.begin(), subtype.end(), name_char);
}

void CheckAttachments(Problems& p, const v1::CaseBundle& b) {
  std::unordered_map<std::string_view, int> first_index;
  for (int i = 0; i < b.attachments_size(); ++i) {
    const std::string path = At("attachments", i);
    const v1::Attachment& a = b.attachments(i);
    if (absl::Status s = ValidateAttachmentName(a.name()); !s.ok()) {
      p.Add(Dot(path, "name"), s.message());
    }
    if (auto [it, added] = first_index.emplace(a.name(), i); !added) {
      p.Add(Dot(path, "name"),
            absl::StrCat("same name as ", At("attachments", it->second)));
    }
    if (a.label().empty()) {
      p.Missing(path, "label");
    } else if (!IsLabel(a.label())) {
      p.Add(Dot(path, "label"),
            "must be 1 to 32 lower-case letters, digits or hyphens");
    }
    if (a.media_type().empty()) {
      p.Missing(path, "media type");
    } else if (!IsMediaType(a.media_type())) {
      p.Add(Dot(path, "media_type"),
            "not a media type such as application/pdf");
    }
  }
}

// --- The move notice, which the sending node sets (Node.SubmitMove). ---

constexpr size_t kMaxPlacementAddressChars = 500;

// The length of the UTF-8 sequence that `lead` starts; 0 if it starts none.
size_t Utf8SequenceLength(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead >> 5) == 0x6) return 2;
  if ((lead >> 4) == 0xe) return 3;
  if ((lead >> 3) == 0x1e) return 4;
  return 0;
}

// The number of code points in `s`, or -1 if it is not valid UTF-8 or holds
// a control character (C0, DEL or C1): an address is one line of text.
int64_t AddressCharacters(absl::string_view s) {
  int64_t count = 0;
  for (size_t i = 0; i < s.size(); ++count) {
    const auto b = static_cast<unsigned char>(s[i]);
    const size_t len = Utf8SequenceLength(b);
    if (len == 0 || i + len > s.size()) return -1;
    uint32_t cp = len == 1 ? b : b & (0x7f >> len);
    for (size_t k = 1; k < len; ++k) {
      const auto cont = static_cast<unsigned char>(s[i + k]);
      if ((cont >> 6) != 0x2) return -1;
      cp = (cp << 6) | (cont & 0x3f);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    static constexpr uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLength[len] || (cp >= 0xd800 && cp <= 0xdfff) ||
        cp > 0x10ffff) {
      return -1;
    }
    if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) return -1;
    i += len;
  }
  return count;
}

bool IsMoveId(absl::string_view id) {
  return id.size() == 32 && std::all_of(id.begin(), id.end(), [](char c) {
           return absl::ascii_isdigit(c) || (c >= 'a' && c <= 'f');
         });
}

void CheckArea(Problems& p, absl::string_view field, absl::string_view code) {
  const std::string path = Dot("move", field);
  if (code.empty()) {
    p.Add(path, "is missing");
  } else if (!IsValidGssCode(code)) {
    p.Add(path, "not a GSS code (one letter and 8 digits, e.g. E08000025)");
  }
}

// MOVE and MISSING_EPISODE say where the child is placed; MOVED_ON never
// tells the first area where the child went.
void CheckPlacementFields(Problems& p, const v1::MoveNotice& m) {
  if (m.kind() == v1::MOVE_NOTICE_KIND_MOVED_ON) {
    if (!m.placement_address().empty()) {
      p.Add("move.placement_address", "must be empty on a MOVED_ON notice");
    }
    if (!m.placement_postcode().empty()) {
      p.Add("move.placement_postcode", "must be empty on a MOVED_ON notice");
    }
    return;
  }
  if (m.kind() != v1::MOVE_NOTICE_KIND_MOVE &&
      m.kind() != v1::MOVE_NOTICE_KIND_MISSING_EPISODE) {
    return;  // unspecified or unknown: reported on kind
  }
  const int64_t chars = AddressCharacters(m.placement_address());
  if (IsBlank(m.placement_address())) {
    p.Add("move.placement_address", "is missing");
  } else if (chars < 0) {
    p.Add("move.placement_address",
          "must be UTF-8 text without control characters");
  } else if (static_cast<size_t>(chars) > kMaxPlacementAddressChars) {
    p.Add("move.placement_address",
          absl::StrCat("is ", chars, " characters; the limit is ",
                       kMaxPlacementAddressChars));
  }
  if (m.placement_postcode().empty()) {
    p.Add("move.placement_postcode", "is missing");
  } else if (!IsUkPostcode(m.placement_postcode())) {
    p.Add("move.placement_postcode",
          "not a UK postcode (outward code, a space, inward code, e.g. "
          "B15 2TT)");
  }
}

void CheckMove(Problems& p, const v1::CaseBundle& b) {
  if (!b.has_move()) return;
  const v1::MoveNotice& m = b.move();
  if (m.kind() == v1::MOVE_NOTICE_KIND_UNSPECIFIED) {
    p.Add("move.kind", "is missing");
  }
  CheckArea(p, "from_area", m.from_area());
  CheckArea(p, "to_area", m.to_area());
  CheckPlacementFields(p, m);
  if (!m.has_effective_time()) {
    p.Missing("move", "effective time");
  } else {
    CheckTimestamp(p, "move.effective_time", m.effective_time());
  }
  if (m.urgency() == v1::MOVE_URGENCY_UNSPECIFIED) {
    p.Add("move.urgency", "is missing");
  }
  if (!m.move_id().empty() && !IsMoveId(m.move_id())) {
    p.Add("move.move_id", "must be 32 lower-case hex digits");
  }
  if (m.priority_reasons_size() > 16) {
    p.Add("move.priority_reasons", "holds at most 16 codes");
  }
  for (const std::string& reason : m.priority_reasons()) {
    if (reason.empty() || reason.size() > 64 ||
        !std::all_of(reason.begin(), reason.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || c == '_';
        })) {
      p.Add("move.priority_reasons", "codes are 1 to 64 of [a-z_]");
      break;
    }
  }
}

}  // namespace

bool IsValidDate(absl::string_view date) {
  if (date.size() != 10 || date[4] != '-' || date[7] != '-' ||
      !AllDigits(date.substr(0, 4)) || !AllDigits(date.substr(5, 2)) ||
      !AllDigits(date.substr(8, 2))) {
    return false;
  }
  const auto number = [&](size_t pos, size_t len) {
    int n = 0;
    for (size_t i = pos; i < pos + len; ++i) n = n * 10 + (date[i] - '0');
    return n;
  };
  const int year = number(0, 4), month = number(5, 2), day = number(8, 2);
  if (year < 1900 || year > 2100 || month < 1 || month > 12 || day < 1) {
    return false;
  }
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return day <= kDays[month - 1] + (month == 2 && leap ? 1 : 0);
}

bool IsValidNhsNumber(absl::string_view nhs_number) {
  return NhsNumberProblem(nhs_number).empty();
}

bool IsValidGssCode(absl::string_view code) {
  return code.size() == 9 && code[0] >= 'A' && code[0] <= 'Z' &&
         AllDigits(code.substr(1));
}

bool IsValidPostcodeDistrict(absl::string_view d) {
  const auto upper = [](char c) { return c >= 'A' && c <= 'Z'; };
  size_t letters = 0;
  while (letters < d.size() && upper(d[letters])) ++letters;
  if (letters < 1 || letters > 2 || letters == d.size() ||
      !absl::ascii_isdigit(d[letters])) {
    return false;
  }
  const absl::string_view rest = d.substr(letters + 1);
  return rest.empty() ||
         (rest.size() == 1 && (upper(rest[0]) || absl::ascii_isdigit(rest[0])));
}

absl::Status ValidateBundle(const v1::CaseBundle& bundle) {
  // A field the schema lacks would be refused by every recipient's strict
  // reader (ParseBundleBinary): refuse it before anything is sealed.
  if (absl::Status s = CheckNoUnknownBundleFields(bundle); !s.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("bundle is invalid: ", s.message()));
  }
  Problems p;
  CheckAllFields(p, bundle, "");
  CheckMetadata(p, bundle);
  CheckIdentity(p, bundle);
  CheckHealth(p, bundle.health());
  CheckLegalStatus(p, bundle.legal_status());
  CheckRisk(p, bundle.risk());
  CheckGrabPack(p, bundle.grab_pack());
  CheckPlacements(p, bundle);
  CheckActions(p, bundle);
  CheckRegisters(p, bundle);
  CheckContacts(p, bundle);
  CheckAttachments(p, bundle);
  CheckMove(p, bundle);
  return p.ToStatus();
}

}  // namespace handover::bundle

// The checks shared by every AlertBook, so each store enforces one set of
// bounds.
#include "alerts/alert_book.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace handover::alerts {
namespace {

bool IsPrintableAscii(char c) { return c >= 0x21 && c <= 0x7e; }
bool IsReasonChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}
bool IsHexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

// Non-empty, at most `max` bytes, printable ASCII without spaces.
absl::Status CheckToken(absl::string_view field, absl::string_view value,
                        size_t max) {
  if (value.empty())
    return absl::InvalidArgumentError(absl::StrCat(field, " is empty"));
  if (value.size() > max) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " is longer than ", max, " bytes"));
  }
  if (!std::all_of(value.begin(), value.end(), IsPrintableAscii)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " holds a character outside printable ASCII"));
  }
  return absl::OkStatus();
}

absl::Status CheckReasons(const std::vector<std::string>& reasons) {
  if (reasons.empty()) return absl::InvalidArgumentError("no reasons given");
  if (reasons.size() > kMaxReasons) {
    return absl::InvalidArgumentError(
        absl::StrCat("more than ", kMaxReasons, " reasons"));
  }
  absl::flat_hash_set<absl::string_view> seen;
  for (const std::string& reason : reasons) {
    if (reason.empty() || reason.size() > kMaxReasonBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("a reason is 1 to ", kMaxReasonBytes, " bytes"));
    }
    // Machine codes only, which also keeps the stored comma list unambiguous.
    if (!std::all_of(reason.begin(), reason.end(), IsReasonChar)) {
      return absl::InvalidArgumentError(
          "a reason is lower-case letters, digits and '_'");
    }
    if (!seen.insert(reason).second) {
      return absl::InvalidArgumentError("a reason is repeated");
    }
  }
  return absl::OkStatus();
}

}  // namespace

std::string AlertIdFor(absl::string_view transfer_id) {
  return absl::StrCat("A-", absl::BytesToHexString(transfer_id));
}

Priority Raised(Priority p) {
  return p == Priority::kRoutine ? Priority::kHigh : Priority::kUrgent;
}

absl::Status CheckNewAlert(const NewAlert& alert) {
  if (alert.transfer_id.size() != kTransferIdBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("a transfer id is ", kTransferIdBytes, " bytes"));
  }
  RETURN_IF_ERROR(CheckToken("the sender agency id", alert.sender_agency_id,
                             kMaxAgencyIdBytes));
  RETURN_IF_ERROR(CheckToken("the child reference", alert.child_reference,
                             kMaxChildReferenceBytes));
  RETURN_IF_ERROR(
      CheckToken("the area code", alert.area_code, kMaxAreaCodeBytes));
  switch (alert.priority) {
    case Priority::kRoutine:
    case Priority::kHigh:
    case Priority::kUrgent:
      break;
    default:
      return absl::InvalidArgumentError("not a priority");
  }
  if (alert.raised_at == absl::InfinitePast() ||
      alert.raised_at == absl::InfiniteFuture()) {
    return absl::InvalidArgumentError("the raise time is not finite");
  }
  return CheckReasons(alert.reasons);
}

absl::Status CheckAlertId(absl::string_view alert_id) {
  const size_t hex = 2 * kTransferIdBytes;
  if (alert_id.size() != 2 + hex || !absl::StartsWith(alert_id, "A-") ||
      !std::all_of(alert_id.begin() + 2, alert_id.end(), IsHexDigit)) {
    return absl::InvalidArgumentError("not an alert id");
  }
  return absl::OkStatus();
}

absl::Status CheckAcknowledgement(absl::string_view operator_id,
                                  absl::string_view note) {
  RETURN_IF_ERROR(
      CheckToken("the operator id", operator_id, kMaxOperatorIdBytes));
  if (note.size() > kMaxNoteBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("the note is longer than ", kMaxNoteBytes, " bytes"));
  }
  // Free text, but no control characters beyond line breaks and tabs.
  for (char c : note) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\n' && c != '\t') || u == 0x7f) {
      return absl::InvalidArgumentError("the note holds a control character");
    }
  }
  return absl::OkStatus();
}

}  // namespace handover::alerts

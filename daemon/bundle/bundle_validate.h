// Content rules for a parsed CaseBundle, beyond what the schema can say.
//
// ValidateBundle checks a bundle however it was made (JSON, binary, or built
// in code). It returns OK or InvalidArgument listing up to kMaxReportedProblems
// problems, each as "<field path>: <what is wrong>", e.g.
// "care_plan_actions[2]: owning agency is missing". Messages name fields and
// rules only: they never echo case content such as names or NHS numbers,
// because they end up in logs.
//
// The rules are listed field by field in docs/BUNDLE.md. In short:
// - metadata.schema_version is kBundleSchemaVersion; created_time is set;
// - identity has a given or family name;
// - dates are real calendar dates written "YYYY-MM-DD", years 1900 to 2100,
//   and no end date is before its start date;
// - an NHS number is exactly 10 ASCII digits, no spaces, with a valid
//   modulus-11 check digit, and not all one digit (common placeholders pass
//   the check digit);
// - every care-plan action has a description, an owning agency, an owner role
//   and a due date;
// - placements have a GSS area code and a start date, and a reason for the
//   move once they have ended;
// - attachment names are safe (attachment_name.h) and unique, and
//   identity.photo_attachment names one of them;
// - a move notice (set only by the sending node) has a kind, GSS from and
//   to areas, an effective time and an urgency; on MOVE and
//   MISSING_EPISODE a placement address (1 to 500 characters of UTF-8, no
//   control characters) and a UK postcode (postcode.h), on MOVED_ON
//   neither; and a move_id that is empty or 32 lower-case hex digits;
// - every repeated field holds at most kMaxRepeatedCount items, every string
//   at most kMaxTextBytes bytes with no control characters other than tab,
//   line feed and carriage return, and every enum a value the schema knows.
//
// Free functions, no state; thread-safe.
#ifndef HANDOVER_BUNDLE_BUNDLE_VALIDATE_H_
#define HANDOVER_BUNDLE_BUNDLE_VALIDATE_H_

#include <cstddef>
#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "handover/v1/bundle.pb.h"

namespace handover::bundle {

inline constexpr uint32_t kBundleSchemaVersion = 1;
// Applies to every repeated field, attachments included.
inline constexpr int kMaxRepeatedCount = 1024;
// Applies to every string field; longer documents travel as attachments.
inline constexpr size_t kMaxTextBytes = 64 * 1024;
inline constexpr int kMaxReportedProblems = 16;

absl::Status ValidateBundle(const handover::v1::CaseBundle& bundle);

// The format checks ValidateBundle uses, for other layers that take the same
// kinds of value (for example a destination area in a move notice).

// "YYYY-MM-DD", a real date, year 1900 to 2100.
bool IsValidDate(absl::string_view date);
// 10 ASCII digits, valid modulus-11 check digit, not all the same digit.
bool IsValidNhsNumber(absl::string_view nhs_number);
// An ONS GSS code: one upper-case letter and 8 digits, e.g. "E08000025".
bool IsValidGssCode(absl::string_view code);
// A UK postcode's outward code in upper case, e.g. "B23", "SK4", "EC1A".
bool IsValidPostcodeDistrict(absl::string_view district);

}  // namespace handover::bundle

#endif  // HANDOVER_BUNDLE_BUNDLE_VALIDATE_H_

#include "cli_validators.h"

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "bundle/bundle_validate.h"
#include "crypto/identity.h"
#include "duration.h"

namespace handover::cli {

CLI::Validator DurationValidator() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        absl::StatusOr<absl::Duration> d = ParseDuration(text);
        return d.ok() ? "" : std::string(d.status().message());
      },
      "DURATION");
}

CLI::Validator TransferIdValidator() {
  return CLI::Validator(
      [](std::string& id) -> std::string {
        bool ok = id.size() == 32;
        for (char c : id) {
          ok = ok && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
        }
        return ok ? "" : "a transfer id is 32 lower-case hex digits";
      },
      "ID");
}

CLI::Validator AgencyIdValidator() {
  return CLI::Validator(
      [](std::string& id) -> std::string {
        absl::Status s = crypto::ValidateAgencyId(id);
        return s.ok() ? "" : std::string(s.message());
      },
      "AGENCY");
}

CLI::Validator IdempotencyKeyValidator() {
  return CLI::Validator(
      [](std::string& key) -> std::string {
        bool ok = !key.empty() && key.size() <= 128;
        for (char c : key) ok = ok && c >= 0x20 && c <= 0x7e;
        return ok ? ""
                  : "an idempotency key is 1 to 128 printable ASCII "
                    "characters";
      },
      "KEY");
}

std::string CanonicalPostcode(const std::string& text) {
  std::string compact;
  for (char c : text) {
    if (c != ' ') compact.push_back(absl::ascii_toupper(c));
  }
  // One space at most, and only between the outward and inward codes.
  if (text.size() > compact.size() + 1 || compact.size() < 5) return "";
  const std::string outward = compact.substr(0, compact.size() - 3);
  const std::string inward = compact.substr(compact.size() - 3);
  const bool inward_ok = absl::ascii_isdigit(inward[0]) &&
                         absl::ascii_isupper(inward[1]) &&
                         absl::ascii_isupper(inward[2]);
  if (!inward_ok || !bundle::IsValidPostcodeDistrict(outward)) return "";
  const std::string canonical = absl::StrCat(outward, " ", inward);
  // A space elsewhere ("B1 52TT") is not the same postcode written loosely.
  if (text.size() != compact.size() &&
      absl::AsciiStrToUpper(text) != canonical) {
    return "";
  }
  return canonical;
}

CLI::Validator GssCodeValidator() {
  return CLI::Validator(
      [](std::string& code) -> std::string {
        return bundle::IsValidGssCode(code)
                   ? ""
                   : "'" + code +
                         "' is not an ONS GSS area code (one upper-case "
                         "letter and 8 digits, e.g. E08000025)";
      },
      "GSS");
}

CLI::Validator PostcodeValidator() {
  return CLI::Validator(
      [](std::string& postcode) -> std::string {
        std::string canonical = CanonicalPostcode(postcode);
        if (canonical.empty()) {
          return "'" + postcode +
                 "' is not shaped like a UK postcode (e.g. B15 2TT)";
        }
        postcode = std::move(canonical);
        return "";
      },
      "POSTCODE");
}

CLI::Validator TimestampValidator() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        absl::StatusOr<absl::Time> t = ParseTimestamp(text);
        return t.ok() ? "" : std::string(t.status().message());
      },
      "TIME");
}

CLI::Validator OperatorIdValidator() {
  return CLI::Validator(
      [](std::string& id) -> std::string {
        bool ok = !id.empty() && id.size() <= 64;
        for (char c : id) ok = ok && c >= 0x20 && c <= 0x7e;
        return ok ? "" : "an operator id is 1 to 64 printable ASCII characters";
      },
      "ID");
}

CLI::Validator NoteValidator() {
  return CLI::Validator(
      [](std::string& note) -> std::string {
        return note.size() <= 2000 ? "" : "a note is at most 2000 bytes";
      },
      "TEXT");
}

}  // namespace handover::cli

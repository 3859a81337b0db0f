#include "cli_validators.h"

#include <string>

#include "absl/status/statusor.h"
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

}  // namespace handover::cli

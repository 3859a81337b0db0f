#include "tls/openssl_error.h"

#include <openssl/err.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace handover::tls {

absl::Status OpenSslError(absl::string_view what) {
  std::vector<std::string> reasons;
  bool out_of_memory = false;
  while (unsigned long code = ERR_get_error()) {
    if (ERR_GET_REASON(code) == ERR_R_MALLOC_FAILURE) out_of_memory = true;
    const char* reason = ERR_reason_error_string(code);
    reasons.push_back(reason != nullptr ? std::string(reason)
                                        : absl::StrCat("OpenSSL error ", code));
  }
  if (reasons.empty()) reasons.push_back("unknown OpenSSL error");
  std::string message = absl::StrCat(what, ": ", absl::StrJoin(reasons, "; "));
  if (out_of_memory) return absl::ResourceExhaustedError(message);
  return absl::InvalidArgumentError(message);
}

}  // namespace handover::tls

#include "crypto/sodium_util.h"

#include <sodium.h>

#include "absl/strings/str_cat.h"

namespace handover::crypto {

absl::Status InitSodium() {
  if (sodium_init() < 0) {
    return absl::InternalError("libsodium failed to initialise");
  }
  return absl::OkStatus();
}

absl::Status SodiumError(absl::string_view what) {
  return absl::InternalError(absl::StrCat("libsodium: ", what, " failed"));
}

void RandomBytes(void* out, size_t n) { randombytes_buf(out, n); }

}  // namespace handover::crypto

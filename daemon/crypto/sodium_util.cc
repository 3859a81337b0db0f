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

std::string ContextHash(absl::string_view context, absl::string_view data,
                        size_t out_bytes) {
  std::string out(out_bytes, '\0');
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, out_bytes);
  crypto_generichash_update(
      &state, reinterpret_cast<const unsigned char*>(context.data()),
      context.size());
  crypto_generichash_update(
      &state, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  crypto_generichash_final(&state, reinterpret_cast<unsigned char*>(out.data()),
                           out_bytes);
  return out;
}

void RandomBytes(void* out, size_t n) { randombytes_buf(out, n); }

}  // namespace handover::crypto

// Fuzzes the public and secret key file parsers.
#include <cstddef>
#include <cstdint>

#include "crypto/key_file.h"
#include "crypto/sodium_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool ready = handover::crypto::InitSodium().ok();
  if (!ready) __builtin_trap();
  absl::string_view input(reinterpret_cast<const char*>(data), size);
  auto pub = handover::crypto::ParsePublicKeyFile(input);
  if (pub.ok() && !pub->Validate().ok()) __builtin_trap();
  auto secret = handover::crypto::ParseSecretKeyFile(input);
  if (secret.ok()) {
    // A parsed secret key must re-encode to exactly the input.
    auto again = handover::crypto::EncodeSecretKeyFile(*secret);
    if (again.view() != input) __builtin_trap();
  }
  return 0;
}

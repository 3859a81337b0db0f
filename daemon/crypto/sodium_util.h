// libsodium set-up and the one translator from libsodium failures to Status.
// sodium.h stays behind daemon/crypto: no other layer includes it.
#ifndef HANDOVER_CRYPTO_SODIUM_UTIL_H_
#define HANDOVER_CRYPTO_SODIUM_UTIL_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace handover::crypto {

// Calls sodium_init(). Call once from main() before any other crypto; safe to
// call again.
absl::Status InitSodium();

// libsodium reports failure as -1 with no detail; `what` says which step.
absl::Status SodiumError(absl::string_view what);

// Fills `out` with `n` random bytes from libsodium's generator.
void RandomBytes(void* out, size_t n);

}  // namespace handover::crypto

#endif  // HANDOVER_CRYPTO_SODIUM_UTIL_H_

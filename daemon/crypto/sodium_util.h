// libsodium set-up and the one translator from libsodium failures to Status.
// sodium.h stays behind daemon/crypto: no other layer includes it.
#ifndef HANDOVER_CRYPTO_SODIUM_UTIL_H_
#define HANDOVER_CRYPTO_SODIUM_UTIL_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace handover::crypto {

// Calls sodium_init(). Call once from main() before any other crypto; safe to
// call again.
absl::Status InitSodium();

// libsodium reports failure as -1 with no detail; `what` says which step.
absl::Status SodiumError(absl::string_view what);

// BLAKE2b of `context || data`, `out_bytes` long (16..64): one
// domain-separated hash for key ids and checksums.
std::string ContextHash(absl::string_view context, absl::string_view data,
                        size_t out_bytes);

// Fills `out` with `n` random bytes from libsodium's generator.
void RandomBytes(void* out, size_t n);

}  // namespace handover::crypto

#endif  // HANDOVER_CRYPTO_SODIUM_UTIL_H_

// SHA-256 for fingerprints and token digests outside the envelope format
// (which uses BLAKE2b). Free functions; thread-safe.
#ifndef HANDOVER_CRYPTO_SHA256_H_
#define HANDOVER_CRYPTO_SHA256_H_

#include <string>

#include "absl/strings/string_view.h"

namespace handover::crypto {

inline constexpr size_t kSha256Bytes = 32;

// The raw 32-byte SHA-256 of `data`.
std::string Sha256(absl::string_view data);

// The SHA-256 of `data` as 64 lower-case hex digits.
std::string Sha256Hex(absl::string_view data);

}  // namespace handover::crypto

#endif  // HANDOVER_CRYPTO_SHA256_H_

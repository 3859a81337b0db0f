#include "crypto/sha256.h"

#include <sodium.h>

#include "crypto/identity.h"

namespace handover::crypto {

static_assert(kSha256Bytes == crypto_hash_sha256_BYTES);

std::string Sha256(absl::string_view data) {
  std::string digest(kSha256Bytes, '\0');
  crypto_hash_sha256(reinterpret_cast<unsigned char*>(digest.data()),
                     reinterpret_cast<const unsigned char*>(data.data()),
                     data.size());
  return digest;
}

std::string Sha256Hex(absl::string_view data) { return ToHex(Sha256(data)); }

}  // namespace handover::crypto

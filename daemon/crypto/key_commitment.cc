#include "crypto/key_commitment.h"

#include <sodium.h>

#include "crypto/envelope_format.h"

namespace handover::crypto {

std::string ComputeKeyCommitment(const SecretBytes& content_key,
                                 absl::string_view transfer_id) {
  unsigned char out[kKeyCommitmentBytes];
  crypto_generichash_state state;
  crypto_generichash_init(&state, content_key.data(), content_key.size(),
                          sizeof out);
  crypto_generichash_update(
      &state, reinterpret_cast<const unsigned char*>(kCommitmentContext.data()),
      kCommitmentContext.size());
  crypto_generichash_update(
      &state, reinterpret_cast<const unsigned char*>(transfer_id.data()),
      transfer_id.size());
  crypto_generichash_final(&state, out, sizeof out);
  Wipe(&state, sizeof state);  // keyed state holds the content key
  return std::string(reinterpret_cast<const char*>(out), sizeof out);
}

}  // namespace handover::crypto

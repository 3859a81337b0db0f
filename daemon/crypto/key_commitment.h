// The key commitment binds an envelope's content key into its signed header,
// so a recipient who unwraps a different key (say one a malicious
// co-recipient substituted) detects it before decrypting.
#ifndef HANDOVER_CRYPTO_KEY_COMMITMENT_H_
#define HANDOVER_CRYPTO_KEY_COMMITMENT_H_

#include <string>

#include "absl/strings/string_view.h"

#include "crypto/secret_bytes.h"

namespace handover::crypto {

// BLAKE2b-256 keyed with the content key, over
// "handover/v1/key-commitment" || transfer_id.
std::string ComputeKeyCommitment(const SecretBytes& content_key,
                                 absl::string_view transfer_id);

}  // namespace handover::crypto

#endif  // HANDOVER_CRYPTO_KEY_COMMITMENT_H_

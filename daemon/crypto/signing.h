// Detached Ed25519 signatures over a context string and a message, for
// documents other than envelopes (the envelope signs its own header; see
// envelope_format.h). The signed bytes are `context || message`: the context
// names the document type and format version (for example
// "handover/v1/directory-signature" 0x00), so a signature made for one kind
// of document can never be passed off as another.
//
// Free functions, no state; thread-safe.
#ifndef HANDOVER_CRYPTO_SIGNING_H_
#define HANDOVER_CRYPTO_SIGNING_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "crypto/identity.h"

namespace handover::crypto {

// The 64-byte signature by `signer`'s Ed25519 key over `context || message`.
// Fails (Internal) only if libsodium does.
absl::StatusOr<std::string> SignDetached(const SecretIdentity& signer,
                                         absl::string_view context,
                                         absl::string_view message);

// OK if `signature` is `signer`'s valid signature over `context || message`.
// Unauthenticated if it is not (including a signature of the wrong length);
// InvalidArgument if `signer`'s public key is not 32 bytes.
absl::Status VerifyDetached(const PublicIdentity& signer,
                            absl::string_view context,
                            absl::string_view message,
                            absl::string_view signature);

}  // namespace handover::crypto

#endif  // HANDOVER_CRYPTO_SIGNING_H_

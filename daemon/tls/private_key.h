// TLS private keys in PEM files, loaded only after the same permission
// checks as agency secret keys, and matched against their certificates.
// Key material never appears in a returned message. Stateless; thread-safe.
#ifndef HANDOVER_TLS_PRIVATE_KEY_H_
#define HANDOVER_TLS_PRIVATE_KEY_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "crypto/secret_bytes.h"

namespace handover::tls {

// Reads an unencrypted PEM private key through ReadSecretFileBounded, so the
// file must be a regular file (not a link) owned by this user with mode 0600
// or stricter (PermissionDenied otherwise). Fails with InvalidArgument if the
// file holds no private key, or an encrypted one. The PEM text is returned
// in SecretBytes, which wipes it; needs InitSodium() first.
absl::StatusOr<crypto::SecretBytes> LoadPrivateKeyPem(const std::string& path);

// OK if `key_pem` holds an unencrypted private key that OpenSSL can use.
absl::Status CheckPrivateKeyPem(absl::string_view key_pem);

// OK if the public key of the first certificate in `cert_pem` is the public
// half of the private key in `key_pem`; InvalidArgument if not, or if either
// does not parse.
absl::Status CheckKeyMatchesCertificate(absl::string_view cert_pem,
                                        absl::string_view key_pem);

}  // namespace handover::tls

#endif  // HANDOVER_TLS_PRIVATE_KEY_H_

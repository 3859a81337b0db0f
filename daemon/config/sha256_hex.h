// SHA-256 digests written in config files: client certificate fingerprints
// and bearer-token hashes.
//
//   sha256-hex = 64HEXDIG / 31(2HEXDIG ":") 2HEXDIG
//
// Either case is accepted; the colon form is what `openssl x509 -noout
// -fingerprint -sha256` prints after its "sha256 Fingerprint=" label.
// Stateless; thread-safe.
#ifndef HANDOVER_CONFIG_SHA256_HEX_H_
#define HANDOVER_CONFIG_SHA256_HEX_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace handover::config {

// Returns the digest as 64 lower-case hex digits (the form
// tls::CertificateSha256Hex produces), or InvalidArgument.
absl::StatusOr<std::string> ParseSha256Hex(absl::string_view text);

}  // namespace handover::config

#endif  // HANDOVER_CONFIG_SHA256_HEX_H_

// X.509 certificates in PEM files: loading, fingerprints and validity, for
// the daemons' start-up checks and for matching a peer against the
// directory. Stateless functions; thread-safe.
#ifndef HANDOVER_TLS_CERTIFICATE_H_
#define HANDOVER_TLS_CERTIFICATE_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace handover::tls {

// Certificate and key files are small; a larger file is a mistake.
inline constexpr uint64_t kMaxPemFileBytes = 1 << 20;

// Reads a PEM file of one or more certificates (a leaf and its chain, or a
// CA bundle). Fails with NotFound if it is missing, ResourceExhausted if it
// is over kMaxPemFileBytes, and InvalidArgument if it holds no certificate
// or a certificate that does not parse. Messages start with `path`.
absl::StatusOr<std::string> LoadCertificateChainPem(const std::string& path);

// How many certificates `pem` holds; InvalidArgument if one is malformed.
absl::StatusOr<int> CountCertificates(absl::string_view pem);

// The SHA-256 of the DER encoding of the first certificate in `pem`, as 64
// lower-case hex digits with no separators. This is the fingerprint that
// config files and the directory use; it equals `openssl x509 -noout
// -fingerprint -sha256` with the colons removed and the letters lowered.
absl::StatusOr<std::string> CertificateSha256Hex(absl::string_view pem);

// The subject of the first certificate in `pem`, on one line in RFC 2253
// form, e.g. "CN=stockport-cs,O=Handover DEMO".
absl::StatusOr<std::string> CertificateSubject(absl::string_view pem);

struct CertificateValidity {
  absl::Time not_before;
  absl::Time not_after;
};

// The validity period of the first certificate in `pem`.
absl::StatusOr<CertificateValidity> GetCertificateValidity(
    absl::string_view pem);

// FailedPrecondition if the first certificate in `pem` has expired or is not
// yet valid at `now`, naming the date.
absl::Status CheckCertificateCurrent(absl::string_view pem, absl::Time now);

}  // namespace handover::tls

#endif  // HANDOVER_TLS_CERTIFICATE_H_

// Internal to daemon/tls: owning pointers for OpenSSL objects and the PEM
// readers the public functions share. Not thread-safe per object; OpenSSL's
// error queue is per thread.
#ifndef HANDOVER_TLS_OPENSSL_UTIL_H_
#define HANDOVER_TLS_OPENSSL_UTIL_H_

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace handover::tls::internal {

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct EvpPkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyFree>;

// Every certificate in `pem`, in order; blocks of other kinds are skipped.
// InvalidArgument if a certificate block does not parse. May be empty.
absl::StatusOr<std::vector<X509Ptr>> ReadCertificates(absl::string_view pem);

// The first certificate in `pem`; InvalidArgument if there is none.
absl::StatusOr<X509Ptr> ReadFirstCertificate(absl::string_view pem);

// The first private key in `pem`. Never prompts for a passphrase: an
// encrypted key is refused with InvalidArgument.
absl::StatusOr<EvpPkeyPtr> ReadPrivateKey(absl::string_view pem);

}  // namespace handover::tls::internal

#endif  // HANDOVER_TLS_OPENSSL_UTIL_H_

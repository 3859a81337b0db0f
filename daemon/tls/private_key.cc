#include "tls/private_key.h"

#include <openssl/err.h>
#include <openssl/x509.h>

#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "common/status_macros.h"
#include "tls/certificate.h"
#include "tls/openssl_util.h"

namespace handover::tls {

absl::StatusOr<crypto::SecretBytes> LoadPrivateKeyPem(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text,
                   ReadSecretFileBounded(path, kMaxPemFileBytes));
  crypto::SecretBytes pem(text.size());
  std::memcpy(pem.data(), text.data(), text.size());
  crypto::Wipe(text.data(), text.size());
  absl::Status valid = CheckPrivateKeyPem(pem.view());
  if (!valid.ok()) {
    return absl::Status(valid.code(),
                        absl::StrCat(path, ": ", valid.message()));
  }
  return pem;
}

absl::Status CheckPrivateKeyPem(absl::string_view key_pem) {
  return internal::ReadPrivateKey(key_pem).status();
}

absl::Status CheckKeyMatchesCertificate(absl::string_view cert_pem,
                                        absl::string_view key_pem) {
  ASSIGN_OR_RETURN(internal::X509Ptr cert,
                   internal::ReadFirstCertificate(cert_pem));
  ASSIGN_OR_RETURN(internal::EvpPkeyPtr key, internal::ReadPrivateKey(key_pem));
  // X509_check_private_key compares the public halves (EVP_PKEY_eq) and
  // explains a mismatch on the error queue, which is not needed here.
  int matches = X509_check_private_key(cert.get(), key.get());
  ERR_clear_error();
  if (matches != 1) {
    return absl::InvalidArgumentError(
        "the certificate's public key does not match the private key");
  }
  return absl::OkStatus();
}

}  // namespace handover::tls

#include "tls/openssl_util.h"

#include <openssl/err.h>
#include <openssl/pem.h>

#include <climits>

#include "absl/strings/match.h"
#include "tls/openssl_error.h"

namespace handover::tls::internal {
namespace {

// A read-only BIO over `data`, which must outlive it.
absl::StatusOr<BioPtr> MemoryBio(absl::string_view data) {
  if (data.size() > static_cast<size_t>(INT_MAX)) {
    return absl::InvalidArgumentError("PEM text is too large");
  }
  BioPtr bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
  if (bio == nullptr) return OpenSslError("BIO_new_mem_buf");
  return bio;
}

// True if the last error only says that no further PEM block was found,
// which is how a read loop ends normally.
bool EndOfPem() {
  unsigned long code = ERR_peek_last_error();
  return ERR_GET_LIB(code) == ERR_LIB_PEM &&
         ERR_GET_REASON(code) == PEM_R_NO_START_LINE;
}

// Refuses to supply a passphrase, so OpenSSL never prompts on a terminal.
int NoPassphrase(char*, int, int, void*) { return -1; }

}  // namespace

absl::StatusOr<std::vector<X509Ptr>> ReadCertificates(absl::string_view pem) {
  ERR_clear_error();
  auto bio = MemoryBio(pem);
  if (!bio.ok()) return bio.status();
  std::vector<X509Ptr> certs;
  while (X509* cert =
             PEM_read_bio_X509(bio->get(), nullptr, NoPassphrase, nullptr)) {
    certs.emplace_back(cert);
  }
  if (!EndOfPem()) return OpenSslError("bad certificate");
  ERR_clear_error();
  return certs;
}

absl::StatusOr<X509Ptr> ReadFirstCertificate(absl::string_view pem) {
  auto certs = ReadCertificates(pem);
  if (!certs.ok()) return certs.status();
  if (certs->empty()) {
    return absl::InvalidArgumentError("no PEM certificate found");
  }
  return std::move(certs->front());
}

absl::StatusOr<EvpPkeyPtr> ReadPrivateKey(absl::string_view pem) {
  // OpenSSL 3's decoders report a missing key only as "unsupported", so
  // look for the PEM label first to give a clearer message.
  if (!absl::StrContains(pem, "-----BEGIN ") ||
      !absl::StrContains(pem, "PRIVATE KEY-----")) {
    return absl::InvalidArgumentError("no PEM private key found");
  }
  if (absl::StrContains(pem, "BEGIN ENCRYPTED PRIVATE KEY") ||
      absl::StrContains(pem, "Proc-Type: 4,ENCRYPTED")) {
    return absl::InvalidArgumentError(
        "the private key is encrypted; Handover needs it unencrypted, "
        "protected by mode 0600");
  }
  ERR_clear_error();
  auto bio = MemoryBio(pem);
  if (!bio.ok()) return bio.status();
  EvpPkeyPtr key(
      PEM_read_bio_PrivateKey(bio->get(), nullptr, NoPassphrase, nullptr));
  if (key == nullptr) return OpenSslError("bad private key");
  return key;
}

}  // namespace handover::tls::internal

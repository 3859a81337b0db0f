#include "crypto/signing.h"

#include <sodium.h>

#include "absl/strings/str_cat.h"
#include "crypto/sodium_util.h"

namespace handover::crypto {
namespace {

const unsigned char* U(absl::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

absl::StatusOr<std::string> SignDetached(const SecretIdentity& signer,
                                         absl::string_view context,
                                         absl::string_view message) {
  const std::string signed_bytes = absl::StrCat(context, message);
  std::string signature(kSignatureBytes, '\0');
  if (crypto_sign_detached(reinterpret_cast<unsigned char*>(signature.data()),
                           nullptr, U(signed_bytes), signed_bytes.size(),
                           signer.sign_secret_key().data()) != 0) {
    return SodiumError("crypto_sign_detached");
  }
  return signature;
}

absl::Status VerifyDetached(const PublicIdentity& signer,
                            absl::string_view context,
                            absl::string_view message,
                            absl::string_view signature) {
  if (signer.sign_public_key.size() != kSignPublicKeyBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("signing public key must be ", kSignPublicKeyBytes,
                     " bytes, got ", signer.sign_public_key.size()));
  }
  if (signature.size() != kSignatureBytes) {
    return absl::UnauthenticatedError(
        absl::StrCat("signature must be ", kSignatureBytes, " bytes, got ",
                     signature.size()));
  }
  const std::string signed_bytes = absl::StrCat(context, message);
  if (crypto_sign_verify_detached(U(signature), U(signed_bytes),
                                  signed_bytes.size(),
                                  U(signer.sign_public_key)) != 0) {
    return absl::UnauthenticatedError("signature does not verify");
  }
  return absl::OkStatus();
}

}  // namespace handover::crypto

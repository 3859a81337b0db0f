#include "crypto/identity.h"

#include <sodium.h>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "crypto/sodium_util.h"

namespace handover::crypto {
namespace {

constexpr absl::string_view kKeyIdContext = "handover/v1/key-id";

bool IsIdChar(char c, bool first) {
  if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
  return !first && (c == '-' || c == '.');
}

}  // namespace

absl::Status ValidateAgencyId(absl::string_view id) {
  if (id.empty() || id.size() > kMaxAgencyIdBytes) {
    return absl::InvalidArgumentError(absl::StrCat("agency id must be 1 to ",
                                                   kMaxAgencyIdBytes,
                                                   " bytes, got ", id.size()));
  }
  for (size_t i = 0; i < id.size(); ++i) {
    if (!IsIdChar(id[i], i == 0)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "agency id may hold only a-z, 0-9, '-' and '.', and must start "
          "with a letter or digit (bad byte at position ",
          i, ")"));
    }
  }
  return absl::OkStatus();
}

std::string KeyIdOf(absl::string_view public_key) {
  return ContextHash(kKeyIdContext, public_key, kKeyIdBytes);
}

std::string ToHex(absl::string_view bytes) {
  std::string out(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(),
                 reinterpret_cast<const unsigned char*>(bytes.data()),
                 bytes.size());
  out.pop_back();
  return out;
}

absl::Status PublicIdentity::Validate() const {
  RETURN_IF_ERROR(ValidateAgencyId(agency_id));
  if (sign_public_key.size() != kSignPublicKeyBytes ||
      box_public_key.size() != kBoxPublicKeyBytes) {
    return absl::InvalidArgumentError("public keys must be 32 bytes each");
  }
  return absl::OkStatus();
}

absl::StatusOr<SecretIdentity> SecretIdentity::Generate(
    absl::string_view agency_id) {
  RETURN_IF_ERROR(ValidateAgencyId(agency_id));
  SecretBytes sign_sk(kSignSecretKeyBytes);
  SecretBytes box_sk(kBoxSecretKeyBytes);
  PublicIdentity pub{std::string(agency_id),
                     std::string(kSignPublicKeyBytes, '\0'),
                     std::string(kBoxPublicKeyBytes, '\0')};
  auto* sign_pk = reinterpret_cast<unsigned char*>(pub.sign_public_key.data());
  auto* box_pk = reinterpret_cast<unsigned char*>(pub.box_public_key.data());
  if (crypto_sign_keypair(sign_pk, sign_sk.data()) != 0) {
    return SodiumError("crypto_sign_keypair");
  }
  if (crypto_box_keypair(box_pk, box_sk.data()) != 0) {
    return SodiumError("crypto_box_keypair");
  }
  return SecretIdentity(std::string(agency_id), std::move(sign_sk),
                        std::move(box_sk), std::move(pub));
}

absl::StatusOr<SecretIdentity> SecretIdentity::FromSecretKeys(
    absl::string_view agency_id, absl::string_view sign_secret_key,
    absl::string_view box_secret_key) {
  RETURN_IF_ERROR(ValidateAgencyId(agency_id));
  if (sign_secret_key.size() != kSignSecretKeyBytes ||
      box_secret_key.size() != kBoxSecretKeyBytes) {
    return absl::InvalidArgumentError("secret keys have the wrong length");
  }
  SecretBytes sign_sk(kSignSecretKeyBytes);
  SecretBytes box_sk(kBoxSecretKeyBytes);
  std::copy(sign_secret_key.begin(), sign_secret_key.end(), sign_sk.data());
  std::copy(box_secret_key.begin(), box_secret_key.end(), box_sk.data());

  // Recompute the Ed25519 public key from the seed: a secret key whose
  // stored public half disagrees is corrupt, not merely unusual.
  unsigned char seed_pk[kSignPublicKeyBytes];
  SecretBytes seed_sk(kSignSecretKeyBytes);
  if (crypto_sign_seed_keypair(seed_pk, seed_sk.data(), sign_sk.data()) != 0) {
    return SodiumError("crypto_sign_seed_keypair");
  }
  absl::string_view stored_pk(
      reinterpret_cast<const char*>(sign_sk.data()) + 32, kSignPublicKeyBytes);
  absl::string_view derived_pk(reinterpret_cast<const char*>(seed_pk),
                               kSignPublicKeyBytes);
  if (!ConstantTimeEquals(stored_pk, derived_pk)) {
    return absl::DataLossError(
        "signing secret key is inconsistent with its public half");
  }
  PublicIdentity pub{std::string(agency_id), std::string(derived_pk),
                     std::string(kBoxPublicKeyBytes, '\0')};
  if (crypto_scalarmult_base(
          reinterpret_cast<unsigned char*>(pub.box_public_key.data()),
          box_sk.data()) != 0) {
    return SodiumError("crypto_scalarmult_base");
  }
  return SecretIdentity(std::string(agency_id), std::move(sign_sk),
                        std::move(box_sk), std::move(pub));
}

}  // namespace handover::crypto

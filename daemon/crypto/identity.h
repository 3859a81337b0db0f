// An agency's cryptographic identity: an Ed25519 signing key pair and a
// separate X25519 encryption key pair, named by the agency id.
//
// PublicIdentity is a plain value. SecretIdentity owns its secret halves in
// SecretBytes and is move-only. Neither is internally synchronised; a const
// SecretIdentity may be shared between threads.
#ifndef HANDOVER_CRYPTO_IDENTITY_H_
#define HANDOVER_CRYPTO_IDENTITY_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "crypto/secret_bytes.h"

namespace handover::crypto {

inline constexpr size_t kSignPublicKeyBytes = 32;
inline constexpr size_t kSignSecretKeyBytes = 64;  // libsodium's seed || pk
inline constexpr size_t kSignatureBytes = 64;
inline constexpr size_t kBoxPublicKeyBytes = 32;
inline constexpr size_t kBoxSecretKeyBytes = 32;
inline constexpr size_t kKeyIdBytes = 16;
inline constexpr size_t kMaxAgencyIdBytes = 64;

// Agency ids are 1-64 bytes of [a-z0-9.-], starting with a letter or digit,
// so they are safe in file names, logs and SQL alike.
absl::Status ValidateAgencyId(absl::string_view id);

// BLAKE2b-128("handover/v1/key-id" || public_key): a short, stable name for a
// public key that lets a reader pick the right key without trying them all.
std::string KeyIdOf(absl::string_view public_key);

// Lower-case hex, for showing key ids and hashes to people.
std::string ToHex(absl::string_view bytes);

struct PublicIdentity {
  std::string agency_id;
  std::string sign_public_key;  // 32 bytes, Ed25519
  std::string box_public_key;   // 32 bytes, X25519

  std::string sign_key_id() const { return KeyIdOf(sign_public_key); }
  std::string box_key_id() const { return KeyIdOf(box_public_key); }
  absl::Status Validate() const;
};

class SecretIdentity {
 public:
  // Fresh random keys for `agency_id`.
  static absl::StatusOr<SecretIdentity> Generate(absl::string_view agency_id);
  // Builds an identity from raw secret keys, checking that they are
  // well-formed (the Ed25519 secret key must embed its own public key).
  static absl::StatusOr<SecretIdentity> FromSecretKeys(
      absl::string_view agency_id, absl::string_view sign_secret_key,
      absl::string_view box_secret_key);

  const std::string& agency_id() const { return agency_id_; }
  const SecretBytes& sign_secret_key() const { return sign_secret_key_; }
  const SecretBytes& box_secret_key() const { return box_secret_key_; }
  const PublicIdentity& public_identity() const { return public_; }

 private:
  SecretIdentity(std::string agency_id, SecretBytes sign_sk, SecretBytes box_sk,
                 PublicIdentity pub)
      : agency_id_(std::move(agency_id)),
        sign_secret_key_(std::move(sign_sk)),
        box_secret_key_(std::move(box_sk)),
        public_(std::move(pub)) {}

  std::string agency_id_;
  SecretBytes sign_secret_key_;
  SecretBytes box_secret_key_;
  PublicIdentity public_;
};

}  // namespace handover::crypto

#endif  // HANDOVER_CRYPTO_IDENTITY_H_

// Key files, byte-exact as docs/FORMAT.md specifies them.
//
//   public key file:  "HANDOVPK" 0x01 agency_id:str8 sign_pk[32] box_pk[32]
//                     check[16]
//   secret key file:  "HANDOVSK" 0x01 agency_id:str8 sign_sk[64] box_sk[32]
//                     check[16]
//
// check = BLAKE2b-128("handover/v1/key-file" || every preceding byte). A key
// directory holds `secret.key` (mode 0600) and `public.key`.
#ifndef HANDOVER_CRYPTO_KEY_FILE_H_
#define HANDOVER_CRYPTO_KEY_FILE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "crypto/identity.h"

namespace handover::crypto {

inline constexpr absl::string_view kSecretKeyFileName = "secret.key";
inline constexpr absl::string_view kPublicKeyFileName = "public.key";
// Key files are tiny; anything bigger is not a key file.
inline constexpr uint64_t kMaxKeyFileBytes = 4096;

std::string EncodePublicKeyFile(const PublicIdentity& identity);
absl::StatusOr<PublicIdentity> ParsePublicKeyFile(absl::string_view bytes);

// The returned buffer holds secret keys; it wipes itself when destroyed.
SecretBytes EncodeSecretKeyFile(const SecretIdentity& identity);
absl::StatusOr<SecretIdentity> ParseSecretKeyFile(absl::string_view bytes);

// Writes `dir`/secret.key (0600) and `dir`/public.key (0644), each through a
// temporary file and rename. Creates `dir` with mode 0700 if needed. Refuses
// to overwrite an existing secret key.
absl::Status WriteKeyDirectory(const std::string& dir,
                               const SecretIdentity& identity);

// Loads `path`, which is either a key directory or a secret key file. Fails
// with PermissionDenied if the file is readable by group or others, and with
// DataLoss if it is corrupt.
absl::StatusOr<SecretIdentity> LoadSecretIdentity(const std::string& path);

// Loads a public key file, or the public.key inside a key directory.
absl::StatusOr<PublicIdentity> LoadPublicIdentity(const std::string& path);

}  // namespace handover::crypto

#endif  // HANDOVER_CRYPTO_KEY_FILE_H_

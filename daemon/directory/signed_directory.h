// The signed directory: signing by the directory authority, and the checks
// every reader makes before it trusts a directory.
//
// A signed directory is a serialized handover.v1.SignedDirectory whose
// `signature` is Ed25519 by the authority over
//
//   "handover/v1/directory-signature" 0x00 || directory
//
// where `directory` is the exact serialized Directory bytes it carries. The
// format is specified byte for byte in docs/DIRECTORY.md.
//
// Free functions, no state; thread-safe.
#ifndef HANDOVER_DIRECTORY_SIGNED_DIRECTORY_H_
#define HANDOVER_DIRECTORY_SIGNED_DIRECTORY_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "crypto/identity.h"
#include "handover/v1/directory.pb.h"

namespace handover::directory {

// With the trailing NUL, as the envelope's context has: 32 bytes.
inline constexpr absl::string_view kDirectorySignatureContext =
    absl::string_view("handover/v1/directory-signature\0", 32);
// The most a reader accepts, checked before parsing.
inline constexpr size_t kMaxSignedDirectoryBytes = 16 * 1024 * 1024;

// Validates `directory` (ValidateDirectory), serializes it, signs the bytes
// with `authority`'s signing key and returns the serialized SignedDirectory.
// InvalidArgument if the directory is invalid; ResourceExhausted if the
// result would exceed kMaxSignedDirectoryBytes.
absl::StatusOr<std::string> SignDirectory(
    const handover::v1::Directory& directory,
    const crypto::SecretIdentity& authority);

// Everything a node does before it trusts a directory, in this order:
//   1. size at most kMaxSignedDirectoryBytes (else ResourceExhausted);
//   2. a strict, canonical parse of the SignedDirectory, with a 64-byte
//      signature and a 16-byte key id (else InvalidArgument);
//   3. the key id is `trust_root`'s signing key id (else Unauthenticated);
//   4. the signature verifies with `trust_root` (else Unauthenticated);
//   5. a strict parse of the signed Directory bytes (else InvalidArgument);
//   6. version >= `minimum_version` (else FailedPrecondition naming both:
//      an older directory is a rollback);
//   7. ValidateDirectory (else InvalidArgument).
absl::StatusOr<handover::v1::Directory> VerifySignedDirectory(
    absl::string_view signed_bytes, const crypto::PublicIdentity& trust_root,
    uint64_t minimum_version);

// A signed directory parsed WITHOUT checking its signature or its content,
// for showing a file to a person. Nothing in it may be trusted.
struct UnverifiedDirectory {
  handover::v1::Directory directory;
  std::string authority_key_id;  // 16 bytes, as the file claims
};

// Steps 1, 2 and 5 of VerifySignedDirectory only.
absl::StatusOr<UnverifiedDirectory> ParseSignedDirectoryUnverified(
    absl::string_view signed_bytes);

}  // namespace handover::directory

#endif  // HANDOVER_DIRECTORY_SIGNED_DIRECTORY_H_

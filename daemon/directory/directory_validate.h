// The rules a Directory must meet, beyond what its schema can say. Both the
// signer (before signing) and every reader (after verifying) apply them, so a
// node never acts on a directory the authority could not have produced.
//
// ValidateDirectory returns OK or InvalidArgument for the first rule broken,
// as "directory is invalid: <where>: <what>", where <where> names the agency
// by id (or by index when the id itself is bad) and the field, e.g.
// `directory is invalid: agency "stockport-cs": keys[1]: not_before must be
// before not_after`. The rules are listed in docs/DIRECTORY.md.
//
// Free functions, no state; thread-safe.
#ifndef HANDOVER_DIRECTORY_DIRECTORY_VALIDATE_H_
#define HANDOVER_DIRECTORY_DIRECTORY_VALIDATE_H_

#include <cstddef>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "handover/v1/directory.pb.h"

namespace handover::directory {

inline constexpr int kMaxAgencies = 10000;
inline constexpr int kMaxKeysPerAgency = 8;
inline constexpr int kMaxAreasPerAgency = 1024;
inline constexpr size_t kMaxAgencyNameBytes = 200;
inline constexpr size_t kCertSha256HexChars = 64;

absl::Status ValidateDirectory(const handover::v1::Directory& directory);

// An ONS GSS code: one upper-case letter and 8 digits, e.g. "E08000007".
bool IsValidGssCode(absl::string_view code);

// 64 lower-case hex characters.
bool IsValidCertSha256(absl::string_view hex);

}  // namespace handover::directory

#endif  // HANDOVER_DIRECTORY_DIRECTORY_VALIDATE_H_

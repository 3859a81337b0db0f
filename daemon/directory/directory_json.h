// directory.json: the operator's source for a directory, and the step that
// turns it into a Directory ready to sign.
//
// directory.json is the proto3 JSON form of handover.v1.DirectorySource
// (proto/handover/v1/directory.proto): a Directory whose agencies name their
// keys by public key file, as `handover keygen` writes them, instead of
// holding raw keys, so nobody writes base64 keys by hand. Parsing is strict:
//   1. at most kMaxDirectoryJsonBytes (else ResourceExhausted);
//   2. CheckStrictJson (strict_json.h), nested at most kMaxDirectoryJsonDepth
//      deep (else InvalidArgument);
//   3. protobuf's JSON parser with unknown fields and unknown enum names
//      rejected (else InvalidArgument).
// docs/DIRECTORY.md has an example.
//
// Free functions, no state; thread-safe.
#ifndef HANDOVER_DIRECTORY_DIRECTORY_JSON_H_
#define HANDOVER_DIRECTORY_DIRECTORY_JSON_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "handover/v1/directory.pb.h"

namespace handover::directory {

inline constexpr size_t kMaxDirectoryJsonBytes = 16 * 1024 * 1024;
// DirectorySource needs 5 (agencies[].keys[] objects); allow a little more.
inline constexpr int kMaxDirectoryJsonDepth = 8;

// Parses directory.json text as described above.
absl::StatusOr<handover::v1::DirectorySource> ParseDirectorySourceJson(
    absl::string_view json);

// Builds the Directory that `source` describes: every field copied, each
// key read from its public key file (a relative path is taken relative to
// `base_dir`), and issued_at set to `issued_at`. InvalidArgument if a key
// file belongs to another agency id; a key file's own error (NotFound,
// DataLoss, ...) otherwise, naming the agency and key. Does not validate
// the result: SignDirectory does.
absl::StatusOr<handover::v1::Directory> BuildDirectory(
    const handover::v1::DirectorySource& source, const std::string& base_dir,
    absl::Time issued_at);

// Reads directory.json at `path` (bounded before reading) and builds its
// Directory, with key files relative to the folder holding `path`. Every
// error message starts with `path`.
absl::StatusOr<handover::v1::Directory> ReadDirectoryJsonFile(
    const std::string& path, absl::Time issued_at);

}  // namespace handover::directory

#endif  // HANDOVER_DIRECTORY_DIRECTORY_JSON_H_

// Sealing a case bundle with its attachments into an envelope file, and
// opening one back into a directory. This is the offline path the CLI uses;
// the daemons reuse the same payload framing over gRPC streams.
//
// Both directions stream: memory use does not depend on attachment sizes.
// Both are all-or-nothing: a sealed envelope appears at its path only when
// complete, and an opened directory only when every check has passed.
#ifndef HANDOVER_CASEFILE_CASE_FILE_H_
#define HANDOVER_CASEFILE_CASE_FILE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "crypto/identity.h"
#include "crypto/opener.h"
#include "crypto/sealer.h"
#include "handover/v1/bundle.pb.h"

namespace handover::casefile {

// Called as bytes are processed, with (done, total) plaintext bytes.
using ProgressFn = std::function<void(uint64_t done, uint64_t total)>;

struct AttachmentInput {
  std::string path;  // file to read
  std::string name;  // name inside the envelope; defaults to the basename
  std::string media_type = "application/octet-stream";
};

// The label given to an attached file that the bundle does not list.
inline constexpr absl::string_view kUnlistedAttachmentLabel = "attachment";

struct SealRequest {
  handover::v1::CaseBundle bundle;
  std::vector<AttachmentInput> attachments;
  crypto::SealOptions options;
  ProgressFn progress;
};

// Seals `request` from `sender` to `recipients` into `out_path`. The bundle's
// attachment list is completed from the files: an entry already in the
// bundle keeps its label and description and gets its size and media type
// from the file; a file with no entry gets one. A bundle entry with no file
// is an error.
absl::StatusOr<crypto::EnvelopeHeader> SealCaseFile(
    const crypto::SecretIdentity& sender,
    const std::vector<crypto::PublicIdentity>& recipients,
    const SealRequest& request, const std::string& out_path);

struct OpenedAttachment {
  std::string name;
  std::string media_type;
  uint64_t size = 0;
};

struct OpenedCaseFile {
  crypto::EnvelopeHeader header;
  handover::v1::CaseBundle bundle;
  std::vector<OpenedAttachment> attachments;
};

inline constexpr absl::string_view kBundleJsonName = "bundle.json";
inline constexpr absl::string_view kAttachmentsDirName = "attachments";

// Opens `in_path` as `recipient`, checking it was sealed by `sender`, and
// writes `out_dir`/bundle.json and `out_dir`/attachments/NAME (mode 0600).
// `out_dir` must not exist or be empty. Nothing appears there unless the
// whole envelope verifies.
absl::StatusOr<OpenedCaseFile> OpenCaseFile(
    const std::string& in_path, const crypto::SecretIdentity& recipient,
    const crypto::PublicIdentity& sender, const crypto::OpenOptions& options,
    const std::string& out_dir, const ProgressFn& progress = nullptr);

// Reads an envelope file's head with no key, for inspection.
absl::StatusOr<crypto::EnvelopeHead> InspectEnvelopeFile(
    const std::string& path);

}  // namespace handover::casefile

#endif  // HANDOVER_CASEFILE_CASE_FILE_H_

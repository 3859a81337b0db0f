// Checks on a SubmitTransferStart that need no disk and no key: the
// idempotency key, the recipients against the directory, the attachment
// descriptors and the time to live; and the envelope-size estimate made
// before any attachment byte is read. Messages name fields and rules,
// never case content, attachment names or idempotency keys.
//
// Free functions, no state; thread-safe.
#ifndef HANDOVER_NODE_API_SUBMIT_VALIDATION_H_
#define HANDOVER_NODE_API_SUBMIT_VALIDATION_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "crypto/identity.h"
#include "directory/directory_view.h"
#include "handover/v1/bundle.pb.h"
#include "handover/v1/node.pb.h"

namespace handover::node::api {

inline constexpr size_t kMaxIdempotencyKeyBytes = 128;
inline constexpr absl::Duration kDefaultTimeToLive = absl::Hours(24 * 5);
inline constexpr absl::Duration kMaxTimeToLive = absl::Hours(24 * 30);
inline constexpr absl::string_view kDefaultAttachmentMediaType =
    "application/octet-stream";

// 1 to 128 printable ASCII characters (0x20 to 0x7e).
absl::Status ValidateIdempotencyKey(absl::string_view key);

// Checks the recipient list and returns each recipient's encryption key
// valid at `now`, in request order. INVALID_ARGUMENT for an empty list,
// more than the format allows, a malformed or repeated id, or our own
// agency; NOT_FOUND for an agency not in the directory; PERMISSION_DENIED
// for a revoked one; FAILED_PRECONDITION when it has no key valid now.
absl::StatusOr<std::vector<crypto::PublicIdentity>> ResolveRecipients(
    const google::protobuf::RepeatedPtrField<std::string>& recipients,
    const directory::DirectoryView& directory, absl::string_view own_agency_id,
    absl::Time now);

// 0 means kDefaultTimeToLive; otherwise 1 s to kMaxTimeToLive.
absl::StatusOr<absl::Duration> ResolveTimeToLive(uint64_t seconds);

// An attachment as it will be sealed: descriptor values, defaults filled.
struct AttachmentPlan {
  std::string name;
  std::string media_type;
  uint64_t size = 0;
};

// Checks the descriptors: at most `max_attachments` (RESOURCE_EXHAUSTED),
// safe and unique names, printable media types of at most 255 bytes (an
// empty one becomes kDefaultAttachmentMediaType) (INVALID_ARGUMENT).
absl::StatusOr<std::vector<AttachmentPlan>> PlanAttachments(
    const google::protobuf::RepeatedPtrField<
        handover::v1::AttachmentDescriptor>& descriptors,
    int64_t max_attachments);

// Makes the bundle's attachment list describe exactly `plan`, as
// casefile::SealCaseFile does for files: a listed entry keeps its label and
// description and takes its size and media type from the plan; an
// unlisted attachment gets an entry. A bundle entry with no attachment is
// INVALID_ARGUMENT.
absl::Status CompleteBundleAttachments(const std::vector<AttachmentPlan>& plan,
                                       handover::v1::CaseBundle* bundle);

// The exact size of the envelope that sealing these parts will write.
struct EnvelopeEstimate {
  uint64_t plaintext_bytes = 0;
  uint64_t envelope_bytes = 0;
};
absl::StatusOr<EnvelopeEstimate> EstimateEnvelope(
    uint64_t bundle_bytes, const std::vector<AttachmentPlan>& plan,
    absl::string_view sender_id,
    const std::vector<crypto::PublicIdentity>& recipients,
    absl::string_view content_type, uint32_t chunk_size);

}  // namespace handover::node::api

#endif  // HANDOVER_NODE_API_SUBMIT_VALIDATION_H_

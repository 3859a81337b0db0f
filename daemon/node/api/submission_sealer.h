// Seals one SubmitTransfer into an envelope file in the outbox while the
// attachment bytes stream in, so memory does not depend on attachment size.
//
// The plaintext is framed as casefile parts (casefile/payload_format.h):
// the bundle part first, then each attachment in declared order. Attachment
// bytes arrive as one run split by the declared sizes: Write() may be
// called with any chunking, and Finish() checks that every attachment got
// exactly its declared size.
//
// The envelope is written to a temporary name beside `final_path` and only
// renamed there (after fsync) by Finish(); destroying the sealer before a
// successful Finish() removes the temporary file, so a failure leaves
// nothing behind. Borrows `sender`, which must outlive it. Not thread-safe.
#ifndef HANDOVER_NODE_API_SUBMISSION_SEALER_H_
#define HANDOVER_NODE_API_SUBMISSION_SEALER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/file_util.h"
#include "crypto/envelope_format.h"
#include "crypto/identity.h"
#include "crypto/sealer.h"
#include "node/api/submit_validation.h"

namespace handover::node::api {

// What Finish() produced.
struct SealedSubmission {
  crypto::EnvelopeHeader header;
  std::string path;  // final_path
  uint64_t envelope_size = 0;
};

class SubmissionSealer {
 public:
  // Starts the envelope (options.transfer_id must be set) and writes the
  // bundle part. `bundle_bytes` is the serialized, completed bundle.
  static absl::StatusOr<std::unique_ptr<SubmissionSealer>> Begin(
      const crypto::SecretIdentity& sender,
      const std::vector<crypto::PublicIdentity>& recipients,
      const crypto::SealOptions& options, absl::string_view bundle_bytes,
      std::vector<AttachmentPlan> attachments, const std::string& final_path);
  ~SubmissionSealer();
  SubmissionSealer(const SubmissionSealer&) = delete;
  SubmissionSealer& operator=(const SubmissionSealer&) = delete;

  // The next attachment bytes. INVALID_ARGUMENT once more arrive than the
  // declared sizes add up to.
  absl::Status Write(absl::string_view data);

  // INVALID_ARGUMENT if an attachment is short; otherwise seals, signs,
  // syncs and renames the file into place.
  absl::StatusOr<SealedSubmission> Finish();

  // Attachment bytes still expected.
  uint64_t bytes_remaining() const { return total_remaining_; }

 private:
  SubmissionSealer(std::vector<AttachmentPlan> attachments,
                   std::unique_ptr<AtomicFile> file);
  // Writes part headers up to the next attachment that still wants bytes
  // (zero-byte attachments have no data and are passed at once).
  absl::Status AdvanceToOpenAttachment();

  std::vector<AttachmentPlan> attachments_;
  std::unique_ptr<AtomicFile> file_;
  std::unique_ptr<crypto::EnvelopeSealer> sealer_;
  size_t next_part_ = 0;         // index of the next part header to write
  uint64_t part_remaining_ = 0;  // bytes still due for the open part
  uint64_t total_remaining_ = 0;
  bool finished_ = false;
};

}  // namespace handover::node::api

#endif  // HANDOVER_NODE_API_SUBMISSION_SEALER_H_

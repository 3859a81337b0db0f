#include "node/api/submission_sealer.h"

#include <unistd.h>

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "casefile/payload_format.h"
#include "common/status_macros.h"

namespace handover::node::api {
namespace {

absl::Status WritePartHeader(crypto::EnvelopeSealer* sealer,
                             const casefile::PartHeader& part) {
  ASSIGN_OR_RETURN(std::string header, casefile::EncodePartHeader(part));
  return sealer->Write(header);
}

}  // namespace

SubmissionSealer::SubmissionSealer(std::vector<AttachmentPlan> attachments,
                                   std::unique_ptr<AtomicFile> file)
    : attachments_(std::move(attachments)), file_(std::move(file)) {
  for (const AttachmentPlan& a : attachments_) total_remaining_ += a.size;
}

SubmissionSealer::~SubmissionSealer() = default;

absl::StatusOr<std::unique_ptr<SubmissionSealer>> SubmissionSealer::Begin(
    const crypto::SecretIdentity& sender,
    const std::vector<crypto::PublicIdentity>& recipients,
    const crypto::SealOptions& options, absl::string_view bundle_bytes,
    std::vector<AttachmentPlan> attachments, const std::string& final_path) {
  if (options.transfer_id.size() != crypto::kTransferIdBytes) {
    return absl::InternalError("the submission has no transfer id yet");
  }
  ASSIGN_OR_RETURN(std::unique_ptr<AtomicFile> file,
                   AtomicFile::Create(final_path, 0600));
  std::unique_ptr<SubmissionSealer> self(
      new SubmissionSealer(std::move(attachments), std::move(file)));
  ASSIGN_OR_RETURN(self->sealer_,
                   crypto::EnvelopeSealer::Create(sender, recipients, options,
                                                  self->file_.get()));
  RETURN_IF_ERROR(WritePartHeader(
      self->sealer_.get(),
      {casefile::PartKind::kBundle, "", std::string(casefile::kBundleMediaType),
       bundle_bytes.size()}));
  RETURN_IF_ERROR(self->sealer_->Write(bundle_bytes));
  RETURN_IF_ERROR(self->AdvanceToOpenAttachment());
  return self;
}

absl::Status SubmissionSealer::AdvanceToOpenAttachment() {
  while (part_remaining_ == 0 && next_part_ < attachments_.size()) {
    const AttachmentPlan& a = attachments_[next_part_++];
    RETURN_IF_ERROR(WritePartHeader(
        sealer_.get(),
        {casefile::PartKind::kAttachment, a.name, a.media_type, a.size}));
    part_remaining_ = a.size;
  }
  return absl::OkStatus();
}

absl::Status SubmissionSealer::Write(absl::string_view data) {
  if (finished_) return absl::FailedPreconditionError("already finished");
  while (!data.empty()) {
    if (part_remaining_ == 0) {
      return absl::InvalidArgumentError(
          "more attachment data arrived than the attachments declare");
    }
    const size_t take =
        static_cast<size_t>(std::min<uint64_t>(part_remaining_, data.size()));
    RETURN_IF_ERROR(sealer_->Write(data.substr(0, take)));
    data.remove_prefix(take);
    part_remaining_ -= take;
    total_remaining_ -= take;
    RETURN_IF_ERROR(AdvanceToOpenAttachment());
  }
  return absl::OkStatus();
}

absl::StatusOr<SealedSubmission> SubmissionSealer::Finish() {
  if (finished_) return absl::FailedPreconditionError("already finished");
  finished_ = true;
  if (part_remaining_ > 0) {  // so next_part_ >= 1
    const size_t index = next_part_ - 1;
    const AttachmentPlan& a = attachments_[index];
    return absl::InvalidArgumentError(absl::StrCat(
        "attachments[", index, "] ended after ", a.size - part_remaining_,
        " of its declared ", a.size, " bytes"));
  }
  ASSIGN_OR_RETURN(crypto::EnvelopeHeader header, sealer_->Finish());
  const std::string path = file_->final_path();
  if (absl::Status s = file_->Commit(); !s.ok()) {
    // Commit can fail after the rename (syncing the directory): take the
    // file away again so a failed submission leaves nothing behind.
    unlink(path.c_str());
    return s;
  }
  SealedSubmission sealed;
  sealed.envelope_size = header.CiphertextOffset() + header.CiphertextSize();
  sealed.header = std::move(header);
  sealed.path = path;
  return sealed;
}

}  // namespace handover::node::api

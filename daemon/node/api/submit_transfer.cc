#include "node/api/submit_transfer.h"

#include <unistd.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bundle/bundle_validate.h"
#include "casefile/payload_format.h"
#include "common/status_macros.h"
#include "crypto/sealer.h"
#include "crypto/sodium_util.h"
#include "node/api/submission_sealer.h"
#include "node/api/submit_validation.h"
#include "node/api/transfer_id_hex.h"
#include "node/log_events.h"
#include "spdlog/spdlog.h"

namespace handover::node::api {

using handover::v1::SubmitTransferRequest;
using handover::v1::SubmitTransferResponse;
using handover::v1::SubmitTransferStart;

struct SubmitTransferHandler::Prepared {
  std::vector<crypto::PublicIdentity> recipients;
  absl::Duration time_to_live;
  std::vector<AttachmentPlan> attachments;
  std::string bundle_bytes;
};

namespace {

absl::StatusOr<SubmitTransferStart> ReadStart(const ReadSubmitRequest& read) {
  SubmitTransferRequest request;
  if (!read(&request)) {
    return absl::InvalidArgumentError("the request stream was empty");
  }
  if (!request.has_start()) {
    return absl::InvalidArgumentError(
        "the first SubmitTransferRequest must be a start");
  }
  return std::move(*request.mutable_start());
}

SubmitTransferResponse Response(absl::string_view transfer_id, bool duplicate) {
  SubmitTransferResponse response;
  response.set_transfer_id(TransferIdToHex(transfer_id));
  response.set_duplicate(duplicate);
  return response;
}

// The completed, validated bundle, serialized.
absl::StatusOr<std::string> BundleBytes(handover::v1::CaseBundle bundle,
                                        const std::vector<AttachmentPlan>& plan,
                                        uint64_t max_bytes) {
  RETURN_IF_ERROR(CompleteBundleAttachments(plan, &bundle));
  RETURN_IF_ERROR(bundle::ValidateBundle(bundle));
  std::string bytes;
  if (!bundle.SerializeToString(&bytes)) {
    return absl::InternalError("could not serialise the bundle");
  }
  const uint64_t limit =
      std::min<uint64_t>(max_bytes, casefile::kMaxBundleBytes);
  if (bytes.size() > limit) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "the bundle is ", bytes.size(), " bytes; the limit is ", limit));
  }
  return bytes;
}

// Feeds every AttachmentData message to `sealer` until the stream ends.
absl::Status StreamAttachments(const ReadSubmitRequest& read,
                               SubmissionSealer* sealer) {
  SubmitTransferRequest request;
  while (read(&request)) {
    if (!request.has_attachment_data()) {
      return absl::InvalidArgumentError(
          "only attachment_data may follow the start message");
    }
    const std::string& data = request.attachment_data().data();
    if (data.size() > kMaxAttachmentDataBytes) {
      return absl::InvalidArgumentError(absl::StrCat(
          "attachment_data carries at most ", kMaxAttachmentDataBytes,
          " bytes a message; got ", data.size()));
    }
    RETURN_IF_ERROR(sealer->Write(data));
  }
  return absl::OkStatus();
}

OutboxTransfer RecordOf(const Caller& caller, const SubmitTransferStart& start,
                        const SealedSubmission& sealed) {
  OutboxTransfer t;
  t.transfer_id = sealed.header.transfer_id;
  t.client_name = caller.name;
  t.idempotency_key = start.idempotency_key();
  for (const crypto::RecipientEntry& r : sealed.header.recipients) {
    t.recipients.push_back(r.agency_id);
  }
  t.created_at = absl::FromUnixSeconds(sealed.header.created_at);
  t.expires_at = absl::FromUnixSeconds(sealed.header.expires_at);
  t.envelope_path = sealed.path;
  t.envelope_size = sealed.envelope_size;
  t.ciphertext_hash = sealed.header.ciphertext_hash;
  return t;
}

}  // namespace

absl::StatusOr<SubmitTransferResponse> SubmitTransferHandler::Handle(
    const Caller& caller, const ReadSubmitRequest& read) const {
  ASSIGN_OR_RETURN(SubmitTransferStart start, ReadStart(read));
  RETURN_IF_ERROR(ValidateIdempotencyKey(start.idempotency_key()));
  ASSIGN_OR_RETURN(
      std::optional<std::string> earlier,
      env_->store->FindByIdempotencyKey(caller.name, start.idempotency_key()));
  if (earlier.has_value()) {
    spdlog::info("SubmitTransfer: client {} repeated a key; transfer {}",
                 caller.name, TransferIdToHex(*earlier));
    return Response(*earlier, /*duplicate=*/true);
  }
  RETURN_IF_ERROR(limiter_->Acquire(caller.name));
  ASSIGN_OR_RETURN(Prepared prepared, Prepare(start));
  return SealAndStore(caller, start, std::move(prepared), read);
}

absl::StatusOr<SubmitTransferHandler::Prepared> SubmitTransferHandler::Prepare(
    const SubmitTransferStart& start) const {
  std::shared_ptr<const directory::DirectoryView> directory =
      env_->current_directory ? env_->current_directory() : nullptr;
  if (directory == nullptr) {
    return absl::UnavailableError(
        "this node has no verified directory yet; try again later");
  }
  Prepared p;
  ASSIGN_OR_RETURN(
      p.recipients,
      ResolveRecipients(start.recipients(), *directory,
                        env_->identity->agency_id(), env_->clock->Now()));
  ASSIGN_OR_RETURN(p.time_to_live,
                   ResolveTimeToLive(start.time_to_live_seconds()));
  ASSIGN_OR_RETURN(
      p.attachments,
      PlanAttachments(start.attachments(), env_->limits.max_attachments));
  ASSIGN_OR_RETURN(p.bundle_bytes,
                   BundleBytes(start.bundle(), p.attachments,
                               env_->limits.max_bundle_json_bytes));
  ASSIGN_OR_RETURN(EnvelopeEstimate estimate,
                   EstimateEnvelope(p.bundle_bytes.size(), p.attachments,
                                    env_->identity->agency_id(), p.recipients,
                                    crypto::kCaseBundleContentType,
                                    crypto::kDefaultChunkSize));
  if (estimate.envelope_bytes > env_->limits.max_envelope_bytes) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "the envelope would be ", estimate.envelope_bytes,
        " bytes; this node's limit is ", env_->limits.max_envelope_bytes));
  }
  return p;
}

absl::StatusOr<SubmitTransferResponse> SubmitTransferHandler::SealAndStore(
    const Caller& caller, const SubmitTransferStart& start, Prepared prepared,
    const ReadSubmitRequest& read) const {
  crypto::SealOptions options;
  options.transfer_id.resize(crypto::kTransferIdBytes);
  crypto::RandomBytes(options.transfer_id.data(), options.transfer_id.size());
  options.clock = env_->clock;
  options.time_to_live = prepared.time_to_live;
  const std::string path =
      OutboxEnvelopePath(env_->outbox_dir, options.transfer_id);
  ASSIGN_OR_RETURN(
      std::unique_ptr<SubmissionSealer> sealer,
      SubmissionSealer::Begin(env_->identity->current(), prepared.recipients,
                              options, prepared.bundle_bytes,
                              std::move(prepared.attachments), path));
  RETURN_IF_ERROR(StreamAttachments(read, sealer.get()));
  ASSIGN_OR_RETURN(SealedSubmission sealed, sealer->Finish());

  const OutboxTransfer record = RecordOf(caller, start, sealed);
  absl::StatusOr<InsertOutboxResult> stored = env_->store->InsertOutbox(record);
  if (!stored.ok() || stored->duplicate) unlink(sealed.path.c_str());
  if (!stored.ok()) return stored.status();
  const std::string hex = TransferIdToHex(stored->transfer_id);
  if (stored->duplicate) {
    spdlog::info(
        "SubmitTransfer: client {} repeated a key while sealing; "
        "transfer {}",
        caller.name, hex);
    return Response(stored->transfer_id, /*duplicate=*/true);
  }
  spdlog::info(
      "SubmitTransfer: client {} stored transfer {} ({} bytes, {} "
      "recipients)",
      caller.name, hex, sealed.envelope_size, sealed.header.recipients.size());
  if (env_->events != nullptr) {
    RecordSubmission(*env_->events, env_->identity->agency_id(), record);
  }
  if (env_->notify_outbox) env_->notify_outbox();
  return Response(stored->transfer_id, /*duplicate=*/false);
}

}  // namespace handover::node::api

#include "node/api/fetch_transfer.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "bundle/bundle_json.h"
#include "casefile/payload_format.h"
#include "common/file_util.h"
#include "common/status_macros.h"
#include "crypto/envelope_errors.h"
#include "crypto/opener.h"
#include "crypto/sealer.h"
#include "crypto/secret_bytes.h"
#include "node/api/queries.h"
#include "node/api/transfer_id_hex.h"
#include "node/inbox_opening.h"
#include "spdlog/spdlog.h"

namespace handover::node::api {
namespace {

using handover::v1::FetchTransferResponse;

absl::Status Malformed(absl::string_view message) {
  return crypto::EnvelopeError(absl::StatusCode::kInvalidArgument,
                               crypto::EnvelopeFailure::kMalformedPayload,
                               absl::StrCat("malformed payload: ", message));
}

absl::Status ClientGone() {
  return absl::CancelledError("the client stopped reading the fetch");
}

// Turns decrypted parts into responses: buffers the bundle, sends the
// header once it is complete, then passes attachment bytes on in messages
// of at most kMaxFetchDataBytes, checking every part against the bundle's
// attachment list.
class FetchWriter final : public casefile::PartHandler {
 public:
  FetchWriter(const InboxRecord& record, uint64_t plaintext_size,
              const WriteFetchResponse* write)
      : record_(record), plaintext_size_(plaintext_size), write_(write) {}
  ~FetchWriter() override {
    crypto::Wipe(bundle_bytes_.data(), bundle_bytes_.size());
  }

  absl::Status OnPartStart(const casefile::PartHeader& part) override {
    current_ = part.kind;
    if (part.kind == casefile::PartKind::kBundle) return absl::OkStatus();
    if (next_attachment_ >= listed_.size()) {
      return Malformed("more attachments than the bundle lists");
    }
    const handover::v1::FetchedAttachment& listed = listed_[next_attachment_];
    if (listed.name() != part.name || listed.media_type() != part.media_type ||
        listed.size() != part.length) {
      return Malformed(absl::StrCat("attachment ", next_attachment_,
                                    " differs from the bundle's list"));
    }
    ++next_attachment_;
    return absl::OkStatus();
  }

  absl::Status OnPartData(absl::string_view data) override {
    if (current_ == casefile::PartKind::kBundle) {
      bundle_bytes_.append(data.data(), data.size());
      return absl::OkStatus();
    }
    while (!data.empty()) {
      std::string* out = pending_.mutable_attachment_data()->mutable_data();
      const size_t take =
          std::min(kMaxFetchDataBytes - out->size(), data.size());
      out->append(data.data(), take);
      data.remove_prefix(take);
      if (out->size() == kMaxFetchDataBytes) RETURN_IF_ERROR(Flush());
    }
    return absl::OkStatus();
  }

  absl::Status OnPartEnd() override {
    if (current_ != casefile::PartKind::kBundle) return absl::OkStatus();
    return SendHeader();
  }

  // After the opener verified the last chunk and the reader finished.
  absl::Status Finish() {
    if (!header_sent_) return Malformed("payload has no bundle part");
    if (next_attachment_ != listed_.size()) {
      return Malformed("fewer attachments than the bundle lists");
    }
    RETURN_IF_ERROR(Flush());
    FetchTransferResponse end;
    end.mutable_end();
    return (*write_)(end) ? absl::OkStatus() : ClientGone();
  }

  uint64_t attachment_bytes_sent() const { return sent_; }

 private:
  absl::Status SendHeader() {
    absl::StatusOr<handover::v1::CaseBundle> bundle =
        bundle::ParseBundleBinary(bundle_bytes_);
    crypto::Wipe(bundle_bytes_.data(), bundle_bytes_.size());
    bundle_bytes_.clear();
    if (!bundle.ok()) return Malformed(bundle.status().message());
    FetchTransferResponse response;
    handover::v1::FetchHeader* header = response.mutable_header();
    header->set_transfer_id(TransferIdToHex(record_.transfer_id));
    header->set_sender_id(record_.sender_id);
    header->mutable_created_at()->set_seconds(
        absl::ToUnixSeconds(record_.created_at));
    header->set_plaintext_size(plaintext_size_);
    if (record_.recall.has_value()) {
      *header->mutable_recall() = ToRecallFlag(*record_.recall);
    }
    for (const handover::v1::Attachment& a : bundle->attachments()) {
      handover::v1::FetchedAttachment* f = header->add_attachments();
      f->set_name(a.name());
      f->set_media_type(a.media_type());
      f->set_size(a.size_bytes());
      listed_.push_back(*f);
    }
    *header->mutable_bundle() = std::move(*bundle);
    header_sent_ = true;
    return (*write_)(response) ? absl::OkStatus() : ClientGone();
  }

  absl::Status Flush() {
    if (!pending_.has_attachment_data() ||
        pending_.attachment_data().data().empty()) {
      return absl::OkStatus();
    }
    const bool ok = (*write_)(pending_);
    sent_ += pending_.attachment_data().data().size();
    pending_.Clear();
    return ok ? absl::OkStatus() : ClientGone();
  }

  const InboxRecord& record_;
  const uint64_t plaintext_size_;
  const WriteFetchResponse* write_;
  casefile::PartKind current_ = casefile::PartKind::kBundle;
  std::string bundle_bytes_;
  bool header_sent_ = false;
  std::vector<handover::v1::FetchedAttachment> listed_;
  size_t next_attachment_ = 0;
  FetchTransferResponse pending_;
  uint64_t sent_ = 0;
};

}  // namespace

absl::Status FetchTransferHandler::Handle(
    const Caller& caller, const handover::v1::FetchTransferRequest& request,
    const WriteFetchResponse& write) const {
  ASSIGN_OR_RETURN(std::string id, TransferIdFromHex(request.transfer_id()));
  ASSIGN_OR_RETURN(std::optional<InboxRecord> record,
                   env_->store->GetInbox(id));
  if (!record.has_value()) {
    return absl::NotFoundError(absl::StrCat("transfer ", request.transfer_id(),
                                            " is not in the inbox"));
  }
  if (record->content_pruned_at.has_value()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "transfer ", request.transfer_id(), "'s content was deleted on ",
        absl::FormatTime("%Y-%m-%d", *record->content_pruned_at,
                         absl::UTCTimeZone()),
        " under the node's [retention] setting; ask the sender to send it "
        "again"));
  }
  std::shared_ptr<const directory::DirectoryView> directory =
      env_->current_directory ? env_->current_directory() : nullptr;
  if (directory == nullptr) {
    return absl::UnavailableError(
        "this node has no verified directory yet; try again later");
  }
  ASSIGN_OR_RETURN(std::unique_ptr<OpenedInbox> opened,
                   OpenInboxEnvelope(*record, *directory, *env_->identity));
  crypto::EnvelopeOpener* opener = opened->opener.get();
  FetchWriter writer(*record, opener->header().plaintext_size, &write);
  casefile::PayloadReader reader(&writer);
  std::string chunk;
  for (bool last = false; !last;) {
    ASSIGN_OR_RETURN(last, opener->Next(&chunk));
    absl::Status fed = reader.Feed(chunk);
    crypto::Wipe(chunk.data(), chunk.size());
    RETURN_IF_ERROR(fed);
  }
  RETURN_IF_ERROR(reader.Finish());
  RETURN_IF_ERROR(writer.Finish());
  RETURN_IF_ERROR(env_->store->RecordInboxFetch(id));
  spdlog::info(
      "FetchTransfer: client {} fetched transfer {} ({} attachment "
      "bytes)",
      caller.name, request.transfer_id(), writer.attachment_bytes_sent());
  return absl::OkStatus();
}

}  // namespace handover::node::api

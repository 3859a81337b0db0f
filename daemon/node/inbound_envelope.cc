#include "node/inbound_envelope.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "crypto/envelope_format.h"
#include "crypto/identity.h"
#include "deliverylog/delivery_proof.h"
#include "handover/v1/notice.pb.h"
#include "notice/notice_signing.h"

namespace handover::node {
namespace {

std::string InboxPath(const std::string& dir, const std::string& hex) {
  return (std::filesystem::path(dir) / absl::StrCat(hex, ".envelope")).string();
}

// Which of the sender's valid keys signed, by the header's key id.
const crypto::PublicIdentity* KeyById(
    const std::vector<crypto::PublicIdentity>& keys, absl::string_view key_id) {
  for (const crypto::PublicIdentity& key : keys) {
    if (key.sign_key_id() == key_id) return &key;
  }
  return nullptr;
}

}  // namespace

InboundEnvelope::InboundEnvelope(const LinkContext& context,
                                 const handover::v1::EnvelopeHead& head)
    : context_(context) {
  std::optional<std::string> refusal = CheckHead(head);
  if (refusal.has_value()) {
    Reject(*std::move(refusal));
    return;
  }
  if (duplicate_ || !local_failure_.ok()) return;
  verifier_ = std::make_unique<crypto::CiphertextVerifier>(head_.header);
  local_failure_ = StartFile();
}

InboundEnvelope::~InboundEnvelope() = default;

std::optional<std::string> InboundEnvelope::CheckHead(
    const handover::v1::EnvelopeHead& head) {
  if (head.signed_header().size() >
      crypto::kPrefixBytes + crypto::kMaxHeaderBytes) {
    return "envelope header is too large";
  }
  absl::StatusOr<crypto::EnvelopeHeader> header =
      crypto::ParseHeader(head.signed_header());
  if (!header.ok()) return "malformed envelope header";
  transfer_hex_ = crypto::ToHex(header->transfer_id);
  if (head.signature().size() != crypto::kSignatureBytes ||
      static_cast<size_t>(head.wrapped_keys_size()) !=
          header->recipients.size()) {
    return "malformed envelope head";
  }
  for (const std::string& wrapped : head.wrapped_keys()) {
    if (wrapped.size() != crypto::kWrappedKeyBytes) {
      return "malformed wrapped key";
    }
  }
  head_.signed_header = head.signed_header();
  head_.header = *std::move(header);
  head_.signature = head.signature();
  head_.wrapped_keys.assign(head.wrapped_keys().begin(),
                            head.wrapped_keys().end());
  const crypto::EnvelopeHeader& h = head_.header;

  absl::StatusOr<bool> held = context_.store->InboxContains(h.transfer_id);
  if (!held.ok()) {
    local_failure_ = held.status();
    return std::nullopt;
  }
  if (*held) {
    duplicate_ = true;
    return std::nullopt;
  }

  bool listed = false;
  for (const crypto::RecipientEntry& r : h.recipients) {
    if (r.agency_id != context_.keys->agency_id()) continue;
    listed = true;
    // The current key or, during a rotation, an earlier one still held.
    recipient_key_ = context_.keys->FindByBoxKeyId(r.box_key_id);
    if (recipient_key_ == nullptr) {
      return "sealed to a key this agency does not hold";
    }
  }
  if (!listed) return "this agency is not a recipient";
  // The router signs notices, never transfers: a transfer in its name would
  // let a compromised router inject records.
  if (h.sender_id == context_.router_agency_id) {
    return "the router may not send transfers";
  }
  if (h.CiphertextOffset() + h.CiphertextSize() > context_.max_envelope_bytes) {
    return "envelope is over this node's size limit";
  }
  const absl::Time now = context_.clock->Now();
  if (now >= absl::FromUnixSeconds(h.expires_at)) return "envelope has expired";
  if (absl::FromUnixSeconds(h.created_at) > now + context_.max_clock_skew) {
    return "envelope is dated in the future";
  }
  // Senders cap the lifetime; checking it here too bounds how far back a
  // leaked, since-expired key can date a forgery that is still unexpired.
  // absl::Time arithmetic saturates, so hostile extremes cannot overflow.
  if (absl::FromUnixSeconds(h.expires_at) -
          absl::FromUnixSeconds(h.created_at) >
      context_.max_lifetime) {
    return "envelope lifetime is longer than allowed";
  }

  if (std::shared_ptr<const directory::DirectoryView> directory =
          context_.directory->Current();
      directory != nullptr &&
      !directory->CheckNotCompromised(h.sender_id, h.sender_key_id).ok()) {
    return "sender key is revoked (compromised)";
  }
  absl::StatusOr<std::vector<crypto::PublicIdentity>> keys =
      SignerKeysAt(context_, h.sender_id, absl::FromUnixSeconds(h.created_at));
  if (absl::IsPermissionDenied(keys.status())) return "sender is revoked";
  if (!keys.ok()) return "sender or its key is not in the directory";
  const crypto::PublicIdentity* key = KeyById(*keys, h.sender_key_id);
  if (key == nullptr) return "sender key was not valid when it was sealed";
  if (!crypto::VerifyEnvelopeSignature(head_, *key).ok()) {
    return "sender signature does not verify";
  }
  return std::nullopt;
}

absl::Status InboundEnvelope::StartFile() {
  ASSIGN_OR_RETURN(
      file_,
      AtomicFile::Create(InboxPath(context_.inbox_dir, transfer_hex_), 0600));
  RETURN_IF_ERROR(file_->Append(head_.signed_header));
  RETURN_IF_ERROR(file_->Append(head_.signature));
  for (const std::string& wrapped : head_.wrapped_keys) {
    RETURN_IF_ERROR(file_->Append(wrapped));
  }
  file_bytes_ = head_.header.CiphertextOffset();
  return absl::OkStatus();
}

void InboundEnvelope::Reject(std::string reason) {
  rejection_ = std::move(reason);
  file_.reset();  // removes the temporary file
  verifier_.reset();
}

absl::Status InboundEnvelope::Append(absl::string_view ciphertext) {
  if (!local_failure_.ok()) return local_failure_;
  if (duplicate_ || rejection_.has_value()) return absl::OkStatus();
  if (!verifier_->Update(ciphertext).ok()) {
    Reject("ciphertext is longer than the header says");
    return absl::OkStatus();
  }
  local_failure_ = file_->Append(ciphertext);
  file_bytes_ += ciphertext.size();
  return local_failure_;
}

AckOrLocalFailure InboundEnvelope::Finish(uint64_t declared_size) {
  if (!local_failure_.ok()) return local_failure_;
  if (duplicate_) return StoredAck();
  if (!rejection_.has_value()) {
    if (declared_size != verifier_->bytes_seen()) {
      Reject("ciphertext size does not match the end of the envelope");
    } else if (!verifier_->Finish().ok()) {
      Reject("ciphertext does not match the signed length or hash");
    }
  }
  if (rejection_.has_value()) {
    RecordRejection();
    return RejectedAck(*rejection_);
  }
  std::string receipt;
  RETURN_IF_ERROR(Store(&receipt));
  return StoredAck();
}

void InboundEnvelope::RecordDelivery(absl::Time now,
                                     handover::v1::DeliveryReceipt* receipt) {
  if (context_.events == nullptr) return;
  const crypto::EnvelopeHeader& h = head_.header;
  deliverylog::LogEvent event(handover::v1::LOG_EVENT_KIND_DELIVERED);
  event.Transfer(h.transfer_id)
      .Sender(h.sender_id)
      .Recipient(context_.keys->agency_id())
      .Size(file_bytes_)
      .EnvelopeHash(h.ciphertext_hash)
      .Actor("router")
      .Time(now);
  std::optional<uint64_t> index = context_.events->Record(event);
  if (!index.has_value() || context_.log == nullptr) return;
  handover::v1::LogEntry entry = event.entry();
  entry.set_index(*index);
  // Without the proof the receipt still proves delivery by its signature;
  // only the cross-check against our log is missing.
  if (absl::Status s =
          deliverylog::AttachDeliveryProof(*context_.log, entry, receipt);
      !s.ok()) {
    spdlog::error("inbox: transfer {}: receipt sent without its log proof: {}",
                  transfer_hex_, s.ToString());
  }
}

void InboundEnvelope::RecordRejection() {
  if (context_.events == nullptr) return;
  deliverylog::LogEvent event(handover::v1::LOG_EVENT_KIND_REJECTED);
  event.Recipient(context_.keys->agency_id())
      .Actor("router")
      .Detail(*rejection_);
  // What of the header parsed is worth keeping; a malformed one gives none.
  if (head_.header.transfer_id.size() == crypto::kTransferIdBytes) {
    event.Transfer(head_.header.transfer_id);
  }
  if (crypto::ValidateAgencyId(head_.header.sender_id).ok()) {
    event.Sender(head_.header.sender_id);
  }
  context_.events->Record(event);
}

absl::Status InboundEnvelope::Store(std::string* signed_receipt) {
  const crypto::EnvelopeHeader& h = head_.header;
  const absl::Time now = context_.clock->Now();
  // The file first: the log then says DELIVERED only of what is on disk.
  RETURN_IF_ERROR(file_->Commit());
  handover::v1::Notice notice;
  notice.set_signer_id(context_.keys->agency_id());
  notice.set_addressee_id(h.sender_id);
  notice.set_transfer_id(h.transfer_id);
  *notice.mutable_issued_at() = ToTimestamp(now);
  notice.mutable_receipt()->set_ciphertext_hash(h.ciphertext_hash);
  *notice.mutable_receipt()->mutable_stored_at() = ToTimestamp(now);
  RecordDelivery(now, notice.mutable_receipt());
  ASSIGN_OR_RETURN(handover::v1::SignedNotice signed_notice,
                   notice::SignNotice(context_.keys->current(), notice));
  *signed_receipt = signed_notice.SerializeAsString();

  InboxRecord record;
  record.transfer_id = h.transfer_id;
  record.sender_id = h.sender_id;
  record.created_at = absl::FromUnixSeconds(h.created_at);
  record.received_at = now;
  record.expires_at = absl::FromUnixSeconds(h.expires_at);
  record.content_type = h.content_type;
  record.envelope_path = file_->final_path();
  record.envelope_size = file_bytes_;
  record.ciphertext_hash = h.ciphertext_hash;
  record.sender_key_id = h.sender_key_id;
  ASSIGN_OR_RETURN(bool inserted,
                   context_.store->InsertInbox(record, *signed_receipt, now));
  // Tells the operator an earlier key is still needed (OPERATIONS.md §7).
  const std::string sealed_to =
      recipient_key_ == &context_.keys->current()
          ? ""
          : absl::StrCat(
                ", sealed to previous key ",
                crypto::ToHex(recipient_key_->public_identity().box_key_id()));
  spdlog::info("inbox: transfer {} from {} stored ({} bytes){}{}",
               transfer_hex_, h.sender_id, file_bytes_, sealed_to,
               inserted ? "" : ", already held");
  return absl::OkStatus();
}

}  // namespace handover::node

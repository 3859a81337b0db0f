#include "node/notice_handler.h"

#include <spdlog/spdlog.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "crypto/envelope_format.h"
#include "crypto/identity.h"
#include "deliverylog/delivery_proof.h"
#include "deliverylog/event_recorder.h"
#include "notice/notice_signing.h"

namespace handover::node {
namespace {

bool IsRecipient(const TransferRecord& transfer, absl::string_view agency) {
  for (const RecipientDelivery& r : transfer.recipients) {
    if (r.agency_id == agency) return true;
  }
  return false;
}

constexpr size_t kMaxReasonBytes = 256;

// The router's detail, kept to one short line; a default per reason code
// if it gave none.
std::string ReportReason(const handover::v1::NonDeliveryReport& report) {
  if (!report.detail().empty()) {
    std::string line = report.detail().substr(0, kMaxReasonBytes);
    for (char& c : line) {
      if (c == '\n' || c == '\r') c = ' ';
    }
    return line;
  }
  switch (report.reason()) {
    case handover::v1::NON_DELIVERY_REASON_EXPIRED:
      return "not delivered before it expired";
    case handover::v1::NON_DELIVERY_REASON_REJECTED_BY_RECIPIENT:
      return "refused by the recipient's node";
    case handover::v1::NON_DELIVERY_REASON_RECIPIENT_REVOKED:
      return "the recipient agency was revoked";
    case handover::v1::NON_DELIVERY_REASON_WITHDRAWN:
      return "withdrawn: a later move superseded it";
    case handover::v1::NON_DELIVERY_REASON_SENDER_KEY_COMPROMISED:
      return "held by the router: the signing key was compromised";
    default:
      return "not delivered";
  }
}

}  // namespace

void NoticeHandler::RecordReceipt(
    const handover::v1::Notice& notice,
    const std::vector<crypto::PublicIdentity>& keys,
    const TransferRecord& transfer) {
  if (context_.events == nullptr) return;
  absl::StatusOr<std::string> proven = deliverylog::VerifyDeliveryProof(
      notice.receipt(), notice.signer_id(), notice.transfer_id(),
      transfer.transfer.ciphertext_hash, keys);
  std::string detail;
  if (proven.ok()) {
    detail = absl::StrCat("signature verified; delivery proven in ",
                          notice.signer_id(), "'s log: ", *proven);
  } else if (absl::IsNotFound(proven.status())) {
    detail = "signature verified; the receipt carries no log proof";
  } else {
    // The signed receipt stands; the mismatch is for an admin to look at.
    detail = absl::StrCat("signature verified; its log proof does NOT: ",
                          proven.status().message());
    spdlog::warn("outbox: transfer {}: {}'s receipt has a bad log proof: {}",
                 crypto::ToHex(notice.transfer_id()), notice.signer_id(),
                 proven.status().ToString());
  }
  context_.events->Record(
      deliverylog::LogEvent(handover::v1::LOG_EVENT_KIND_RECEIPT_VERIFIED)
          .Transfer(notice.transfer_id())
          .Sender(context_.keys->agency_id())
          .Recipient(notice.signer_id())
          .Size(transfer.transfer.envelope_size)
          .EnvelopeHash(transfer.transfer.ciphertext_hash)
          .Actor(notice.signer_id())
          .Detail(detail));
}

AckOrLocalFailure NoticeHandler::Apply(
    const handover::v1::SignedNotice& signed_notice) {
  if (signed_notice.ByteSizeLong() > notice::kMaxSignedNoticeBytes) {
    return RejectedAck("notice is too large");
  }
  absl::StatusOr<handover::v1::Notice> peeked =
      notice::PeekNotice(signed_notice);
  if (!peeked.ok()) return RejectedAck("malformed notice");
  if (peeked->addressee_id() != context_.keys->agency_id()) {
    return RejectedAck("notice is not addressed to this agency");
  }
  absl::StatusOr<std::vector<crypto::PublicIdentity>> keys = SignerKeysAt(
      context_, peeked->signer_id(), FromTimestamp(peeked->issued_at()));
  if (!keys.ok()) return RejectedAck("notice signer is not in the directory");
  absl::StatusOr<handover::v1::Notice> notice =
      notice::VerifyNotice(signed_notice, *keys);
  if (!notice.ok()) return RejectedAck("notice signature does not verify");

  if (notice->transfer_id().size() != crypto::kTransferIdBytes) {
    return RejectedAck("notice names a malformed transfer id");
  }
  ASSIGN_OR_RETURN(std::optional<TransferRecord> transfer,
                   context_.store->GetTransfer(notice->transfer_id()));
  if (!transfer.has_value()) {
    return RejectedAck("notice is for a transfer this agency did not send");
  }
  const std::string serialized = signed_notice.SerializeAsString();
  if (notice->has_receipt()) {
    return ApplyReceipt(*notice, *keys, *transfer, serialized);
  }
  if (notice->has_non_delivery()) {
    return ApplyReport(*notice, *transfer, serialized);
  }
  if (notice->has_acknowledgement()) {
    return ApplyAcknowledgement(*notice, *transfer, serialized);
  }
  return RejectedAck("notice has no body");
}

AckOrLocalFailure NoticeHandler::ApplyReceipt(
    const handover::v1::Notice& notice,
    const std::vector<crypto::PublicIdentity>& keys,
    const TransferRecord& transfer, const std::string& serialized) {
  if (!IsRecipient(transfer, notice.signer_id())) {
    return RejectedAck("receipt is not from a recipient of the transfer");
  }
  if (notice.receipt().ciphertext_hash() != transfer.transfer.ciphertext_hash) {
    return RejectedAck("receipt names other ciphertext");
  }
  DeliveryUpdate update;
  update.state = handover::v1::DELIVERY_STATE_DELIVERED;
  update.at = context_.clock->Now();
  update.receipt = serialized;
  ASSIGN_OR_RETURN(bool applied,
                   context_.store->UpdateDelivery(notice.transfer_id(),
                                                  notice.signer_id(), update));
  spdlog::info("outbox: transfer {} delivered to {}{}",
               crypto::ToHex(notice.transfer_id()), notice.signer_id(),
               applied ? "" : " (state already final)");
  if (applied) RecordReceipt(notice, keys, transfer);
  return StoredAck();
}

AckOrLocalFailure NoticeHandler::ApplyAcknowledgement(
    const handover::v1::Notice& notice, const TransferRecord& transfer,
    const std::string& serialized) {
  if (!IsRecipient(transfer, notice.signer_id())) {
    return RejectedAck(
        "acknowledgement is not from a recipient of the transfer");
  }
  const handover::v1::Acknowledgement& ack = notice.acknowledgement();
  if (ack.ciphertext_hash() != transfer.transfer.ciphertext_hash) {
    return RejectedAck("acknowledgement names other ciphertext");
  }
  if (ack.operator_id().empty() || ack.operator_id().size() > 64) {
    return RejectedAck("acknowledgement has no valid operator id");
  }
  for (char c : ack.operator_id()) {
    if (c < 0x20 || c > 0x7e) {
      return RejectedAck("acknowledgement has no valid operator id");
    }
  }
  ASSIGN_OR_RETURN(
      bool recorded,
      context_.store->RecordAcknowledgement(
          notice.transfer_id(), notice.signer_id(), ack.operator_id(),
          FromTimestamp(ack.acknowledged_at()), serialized));
  spdlog::info("outbox: transfer {} acknowledged by {}{}",
               crypto::ToHex(notice.transfer_id()), notice.signer_id(),
               recorded ? "" : " (already acknowledged)");
  if (recorded && context_.events != nullptr) {
    context_.events->Record(
        deliverylog::LogEvent(
            handover::v1::LOG_EVENT_KIND_ACKNOWLEDGEMENT_VERIFIED)
            .Transfer(notice.transfer_id())
            .Sender(context_.keys->agency_id())
            .Recipient(notice.signer_id())
            .EnvelopeHash(ack.ciphertext_hash())
            .Actor(ack.operator_id())
            .Detail(
                ack.alert_id().empty()
                    ? "acknowledged"
                    : absl::StrCat("alert ", ack.alert_id(), " acknowledged")));
  }
  return StoredAck();
}

AckOrLocalFailure NoticeHandler::ApplyReport(const handover::v1::Notice& notice,
                                             const TransferRecord& transfer,
                                             const std::string& serialized) {
  if (context_.router_agency_id.empty() ||
      notice.signer_id() != context_.router_agency_id) {
    return RejectedAck("non-delivery report is not signed by the router");
  }
  const handover::v1::NonDeliveryReport& report = notice.non_delivery();
  if (!IsRecipient(transfer, report.undelivered_recipient())) {
    return RejectedAck("report names an agency that is not a recipient");
  }
  DeliveryUpdate update;
  switch (report.reason()) {
    case handover::v1::NON_DELIVERY_REASON_EXPIRED:
      update.state = handover::v1::DELIVERY_STATE_EXPIRED;
      break;
    case handover::v1::NON_DELIVERY_REASON_WITHDRAWN:
      update.state = handover::v1::DELIVERY_STATE_WITHDRAWN;
      break;
    default:
      update.state = handover::v1::DELIVERY_STATE_FAILED;
  }
  update.reason = ReportReason(report);
  update.at = context_.clock->Now();
  update.report = serialized;
  ASSIGN_OR_RETURN(bool applied, context_.store->UpdateDelivery(
                                     notice.transfer_id(),
                                     report.undelivered_recipient(), update));
  spdlog::info("outbox: transfer {} not delivered to {} ({}){}",
               crypto::ToHex(notice.transfer_id()),
               report.undelivered_recipient(),
               handover::v1::NonDeliveryReason_Name(report.reason()),
               applied ? "" : "; state already final, unchanged");
  if (applied && context_.events != nullptr) {
    handover::v1::LogEventKind kind = handover::v1::LOG_EVENT_KIND_FAILED;
    if (update.state == handover::v1::DELIVERY_STATE_EXPIRED) {
      kind = handover::v1::LOG_EVENT_KIND_EXPIRED;
    } else if (update.state == handover::v1::DELIVERY_STATE_WITHDRAWN) {
      kind = handover::v1::LOG_EVENT_KIND_SUPERSEDED;
    }
    context_.events->Record(deliverylog::LogEvent(kind)
                                .Transfer(notice.transfer_id())
                                .Sender(context_.keys->agency_id())
                                .Recipient(report.undelivered_recipient())
                                .EnvelopeHash(transfer.transfer.ciphertext_hash)
                                .Actor(notice.signer_id())
                                .Detail(update.reason));
  }
  return StoredAck();
}

}  // namespace handover::node

#include "router/notice_intake.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "crypto/envelope_format.h"
#include "crypto/identity.h"
#include "notice/notice_signing.h"
#include "spdlog/spdlog.h"

namespace handover::router {
namespace {

using handover::v1::Notice;
using handover::v1::SignedNotice;

// For messages: which of the two kinds a node may submit this is.
absl::string_view KindName(const Notice& notice) {
  return notice.has_receipt() ? "receipt" : "acknowledgement";
}

// The ciphertext hash the notice names.
const std::string& NamedHash(const Notice& notice) {
  return notice.has_receipt() ? notice.receipt().ciphertext_hash()
                              : notice.acknowledgement().ciphertext_hash();
}

absl::StatusOr<Notice> VerifyByCaller(const SignedNotice& signed_notice,
                                      absl::string_view caller_id,
                                      const directory::DirectoryView& dir) {
  if (signed_notice.ByteSizeLong() > notice::kMaxSignedNoticeBytes) {
    return absl::InvalidArgumentError("the notice is too large");
  }
  ASSIGN_OR_RETURN(Notice peeked, notice::PeekNotice(signed_notice));
  if (!peeked.has_receipt() && !peeked.has_acknowledgement()) {
    return absl::PermissionDeniedError(
        "nodes may submit delivery receipts and acknowledgements only");
  }
  if (peeked.signer_id() != caller_id) {
    return absl::PermissionDeniedError(absl::StrCat(
        "the ", KindName(peeked), " is signed for ", peeked.signer_id(),
        ", not the caller's agency ", caller_id));
  }
  const absl::Time issued_at =
      absl::FromUnixSeconds(peeked.issued_at().seconds());
  absl::StatusOr<std::vector<crypto::PublicIdentity>> keys =
      dir.SigningKeysAt(caller_id, issued_at);
  if (!keys.ok()) {
    if (keys.status().code() == absl::StatusCode::kPermissionDenied) {
      return keys.status();
    }
    return absl::UnauthenticatedError(absl::StrCat(
        "agency ", caller_id, " has no signing key valid at issued_at"));
  }
  return notice::VerifyNotice(signed_notice, *keys);
}

// Notices travel past the router unencrypted: plain, bounded fields only.
// (The notice format itself bounds the operator id; see notice_signing.h.)
absl::Status CheckAlertId(const handover::v1::Acknowledgement& ack) {
  const std::string& alert = ack.alert_id();
  const auto is_hex = [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  };
  if (!alert.empty() &&
      (alert.size() != 2 + 2 * crypto::kTransferIdBytes ||
       !absl::StartsWith(alert, "A-") ||
       !std::all_of(alert.begin() + 2, alert.end(), is_hex))) {
    return absl::InvalidArgumentError(
        "the acknowledgement's alert id is not \"A-\" and 32 hex digits");
  }
  return absl::OkStatus();
}

// The notice against the transfer it names.
absl::Status CheckAgainstEnvelope(const Notice& notice,
                                  absl::string_view caller_id,
                                  const EnvelopeRecord& envelope) {
  const std::string transfer = crypto::ToHex(notice.transfer_id());
  const std::vector<std::string>& recipients = envelope.recipients;
  if (std::find(recipients.begin(), recipients.end(), caller_id) ==
      recipients.end()) {
    return absl::PermissionDeniedError(absl::StrCat(
        "agency ", caller_id, " is not a recipient of transfer ", transfer));
  }
  if (notice.addressee_id() != envelope.sender_id) {
    return absl::InvalidArgumentError(
        absl::StrCat("the ", KindName(notice), " is addressed to ",
                     notice.addressee_id(), ", not the transfer's sender"));
  }
  if (NamedHash(notice) != envelope.ciphertext_hash) {
    return absl::InvalidArgumentError(
        absl::StrCat("the ", KindName(notice),
                     " names other ciphertext than transfer ", transfer));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status NoticeIntake::Submit(absl::string_view caller_id,
                                  const SignedNotice& signed_notice) {
  ASSIGN_OR_RETURN(Notice notice, VerifyByCaller(signed_notice, caller_id,
                                                 *env_->directory->Current()));
  if (notice.transfer_id().size() != crypto::kTransferIdBytes) {
    return absl::InvalidArgumentError("transfer_id must be 16 bytes");
  }
  if (notice.has_acknowledgement()) {
    RETURN_IF_ERROR(CheckAlertId(notice.acknowledgement()));
  }
  ASSIGN_OR_RETURN(std::optional<EnvelopeRecord> envelope,
                   env_->store->FindEnvelope(notice.transfer_id()));
  if (!envelope.has_value()) {
    return absl::NotFoundError(absl::StrCat("transfer ",
                                            crypto::ToHex(notice.transfer_id()),
                                            " is not known to the router"));
  }
  RETURN_IF_ERROR(CheckAgainstEnvelope(notice, caller_id, *envelope));
  if (notice.has_receipt()) {
    return QueueReceipt(caller_id, notice, signed_notice, *envelope);
  }
  return QueueAcknowledgement(caller_id, notice, signed_notice, *envelope);
}

absl::Status NoticeIntake::QueueReceipt(absl::string_view caller_id,
                                        const Notice& notice,
                                        const SignedNotice& signed_notice,
                                        const EnvelopeRecord& envelope) {
  ASSIGN_OR_RETURN(DeliveryOutcome outcome,
                   env_->store->RecordReceipt(notice.transfer_id(), caller_id,
                                              signed_notice.SerializeAsString(),
                                              env_->clock->Now()));
  if (outcome.stored_now) {
    // The receipt came before the node's ack (MailboxStream logs DELIVERED
    // when the ack comes first).
    spdlog::info("transfer {}: stored at {} (its receipt came first)",
                 crypto::ToHex(notice.transfer_id()), std::string(caller_id));
    RecordEvent(*env_,
                deliverylog::LogEvent(handover::v1::LOG_EVENT_KIND_DELIVERED)
                    .Transfer(notice.transfer_id())
                    .Sender(envelope.sender_id)
                    .Recipient(caller_id)
                    .Size(EnvelopeBytes(envelope))
                    .EnvelopeHash(envelope.ciphertext_hash)
                    .Actor(caller_id));
  }
  if (outcome.changed) {
    env_->hub->Notify(envelope.sender_id);
    spdlog::info("transfer {}: receipt from {} queued for {}",
                 crypto::ToHex(notice.transfer_id()), std::string(caller_id),
                 envelope.sender_id);
  }
  env_->janitor->RemoveReleased(outcome.released);
  return absl::OkStatus();
}

absl::Status NoticeIntake::QueueAcknowledgement(
    absl::string_view caller_id, const Notice& notice,
    const SignedNotice& signed_notice, const EnvelopeRecord& envelope) {
  ASSIGN_OR_RETURN(bool queued,
                   env_->store->RecordAcknowledgement(
                       notice.transfer_id(), caller_id,
                       signed_notice.SerializeAsString(), env_->clock->Now()));
  if (queued) {
    env_->hub->Notify(envelope.sender_id);
    spdlog::info("transfer {}: acknowledgement from {} queued for {}",
                 crypto::ToHex(notice.transfer_id()), std::string(caller_id),
                 envelope.sender_id);
  }
  return absl::OkStatus();
}

}  // namespace handover::router

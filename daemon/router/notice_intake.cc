#include "router/notice_intake.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

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

absl::StatusOr<Notice> VerifyByCaller(const SignedNotice& signed_notice,
                                      absl::string_view caller_id,
                                      const directory::DirectoryView& dir) {
  if (signed_notice.ByteSizeLong() > notice::kMaxSignedNoticeBytes) {
    return absl::InvalidArgumentError("the notice is too large");
  }
  ASSIGN_OR_RETURN(Notice peeked, notice::PeekNotice(signed_notice));
  if (!peeked.has_receipt()) {
    return absl::PermissionDeniedError(
        "nodes may submit delivery receipts only");
  }
  if (peeked.signer_id() != caller_id) {
    return absl::PermissionDeniedError(
        absl::StrCat("the receipt is signed for ", peeked.signer_id(),
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

}  // namespace

absl::Status NoticeIntake::Submit(absl::string_view caller_id,
                                  const SignedNotice& signed_notice) {
  ASSIGN_OR_RETURN(Notice notice, VerifyByCaller(signed_notice, caller_id,
                                                 *env_->directory->Current()));
  if (notice.transfer_id().size() != crypto::kTransferIdBytes) {
    return absl::InvalidArgumentError("transfer_id must be 16 bytes");
  }
  const std::string transfer = crypto::ToHex(notice.transfer_id());
  ASSIGN_OR_RETURN(std::optional<EnvelopeRecord> envelope,
                   env_->store->FindEnvelope(notice.transfer_id()));
  if (!envelope.has_value()) {
    return absl::NotFoundError(
        absl::StrCat("transfer ", transfer, " is not known to the router"));
  }
  const std::vector<std::string>& recipients = envelope->recipients;
  if (std::find(recipients.begin(), recipients.end(), caller_id) ==
      recipients.end()) {
    return absl::PermissionDeniedError(absl::StrCat(
        "agency ", caller_id, " is not a recipient of transfer ", transfer));
  }
  if (notice.addressee_id() != envelope->sender_id) {
    return absl::InvalidArgumentError(
        absl::StrCat("the receipt is addressed to ", notice.addressee_id(),
                     ", not the transfer's sender"));
  }
  if (notice.receipt().ciphertext_hash() != envelope->ciphertext_hash) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the receipt names other ciphertext than transfer ", transfer));
  }
  ASSIGN_OR_RETURN(DeliveryOutcome outcome,
                   env_->store->RecordReceipt(notice.transfer_id(), caller_id,
                                              signed_notice.SerializeAsString(),
                                              env_->clock->Now()));
  if (outcome.changed) {
    env_->hub->Notify(envelope->sender_id);
    spdlog::info("transfer {}: receipt from {} queued for {}", transfer,
                 std::string(caller_id), envelope->sender_id);
  }
  env_->janitor->RemoveReleased(outcome.released);
  return absl::OkStatus();
}

}  // namespace handover::router

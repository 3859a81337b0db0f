#include "notice/notice_signing.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "crypto/envelope_format.h"
#include "crypto/secret_bytes.h"
#include "crypto/signing.h"

namespace handover::notice {
namespace {

using handover::v1::Notice;
using handover::v1::SignedNotice;

constexpr int64_t kNanosPerSecond = 1000 * 1000 * 1000;

absl::Status Malformed(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("malformed notice: ", what));
}

absl::Status CheckAgencyId(absl::string_view field, absl::string_view id) {
  absl::Status status = crypto::ValidateAgencyId(id);
  if (!status.ok()) {
    return Malformed(absl::StrCat(field, ": ", status.message()));
  }
  return absl::OkStatus();
}

// The rules every notice obeys, signed or about to be.
absl::Status CheckNotice(const Notice& notice) {
  RETURN_IF_ERROR(CheckAgencyId("signer_id", notice.signer_id()));
  RETURN_IF_ERROR(CheckAgencyId("addressee_id", notice.addressee_id()));
  if (notice.transfer_id().size() != crypto::kTransferIdBytes) {
    return Malformed(absl::StrCat("transfer_id must be ",
                                  crypto::kTransferIdBytes, " bytes, got ",
                                  notice.transfer_id().size()));
  }
  if (!notice.has_issued_at() || notice.issued_at().nanos() < 0 ||
      notice.issued_at().nanos() >= kNanosPerSecond) {
    return Malformed("issued_at is missing or out of range");
  }
  switch (notice.body_case()) {
    case Notice::kReceipt:
      if (notice.receipt().ciphertext_hash().size() !=
          crypto::kCiphertextHashBytes) {
        return Malformed(absl::StrCat(
            "receipt ciphertext_hash must be ", crypto::kCiphertextHashBytes,
            " bytes, got ", notice.receipt().ciphertext_hash().size()));
      }
      break;
    case Notice::kNonDelivery: {
      const handover::v1::NonDeliveryReport& report = notice.non_delivery();
      RETURN_IF_ERROR(CheckAgencyId("non_delivery undelivered_recipient",
                                    report.undelivered_recipient()));
      if (report.reason() == handover::v1::NON_DELIVERY_REASON_UNSPECIFIED ||
          !handover::v1::NonDeliveryReason_IsValid(report.reason())) {
        return Malformed(absl::StrCat("non_delivery reason ",
                                      static_cast<int>(report.reason()),
                                      " is not a known reason"));
      }
      break;
    }
    case Notice::kAcknowledgement: {
      const handover::v1::Acknowledgement& ack = notice.acknowledgement();
      if (ack.ciphertext_hash().size() != crypto::kCiphertextHashBytes) {
        return Malformed(
            absl::StrCat("acknowledgement ciphertext_hash must be ",
                         crypto::kCiphertextHashBytes, " bytes, got ",
                         ack.ciphertext_hash().size()));
      }
      if (ack.operator_id().empty() || ack.operator_id().size() > 64 ||
          !std::all_of(ack.operator_id().begin(), ack.operator_id().end(),
                       [](char c) { return c >= 0x20 && c <= 0x7e; })) {
        return Malformed(
            "acknowledgement operator_id must be 1 to 64 printable ASCII "
            "characters");
      }
      if (!ack.has_acknowledged_at()) {
        return Malformed("acknowledgement acknowledged_at is missing");
      }
      break;
    }
    case Notice::BODY_NOT_SET:
      return Malformed(
          "it has no receipt, non-delivery report or acknowledgement");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<SignedNotice> SignNotice(const crypto::SecretIdentity& signer,
                                        const Notice& notice) {
  if (notice.signer_id() != signer.agency_id()) {
    return absl::InvalidArgumentError(
        absl::StrCat("notice signer_id ", notice.signer_id(),
                     " is not the signing agency ", signer.agency_id()));
  }
  RETURN_IF_ERROR(CheckNotice(notice));
  SignedNotice signed_notice;
  if (!notice.SerializeToString(signed_notice.mutable_notice())) {
    return absl::InternalError("cannot serialize notice");
  }
  ASSIGN_OR_RETURN(*signed_notice.mutable_signature(),
                   crypto::SignDetached(signer, kNoticeSignatureContext,
                                        signed_notice.notice()));
  signed_notice.set_signer_key_id(
      crypto::KeyIdOf(signer.public_identity().sign_public_key));
  if (signed_notice.ByteSizeLong() > kMaxSignedNoticeBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("signed notice would be ", signed_notice.ByteSizeLong(),
                     " bytes, over the limit of ", kMaxSignedNoticeBytes));
  }
  return signed_notice;
}

absl::StatusOr<Notice> PeekNotice(const SignedNotice& signed_notice) {
  // The bound comes first: nothing of an oversized notice is parsed.
  if (signed_notice.ByteSizeLong() > kMaxSignedNoticeBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("signed notice is ", signed_notice.ByteSizeLong(),
                     " bytes, over the limit of ", kMaxSignedNoticeBytes));
  }
  Notice notice;
  if (!notice.ParseFromString(signed_notice.notice())) {
    return Malformed("its bytes do not parse");
  }
  RETURN_IF_ERROR(CheckNotice(notice));
  return notice;
}

absl::StatusOr<Notice> VerifyNotice(
    const SignedNotice& signed_notice,
    const std::vector<crypto::PublicIdentity>& signer_keys) {
  if (signed_notice.ByteSizeLong() > kMaxSignedNoticeBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("signed notice is ", signed_notice.ByteSizeLong(),
                     " bytes, over the limit of ", kMaxSignedNoticeBytes));
  }
  if (signed_notice.signer_key_id().size() != crypto::kKeyIdBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("notice signer_key_id must be ", crypto::kKeyIdBytes,
                     " bytes, got ", signed_notice.signer_key_id().size()));
  }
  // The signature is checked before the notice is parsed, so the parser only
  // ever sees bytes a known key signed.
  const crypto::PublicIdentity* key = nullptr;
  for (const crypto::PublicIdentity& candidate : signer_keys) {
    if (crypto::ConstantTimeEquals(candidate.sign_key_id(),
                                   signed_notice.signer_key_id())) {
      key = &candidate;
      break;
    }
  }
  if (key == nullptr) {
    return absl::UnauthenticatedError(
        absl::StrCat("notice is signed by unknown key ",
                     crypto::ToHex(signed_notice.signer_key_id())));
  }
  absl::Status verified =
      crypto::VerifyDetached(*key, kNoticeSignatureContext,
                             signed_notice.notice(), signed_notice.signature());
  if (!verified.ok()) {
    return absl::Status(verified.code(),
                        absl::StrCat("notice signature by ", key->agency_id,
                                     " key ", crypto::ToHex(key->sign_key_id()),
                                     ": ", verified.message()));
  }
  ASSIGN_OR_RETURN(Notice notice, PeekNotice(signed_notice));
  if (notice.signer_id() != key->agency_id) {
    return absl::InvalidArgumentError(
        absl::StrCat("notice names signer ", notice.signer_id(),
                     " but is signed by a key of ", key->agency_id));
  }
  return notice;
}

}  // namespace handover::notice

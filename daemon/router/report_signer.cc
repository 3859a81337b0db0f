#include "router/report_signer.h"

#include "common/status_macros.h"
#include "google/protobuf/timestamp.pb.h"
#include "notice/notice_signing.h"

namespace handover::router {

std::string OneLine(absl::string_view text, size_t max_bytes) {
  std::string line(text.substr(0, max_bytes));
  for (char& c : line) {
    const unsigned char u = static_cast<unsigned char>(c);
    // Non-ASCII too: a cut could split a UTF-8 sequence, and proto3
    // strings must be valid UTF-8.
    if (u < 0x20 || u >= 0x7f) c = u >= 0x80 ? '?' : ' ';
  }
  return line;
}

absl::StatusOr<std::string> ReportSigner::NonDelivery(
    absl::string_view transfer_id, absl::string_view sender_id,
    absl::string_view recipient_id, handover::v1::NonDeliveryReason reason,
    absl::string_view detail) const {
  handover::v1::Notice notice;
  notice.set_signer_id(identity_->agency_id());
  notice.set_addressee_id(std::string(sender_id));
  notice.set_transfer_id(std::string(transfer_id));
  const absl::Time now = clock_->Now();
  notice.mutable_issued_at()->set_seconds(absl::ToUnixSeconds(now));
  handover::v1::NonDeliveryReport* report = notice.mutable_non_delivery();
  report->set_undelivered_recipient(std::string(recipient_id));
  report->set_reason(reason);
  report->set_detail(OneLine(detail));
  ASSIGN_OR_RETURN(handover::v1::SignedNotice signed_notice,
                   notice::SignNotice(*identity_, notice));
  return signed_notice.SerializeAsString();
}

}  // namespace handover::router

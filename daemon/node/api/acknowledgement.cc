#include "node/api/acknowledgement.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "node/api/transfer_id_hex.h"
#include "node/link_context.h"
#include "notice/notice_signing.h"
#include "spdlog/spdlog.h"

namespace handover::node::api {
namespace {

bool IsValidUtf8WithoutControls(absl::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) return false;
      ++i;
      continue;
    }
    size_t length = 0;
    if ((c & 0xe0) == 0xc0 && c >= 0xc2) {
      length = 2;
    } else if ((c & 0xf0) == 0xe0) {
      length = 3;
    } else if ((c & 0xf8) == 0xf0 && c <= 0xf4) {
      length = 4;
    } else {
      return false;
    }
    if (i + length > text.size()) return false;
    for (size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xc0) != 0x80) {
        return false;
      }
    }
    i += length;
  }
  return true;
}

}  // namespace

absl::Status CheckOperatorAndNote(absl::string_view operator_id,
                                  absl::string_view note) {
  if (operator_id.empty() || operator_id.size() > kMaxOperatorIdBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "operator_id must be 1 to ", kMaxOperatorIdBytes, " characters"));
  }
  for (char c : operator_id) {
    if (c < 0x20 || c > 0x7e) {
      return absl::InvalidArgumentError(
          "operator_id must be printable ASCII characters");
    }
  }
  if (note.size() > kMaxAcknowledgementNoteBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("note is ", note.size(), " bytes; at most ",
                     kMaxAcknowledgementNoteBytes, " are allowed"));
  }
  if (!IsValidUtf8WithoutControls(note)) {
    return absl::InvalidArgumentError(
        "note must be UTF-8 text without control characters");
  }
  return absl::OkStatus();
}

absl::StatusOr<InboxAcknowledgement> AcknowledgeInboxTransfer(
    const NodeServiceEnv& env, absl::string_view transfer_id,
    absl::string_view operator_id, absl::string_view note,
    absl::string_view alert_id) {
  RETURN_IF_ERROR(CheckOperatorAndNote(operator_id, note));
  ASSIGN_OR_RETURN(std::optional<InboxRecord> record,
                   env.store->GetInbox(transfer_id));
  if (!record.has_value()) {
    return absl::NotFoundError(absl::StrCat(
        "transfer ", TransferIdToHex(transfer_id), " is not in the inbox"));
  }
  const absl::Time now = env.clock->Now();
  handover::v1::Notice notice;
  notice.set_signer_id(env.identity->agency_id());
  notice.set_addressee_id(record->sender_id);
  notice.set_transfer_id(std::string(transfer_id));
  *notice.mutable_issued_at() = ToTimestamp(now);
  handover::v1::Acknowledgement* ack = notice.mutable_acknowledgement();
  ack->set_ciphertext_hash(record->ciphertext_hash);
  ack->set_operator_id(std::string(operator_id));
  *ack->mutable_acknowledged_at() = ToTimestamp(now);
  ack->set_alert_id(std::string(alert_id));
  ASSIGN_OR_RETURN(handover::v1::SignedNotice signed_notice,
                   notice::SignNotice(env.identity->current(), notice));
  ASSIGN_OR_RETURN(
      InboxAcknowledgement stored,
      env.store->AcknowledgeInbox(transfer_id, operator_id, note, now,
                                  signed_notice.SerializeAsString()));
  if (!stored.duplicate && env.notify_notices) env.notify_notices();
  spdlog::info("acknowledged transfer {}{}", TransferIdToHex(transfer_id),
               stored.duplicate ? " (acknowledged before)" : "");
  if (!stored.duplicate && env.events != nullptr) {
    env.events->Record(
        deliverylog::LogEvent(handover::v1::LOG_EVENT_KIND_ALERT_ACKNOWLEDGED)
            .Transfer(transfer_id)
            .Sender(record->sender_id)
            .Recipient(env.identity->agency_id())
            .EnvelopeHash(record->ciphertext_hash)
            .Actor(operator_id)
            .Detail(alert_id.empty()
                        ? std::string("transfer acknowledged")
                        : absl::StrCat("alert ", alert_id, " acknowledged")));
  }
  return stored;
}

}  // namespace handover::node::api

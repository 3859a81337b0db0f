#include "router/recall_hold.h"

#include <spdlog/spdlog.h>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "crypto/envelope_format.h"
#include "crypto/identity.h"

namespace handover::router {

std::optional<std::string> HoldReason(
    const EnvelopeRecord& envelope, const directory::DirectoryView& directory) {
  // Verified when it was accepted, so it parses; a damaged row is not held
  // here (delivering it fails on its own).
  absl::StatusOr<crypto::EnvelopeHeader> header =
      crypto::ParseHeader(envelope.signed_header);
  if (!header.ok()) return std::nullopt;
  for (const directory::CompromisedKey& key : directory.CompromisedKeys()) {
    if (key.agency_id != envelope.sender_id ||
        key.sign_key_id != header->sender_key_id) {
      continue;
    }
    if (envelope.created_at < key.since && envelope.accepted_at < key.since) {
      continue;  // signed and received before the compromise
    }
    return absl::StrCat("signing key ", crypto::ToHex(key.sign_key_id),
                        " compromised since ",
                        absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ", key.since,
                                         absl::UTCTimeZone()));
  }
  return std::nullopt;
}

absl::StatusOr<bool> HoldDelivery(const RouterEnv& env,
                                  const EnvelopeRecord& envelope,
                                  absl::string_view recipient_id,
                                  absl::string_view reason) {
  ASSIGN_OR_RETURN(
      std::string report,
      env.signer->NonDelivery(
          envelope.transfer_id, envelope.sender_id, recipient_id,
          handover::v1::NON_DELIVERY_REASON_SENDER_KEY_COMPROMISED, reason));
  ASSIGN_OR_RETURN(DeliveryOutcome outcome,
                   env.store->FinishDelivery(envelope.transfer_id, recipient_id,
                                             DeliveryState::kHeld, reason,
                                             report, env.clock->Now()));
  if (!outcome.changed) return false;
  spdlog::warn("transfer {}: held, not delivered to {}: {}",
               crypto::ToHex(envelope.transfer_id), std::string(recipient_id),
               std::string(reason));
  RecordEvent(env, deliverylog::LogEvent(handover::v1::LOG_EVENT_KIND_HELD)
                       .Transfer(envelope.transfer_id)
                       .Sender(envelope.sender_id)
                       .Recipient(recipient_id)
                       .EnvelopeHash(envelope.ciphertext_hash)
                       .Actor("router")
                       .Detail(reason));
  env.hub->Notify(envelope.sender_id);
  // A held copy keeps its ciphertext (the store releases none), so there
  // is nothing for the janitor here.
  env.janitor->RemoveReleased(outcome.released);
  return true;
}

}  // namespace handover::router

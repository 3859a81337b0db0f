#include "router/sweeper.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "crypto/identity.h"
#include "router/recall_hold.h"
#include "spdlog/spdlog.h"

namespace handover::router {
namespace {

// Rows per query; a pass repeats until a query comes back short, up to
// kMaxRounds, so one pass stays bounded however far behind it is.
constexpr size_t kBatch = 256;
constexpr int kMaxRounds = 64;

}  // namespace

absl::StatusOr<SweepCounts> Sweeper::RunOnce() {
  SweepCounts counts;
  released_ = 0;
  ASSIGN_OR_RETURN(counts.expired, EndExpired());
  ASSIGN_OR_RETURN(counts.revoked, EndRevoked());
  ASSIGN_OR_RETURN(counts.held, HoldCompromised());
  ASSIGN_OR_RETURN(counts.ciphertext_deleted, DeleteCiphertext());
  counts.ciphertext_deleted += released_;
  ASSIGN_OR_RETURN(counts.withdrawals_forgotten, ForgetWithdrawals());
  return counts;
}

absl::StatusOr<DeliveryOutcome> Sweeper::EndDelivery(
    const OpenDelivery& delivery, DeliveryState state,
    handover::v1::NonDeliveryReason reason, absl::string_view detail) {
  ASSIGN_OR_RETURN(
      std::string report,
      env_->signer->NonDelivery(delivery.transfer_id, delivery.sender_id,
                                delivery.recipient_id, reason, detail));
  ASSIGN_OR_RETURN(
      DeliveryOutcome outcome,
      env_->store->FinishDelivery(delivery.transfer_id, delivery.recipient_id,
                                  state, detail, report, env_->clock->Now()));
  if (outcome.changed) {
    spdlog::warn("transfer {}: not delivered to {}: {}",
                 crypto::ToHex(delivery.transfer_id), delivery.recipient_id,
                 std::string(detail));
    RecordEvent(*env_,
                deliverylog::LogEvent(state == DeliveryState::kExpired
                                          ? handover::v1::LOG_EVENT_KIND_EXPIRED
                                          : handover::v1::LOG_EVENT_KIND_FAILED)
                    .Transfer(delivery.transfer_id)
                    .Sender(delivery.sender_id)
                    .Recipient(delivery.recipient_id)
                    .Actor("router")
                    .Detail(detail));
    env_->hub->Notify(delivery.sender_id);
  }
  env_->janitor->RemoveReleased(outcome.released);
  if (outcome.released.has_value()) {
    ++released_;
    RecordPruned(delivery.transfer_id, "no copy is left to deliver");
  }
  return outcome;
}

absl::StatusOr<int> Sweeper::EndExpired() {
  int ended = 0;
  for (int round = 0; round < kMaxRounds; ++round) {
    ASSIGN_OR_RETURN(std::vector<OpenDelivery> due,
                     env_->store->ListExpired(env_->clock->Now(), kBatch));
    for (const OpenDelivery& delivery : due) {
      ASSIGN_OR_RETURN(
          DeliveryOutcome outcome,
          EndDelivery(delivery, DeliveryState::kExpired,
                      handover::v1::NON_DELIVERY_REASON_EXPIRED,
                      "not delivered before the envelope expired"));
      if (outcome.changed) ++ended;
    }
    if (due.size() < kBatch) break;
  }
  return ended;
}

absl::StatusOr<int> Sweeper::EndRevoked() {
  int ended = 0;
  std::shared_ptr<const directory::DirectoryView> directory =
      env_->directory->Current();
  for (const handover::v1::Agency& agency : directory->directory().agencies()) {
    if (agency.status() != handover::v1::AGENCY_STATUS_REVOKED) continue;
    for (int round = 0; round < kMaxRounds; ++round) {
      ASSIGN_OR_RETURN(std::vector<OpenDelivery> open,
                       env_->store->ListOpenDeliveriesTo(agency.id(), kBatch));
      for (const OpenDelivery& delivery : open) {
        ASSIGN_OR_RETURN(
            DeliveryOutcome outcome,
            EndDelivery(delivery, DeliveryState::kRevoked,
                        handover::v1::NON_DELIVERY_REASON_RECIPIENT_REVOKED,
                        "the recipient agency was revoked"));
        if (outcome.changed) ++ended;
      }
      if (open.size() < kBatch) break;
    }
  }
  return ended;
}

absl::StatusOr<int> Sweeper::HoldCompromised() {
  int held = 0;
  std::shared_ptr<const directory::DirectoryView> directory =
      env_->directory->Current();
  if (directory->version() == held_through_version_) return 0;
  bool complete = true;
  absl::flat_hash_set<std::string> senders;
  for (const directory::CompromisedKey& key : directory->CompromisedKeys()) {
    senders.insert(key.agency_id);
  }
  for (const std::string& sender : senders) {
    uint64_t after = 0;
    for (int round = 0; round < kMaxRounds; ++round) {
      ASSIGN_OR_RETURN(
          std::vector<OpenDelivery> open,
          env_->store->ListOpenDeliveriesFrom(sender, after, kBatch));
      for (const OpenDelivery& delivery : open) {
        after = delivery.delivery_id;
        ASSIGN_OR_RETURN(std::optional<EnvelopeRecord> envelope,
                         env_->store->FindEnvelope(delivery.transfer_id));
        if (!envelope.has_value()) continue;
        std::optional<std::string> reason = HoldReason(*envelope, *directory);
        if (!reason.has_value()) continue;
        ASSIGN_OR_RETURN(
            bool now,
            HoldDelivery(*env_, *envelope, delivery.recipient_id, *reason));
        held += now;
      }
      if (open.size() < kBatch) break;
      if (round + 1 == kMaxRounds) complete = false;  // more next pass
    }
  }
  if (complete) held_through_version_ = directory->version();
  return held;
}

void Sweeper::RecordPruned(absl::string_view transfer_id,
                           absl::string_view why) {
  // Content goes; the record that it went stays, in the log.
  RecordEvent(*env_, deliverylog::LogEvent(handover::v1::LOG_EVENT_KIND_PRUNED)
                         .Transfer(transfer_id)
                         .Actor("router")
                         .Detail(absl::StrCat("ciphertext deleted: ", why)));
}

absl::StatusOr<int> Sweeper::DeleteCiphertext() {
  int deleted = 0;
  const absl::Time cutoff = env_->clock->Now() - retention_;
  for (int round = 0; round < kMaxRounds; ++round) {
    ASSIGN_OR_RETURN(std::vector<CiphertextRef> refs,
                     env_->store->ListDeletableCiphertext(cutoff, kBatch));
    for (const CiphertextRef& ref : refs) {
      RETURN_IF_ERROR(env_->janitor->Delete(ref));
      ++deleted;
      RecordPruned(ref.transfer_id,
                   "every copy ended, or held past [delivery] "
                   "ciphertext_retention");
    }
    if (refs.size() < kBatch) break;
  }
  return deleted;
}

absl::StatusOr<int> Sweeper::ForgetWithdrawals() {
  int forgotten = 0;
  const absl::Time cutoff = env_->clock->Now() - retention_;
  for (int round = 0; round < kMaxRounds; ++round) {
    ASSIGN_OR_RETURN(int n,
                     env_->store->ForgetWithdrawalsBefore(cutoff, kBatch));
    forgotten += n;
    if (static_cast<size_t>(n) < kBatch) break;
  }
  return forgotten;
}

}  // namespace handover::router

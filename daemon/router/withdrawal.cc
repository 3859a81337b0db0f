#include "router/withdrawal.h"

#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "crypto/envelope_format.h"
#include "crypto/identity.h"
#include "spdlog/spdlog.h"

namespace handover::router {
namespace {

using handover::v1::WithdrawnCopy;

// The store refuses (Aborted) when a copy became pending after its reports
// were signed: an upload or a stream's release in between. Rare, and each
// retry reads afresh.
constexpr int kAttempts = 3;

}  // namespace

WithdrawnCopy::Outcome WithdrawalOutcome(DeliveryState state) {
  switch (state) {
    case DeliveryState::kWithdrawn:
      return WithdrawnCopy::OUTCOME_WITHDRAWN;
    case DeliveryState::kPushed:
      return WithdrawnCopy::OUTCOME_IN_DELIVERY;
    case DeliveryState::kStoredAtNode:
    case DeliveryState::kReceipted:
      return WithdrawnCopy::OUTCOME_DELIVERED;
    case DeliveryState::kExpired:
    case DeliveryState::kRejected:
    case DeliveryState::kRevoked:
    case DeliveryState::kHeld:
      return WithdrawnCopy::OUTCOME_ENDED;
    case DeliveryState::kPending:  // a withdrawal leaves none
      break;
  }
  return WithdrawnCopy::OUTCOME_UNSPECIFIED;
}

absl::StatusOr<std::map<std::string, std::string>> Withdrawal::PendingReports(
    absl::string_view caller_id, absl::string_view transfer_id) {
  std::map<std::string, std::string> reports;
  ASSIGN_OR_RETURN(std::optional<EnvelopeRecord> envelope,
                   env_->store->FindEnvelope(transfer_id));
  if (!envelope.has_value()) return reports;
  if (envelope->sender_id != caller_id) {
    // Before signing anything; the store checks again.
    return absl::PermissionDeniedError(
        absl::StrCat("agency ", caller_id, " did not send transfer ",
                     crypto::ToHex(transfer_id)));
  }
  ASSIGN_OR_RETURN(std::vector<DeliveryRecord> deliveries,
                   env_->store->ListDeliveries(transfer_id));
  for (const DeliveryRecord& d : deliveries) {
    if (d.state != DeliveryState::kPending) continue;
    ASSIGN_OR_RETURN(
        reports[d.recipient_id],
        env_->signer->NonDelivery(
            transfer_id, envelope->sender_id, d.recipient_id,
            handover::v1::NON_DELIVERY_REASON_WITHDRAWN, kWithdrawnDetail));
  }
  return reports;
}

absl::StatusOr<WithdrawResult> Withdrawal::WithdrawInStore(
    absl::string_view caller_id, absl::string_view transfer_id) {
  absl::Status last;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    ASSIGN_OR_RETURN(auto reports, PendingReports(caller_id, transfer_id));
    absl::StatusOr<WithdrawResult> result = env_->store->WithdrawTransfer(
        transfer_id, caller_id, reports, env_->clock->Now());
    if (result.ok() || result.status().code() != absl::StatusCode::kAborted) {
      return result;
    }
    last = result.status();
  }
  return absl::UnavailableError(
      absl::StrCat("transfer ", crypto::ToHex(transfer_id),
                   " kept changing during the withdrawal: ", last.message()));
}

absl::StatusOr<handover::v1::WithdrawTransferResponse> Withdrawal::Withdraw(
    absl::string_view caller_id, absl::string_view transfer_id) {
  if (transfer_id.size() != crypto::kTransferIdBytes) {
    return absl::InvalidArgumentError("transfer_id must be 16 bytes");
  }
  const std::string transfer = crypto::ToHex(transfer_id);
  ASSIGN_OR_RETURN(WithdrawResult result,
                   WithdrawInStore(caller_id, transfer_id));
  env_->janitor->RemoveReleased(result.released);

  handover::v1::WithdrawTransferResponse response;
  if (!result.held) {
    response.set_not_held(true);
    spdlog::info("transfer {}: withdrawn by {} before it reached the router",
                 transfer, std::string(caller_id));
    return response;
  }
  bool reported = false;
  for (const WithdrawnDelivery& d : result.deliveries) {
    WithdrawnCopy* copy = response.add_copies();
    copy->set_recipient_id(d.recipient_id);
    copy->set_outcome(WithdrawalOutcome(d.state));
    if (d.withdrawn_now) {
      reported = true;
      spdlog::info("transfer {}: withdrawn by {} before delivery to {}",
                   transfer, std::string(caller_id), d.recipient_id);
      RecordEvent(*env_,
                  deliverylog::LogEvent(handover::v1::LOG_EVENT_KIND_SUPERSEDED)
                      .Transfer(transfer_id)
                      .Sender(caller_id)
                      .Recipient(d.recipient_id)
                      .Actor(caller_id)
                      .Detail("withdrawn by its sender before delivery"));
    }
  }
  if (reported) env_->hub->Notify(caller_id);
  return response;
}

}  // namespace handover::router

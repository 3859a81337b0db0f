#include "node/withdrawal_sender.h"

#include <spdlog/spdlog.h>

#include <string>
#include <utility>
#include <vector>

#include "common/status_macros.h"
#include "crypto/identity.h"
#include "rpc/grpc_status.h"

namespace handover::node {
namespace {

constexpr size_t kBatch = 32;

bool IsPermanentRefusal(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kUnimplemented:
      return true;
    default:
      return false;
  }
}

}  // namespace

WithdrawalSender::WithdrawalSender(NodeStore* store,
                                   std::shared_ptr<grpc::Channel> channel,
                                   WithdrawalSenderOptions options)
    : store_(store),
      stub_(handover::v1::Router::NewStub(std::move(channel))),
      options_(std::move(options)) {}

WithdrawalSender::~WithdrawalSender() { Stop(); }

void WithdrawalSender::Start() {
  absl::MutexLock lock(&mu_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] { Run(); });
}

void WithdrawalSender::Notify() {
  absl::MutexLock lock(&mu_);
  ++notifications_;
}

void WithdrawalSender::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    if (active_call_ != nullptr) active_call_->TryCancel();
  }
  if (thread_.joinable()) thread_.join();
}

absl::Status WithdrawalSender::Apply(
    absl::string_view transfer_id,
    const handover::v1::WithdrawTransferResponse& response) {
  for (const handover::v1::WithdrawnCopy& copy : response.copies()) {
    if (copy.outcome() != handover::v1::WithdrawnCopy::OUTCOME_WITHDRAWN) {
      spdlog::info("withdrawal: transfer {} to {} was not withdrawn ({})",
                   crypto::ToHex(transfer_id), copy.recipient_id(),
                   handover::v1::WithdrawnCopy::Outcome_Name(copy.outcome()));
      continue;
    }
    DeliveryUpdate update;
    update.state = handover::v1::DELIVERY_STATE_WITHDRAWN;
    update.reason = "withdrawn at the router: a later move superseded it";
    update.at = options_.clock->Now();
    absl::StatusOr<bool> applied =
        store_->UpdateDelivery(transfer_id, copy.recipient_id(), update);
    if (!applied.ok() &&
        applied.status().code() != absl::StatusCode::kNotFound) {
      return applied.status();
    }
    if (applied.ok() && *applied && options_.events != nullptr) {
      options_.events->Record(
          deliverylog::LogEvent(handover::v1::LOG_EVENT_KIND_SUPERSEDED)
              .Transfer(transfer_id)
              .Sender(options_.agency_id)
              .Recipient(copy.recipient_id())
              .Actor("router")
              .Detail(update.reason));
    }
  }
  return absl::OkStatus();
}

int WithdrawalSender::SendPending() {
  absl::StatusOr<std::vector<std::string>> pending =
      store_->ListPendingWithdrawals(kBatch);
  if (!pending.ok()) {
    spdlog::error("withdrawal: cannot read the queue: {}",
                  pending.status().ToString());
    return 0;
  }
  int answered = 0;
  for (const std::string& transfer_id : *pending) {
    handover::v1::WithdrawTransferRequest request;
    request.set_transfer_id(transfer_id);
    grpc::ClientContext context;
    context.set_deadline(
        absl::ToChronoTime(absl::Now() + options_.call_timeout));
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) break;
      active_call_ = &context;
    }
    handover::v1::WithdrawTransferResponse response;
    const grpc::Status finished =
        stub_->WithdrawTransfer(&context, request, &response);
    const absl::Status status = rpc::FromRouterCallStatus(finished, context);
    {
      absl::MutexLock lock(&mu_);
      active_call_ = nullptr;
    }
    if (!status.ok() && !IsPermanentRefusal(status)) {
      spdlog::warn("withdrawal: transfer {} not withdrawn yet: {}",
                   crypto::ToHex(transfer_id), status.ToString());
      continue;  // retried at the next pass
    }
    if (status.ok()) {
      ++answered;
      if (absl::Status s = Apply(transfer_id, response); !s.ok()) {
        spdlog::error("withdrawal: cannot record transfer {}: {}",
                      crypto::ToHex(transfer_id), s.ToString());
        continue;
      }
      spdlog::info("withdrawal: transfer {} withdrawn at the router{}",
                   crypto::ToHex(transfer_id),
                   response.not_held() ? " (it had not arrived there)" : "");
    } else {
      spdlog::warn("withdrawal: the router refused to withdraw transfer {}: {}",
                   crypto::ToHex(transfer_id), status.ToString());
    }
    if (absl::Status s = store_->CompleteWithdrawal(transfer_id); !s.ok()) {
      spdlog::error("withdrawal: cannot update the queue: {}", s.ToString());
    }
  }
  return answered;
}

void WithdrawalSender::Run() {
  uint64_t seen = 0;
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
      seen = notifications_;
    }
    SendPending();
    absl::MutexLock lock(&mu_);
    auto woken = [this, seen]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return stopping_ || notifications_ != seen;
    };
    mu_.AwaitWithTimeout(absl::Condition(&woken), options_.poll_interval);
  }
}

}  // namespace handover::node

#include "node/notice_sender.h"

#include <grpcpp/grpcpp.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>
#include <vector>

#include "rpc/grpc_status.h"

namespace handover::node {
namespace {

constexpr size_t kBatch = 32;

bool IsPermanentRefusal(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kUnauthenticated:
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kAlreadyExists:
      return true;
    default:
      return false;
  }
}

}  // namespace

NoticeSender::NoticeSender(NodeStore* store,
                           std::shared_ptr<grpc::Channel> channel,
                           NoticeSenderOptions options)
    : store_(store),
      stub_(handover::v1::Router::NewStub(std::move(channel))),
      options_(std::move(options)) {}

NoticeSender::~NoticeSender() { Stop(); }

void NoticeSender::Start() {
  absl::MutexLock lock(&mu_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] { Run(); });
}

void NoticeSender::Notify() {
  absl::MutexLock lock(&mu_);
  ++notifications_;
}

void NoticeSender::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    if (active_call_ != nullptr) active_call_->TryCancel();
  }
  if (thread_.joinable()) thread_.join();
}

absl::Duration NoticeSender::BackoffAfter(uint32_t attempts) const {
  const double factor =
      std::pow(options_.retry.multiplier, std::min<uint32_t>(attempts, 60));
  return std::min(options_.retry.initial_backoff * factor,
                  options_.retry.max_backoff);
}

int NoticeSender::SendDue() {
  absl::StatusOr<std::vector<QueuedNotice>> due =
      store_->ListDueNotices(options_.clock->Now(), kBatch);
  if (!due.ok()) {
    spdlog::error("notices: cannot read the queue: {}",
                  due.status().ToString());
    return 0;
  }
  int sent = 0;
  for (const QueuedNotice& queued : *due) {
    handover::v1::SignedNotice notice;
    if (!notice.ParseFromString(queued.signed_notice)) {
      spdlog::error("notices: dropping an unreadable queued notice");
      (void)store_->RemoveNotice(queued.id);
      continue;
    }
    grpc::ClientContext context;
    context.set_deadline(
        absl::ToChronoTime(absl::Now() + options_.call_timeout));
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) break;
      active_call_ = &context;
    }
    handover::v1::SubmitNoticeResponse response;
    const grpc::Status finished =
        stub_->SubmitNotice(&context, notice, &response);
    absl::Status status = rpc::FromRouterCallStatus(finished, context);
    {
      absl::MutexLock lock(&mu_);
      active_call_ = nullptr;
    }
    absl::Status recorded;
    if (status.ok() || IsPermanentRefusal(status)) {
      if (!status.ok()) {
        spdlog::warn("notices: the router refused a receipt for good: {}",
                     status.ToString());
      } else {
        ++sent;
      }
      recorded = store_->RemoveNotice(queued.id);
    } else {
      recorded = store_->RescheduleNotice(
          queued.id, options_.clock->Now() + BackoffAfter(queued.attempts));
    }
    if (!recorded.ok()) {
      spdlog::error("notices: cannot update the queue: {}",
                    recorded.ToString());
    }
  }
  return sent;
}

void NoticeSender::Run() {
  uint64_t seen = 0;
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
      seen = notifications_;
    }
    SendDue();
    absl::Duration wait = options_.poll_interval;
    absl::StatusOr<std::optional<absl::Time>> next =
        store_->NextNoticeAttempt();
    if (next.ok() && next->has_value()) {
      // Never spin: a notice that stays due waits a moment.
      wait = std::clamp(**next - options_.clock->Now(), absl::Milliseconds(10),
                        wait);
    }
    absl::MutexLock lock(&mu_);
    auto woken = [this, seen]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return stopping_ || notifications_ != seen;
    };
    mu_.AwaitWithTimeout(absl::Condition(&woken), wait);
  }
}

}  // namespace handover::node

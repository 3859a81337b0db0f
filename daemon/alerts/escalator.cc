#include "alerts/escalator.h"

#include <spdlog/spdlog.h>

#include "common/status_macros.h"

namespace handover::alerts {

absl::Status Escalator::Start() {
  if (options_.interval <= absl::ZeroDuration() ||
      options_.escalate_after <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "the escalation interval and period must be > 0");
  }
  absl::MutexLock start(&start_mu_);
  if (thread_.joinable()) {
    return absl::FailedPreconditionError("the escalator is running");
  }
  {
    absl::MutexLock lock(&mu_);
    stopping_ = false;
  }
  thread_ = std::thread([this] { Loop(); });
  return absl::OkStatus();
}

void Escalator::Stop() {
  absl::MutexLock start(&start_mu_);
  if (!thread_.joinable()) return;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;  // wakes the wait in Loop at once
  }
  thread_.join();
}

absl::Status Escalator::RunOnce() {
  ASSIGN_OR_RETURN(std::vector<AlertEvent> events,
                   book_->EscalateDue(clock_->Now(), options_.escalate_after));
  if (!events.empty() && options_.on_events) options_.on_events(events);
  return absl::OkStatus();
}

void Escalator::Loop() {
  while (true) {
    // A failed pass is retried on the next one; the message names no
    // content (the book's errors never echo it).
    absl::Status pass = RunOnce();
    if (!pass.ok())
      spdlog::error("alerts: escalation pass failed: {}", pass.ToString());
    absl::MutexLock lock(&mu_);
    mu_.AwaitWithTimeout(absl::Condition(&stopping_), options_.interval);
    if (stopping_) return;
  }
}

}  // namespace handover::alerts

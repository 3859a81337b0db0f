#include "rpc/stall_watchdog.h"

#include <algorithm>
#include <utility>

#include "spdlog/spdlog.h"

namespace handover::rpc {
namespace {

// How often the checker looks: often enough that a stall is cut off soon
// after the timeout, rarely enough to cost nothing.
absl::Duration CheckInterval(absl::Duration timeout) {
  return std::clamp(timeout / 4, absl::Milliseconds(50), absl::Seconds(1));
}

}  // namespace

StallWatchdog::Stream::~Stream() { watchdog_->Forget(id_); }

StallWatchdog::StallWatchdog(absl::Duration timeout, std::string setting,
                             const Clock* clock)
    : timeout_(std::max(timeout, absl::Milliseconds(1))),
      setting_(std::move(setting)),
      clock_(clock),
      checker_([this] { CheckUntilStopped(); }) {}

StallWatchdog::~StallWatchdog() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  checker_.join();
}

StallWatchdog::Stream StallWatchdog::Watch(grpc::ServerContextBase* context,
                                           std::string what) {
  absl::MutexLock lock(&mu_);
  const uint64_t id = next_id_++;
  streams_.emplace(id, Entry{context, std::move(what), std::nullopt});
  return Stream(this, id);
}

void StallWatchdog::SetWaiting(uint64_t id, bool waiting) {
  absl::MutexLock lock(&mu_);
  auto it = streams_.find(id);
  if (it == streams_.end()) return;
  it->second.waiting_since =
      waiting ? std::optional<absl::Time>(clock_->Now()) : std::nullopt;
}

void StallWatchdog::Forget(uint64_t id) {
  absl::MutexLock lock(&mu_);
  streams_.erase(id);
}

int StallWatchdog::CancelStalled() {
  const absl::Time now = clock_->Now();
  int cancelled = 0;
  absl::MutexLock lock(&mu_);
  for (auto& [id, entry] : streams_) {
    if (entry.cancelled || !entry.waiting_since.has_value() ||
        now - *entry.waiting_since <= timeout_) {
      continue;
    }
    // Logged first, so the line is written before the client learns of it.
    spdlog::warn("{}: cancelled, the client sent or took nothing for {} ({})",
                 entry.what, absl::FormatDuration(now - *entry.waiting_since),
                 setting_);
    // TryCancel is safe from any thread; the handler's blocked Read or
    // Write then fails, and it cleans up as for a client that went away.
    entry.context->TryCancel();
    entry.cancelled = true;
    ++cancelled;
  }
  return cancelled;
}

void StallWatchdog::CheckUntilStopped() {
  const absl::Duration interval = CheckInterval(timeout_);
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (mu_.AwaitWithTimeout(absl::Condition(&stopping_), interval)) return;
    }
    CancelStalled();
  }
}

}  // namespace handover::rpc

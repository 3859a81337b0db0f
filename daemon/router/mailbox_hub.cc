#include "router/mailbox_hub.h"

#include <grpcpp/server_context.h>

namespace handover::router {

StreamSlot::~StreamSlot() { hub_->Detach(this); }

void StreamSlot::Wait(absl::Time deadline) {
  absl::MutexLock lock(&hub_->mu_);
  auto woken = [this]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
    return wakeups_ != seen_wakeups_ || stopped_;
  };
  hub_->mu_.AwaitWithDeadline(absl::Condition(&woken), deadline);
  seen_wakeups_ = wakeups_;
}

bool StreamSlot::stopped() const {
  absl::MutexLock lock(&hub_->mu_);
  return stopped_;
}

uint64_t StreamSlot::directory_version() const {
  absl::MutexLock lock(&hub_->mu_);
  return hub_->directory_version_;
}

void StreamSlot::Wake() {
  absl::MutexLock lock(&hub_->mu_);
  ++wakeups_;
}

absl::StatusOr<std::unique_ptr<StreamSlot>> MailboxHub::Attach(
    absl::string_view agency_id, grpc::ServerContextBase* context,
    absl::Duration takeover) {
  absl::MutexLock lock(&mu_);
  if (shutting_down_) return absl::UnavailableError("the router is stopping");
  const absl::Time deadline = absl::Now() + takeover;
  // Newest wins: stop whichever stream holds the agency, then wait until
  // it has released its unanswered items and ended; only then may this one
  // claim them.
  while (true) {
    auto it = live_.find(agency_id);
    if (it == live_.end()) break;
    StreamSlot* old = it->second;
    old->stopped_ = true;
    ++old->wakeups_;
    old->context_->TryCancel();
    auto old_gone = [this, old, agency_id]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
      auto found = live_.find(agency_id);
      return found == live_.end() || found->second != old;
    };
    if (!mu_.AwaitWithDeadline(absl::Condition(&old_gone), deadline)) {
      return absl::UnavailableError(
          "the agency's previous mailbox stream has not ended yet");
    }
    if (shutting_down_) {
      return absl::UnavailableError("the router is stopping");
    }
  }
  std::unique_ptr<StreamSlot> slot(
      new StreamSlot(this, std::string(agency_id), context));
  live_[slot->agency_id()] = slot.get();
  return slot;
}

void MailboxHub::Detach(StreamSlot* slot) {
  absl::MutexLock lock(&mu_);
  auto it = live_.find(slot->agency_id());
  if (it != live_.end() && it->second == slot) live_.erase(it);
}

void MailboxHub::Notify(absl::string_view agency_id) {
  absl::MutexLock lock(&mu_);
  auto it = live_.find(agency_id);
  if (it != live_.end()) ++it->second->wakeups_;
}

void MailboxHub::AnnounceDirectory(uint64_t version) {
  absl::MutexLock lock(&mu_);
  if (version <= directory_version_) return;
  directory_version_ = version;
  for (auto& [agency, slot] : live_) ++slot->wakeups_;
}

void MailboxHub::Shutdown() {
  absl::MutexLock lock(&mu_);
  shutting_down_ = true;
  for (auto& [agency, slot] : live_) {
    slot->stopped_ = true;
    ++slot->wakeups_;
    slot->context_->TryCancel();
  }
}

size_t MailboxHub::live_streams() const {
  absl::MutexLock lock(&mu_);
  return live_.size();
}

bool MailboxHub::IsConnected(absl::string_view agency_id) const {
  absl::MutexLock lock(&mu_);
  return live_.contains(agency_id);
}

}  // namespace handover::router

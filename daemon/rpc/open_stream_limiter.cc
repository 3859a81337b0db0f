#include "rpc/open_stream_limiter.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"

namespace handover::rpc {

OpenStreamLimiter::Slot::Slot(Slot&& other) noexcept
    : limiter_(std::exchange(other.limiter_, nullptr)),
      client_(std::move(other.client_)) {}

OpenStreamLimiter::Slot::~Slot() {
  if (limiter_ != nullptr) limiter_->Leave(client_);
}

OpenStreamLimiter::OpenStreamLimiter(int64_t per_client, std::string setting)
    : per_client_(std::max<int64_t>(per_client, 1)),
      setting_(std::move(setting)) {}

absl::StatusOr<OpenStreamLimiter::Slot> OpenStreamLimiter::Enter(
    absl::string_view client) {
  absl::MutexLock lock(&mu_);
  int64_t& open = open_[client];
  if (open >= per_client_) {
    // "later" marks it as passing for the node's outbox (outbox_sender.cc).
    return absl::ResourceExhaustedError(absl::StrCat(
        "'", client, "' already has the most open streams allowed (", open,
        ", set by ", setting_, "); try again later, once one has finished"));
  }
  ++open;
  return Slot(this, std::string(client));
}

void OpenStreamLimiter::Leave(const std::string& client) {
  absl::MutexLock lock(&mu_);
  auto it = open_.find(client);
  if (it == open_.end()) return;
  if (--it->second <= 0) open_.erase(it);
}

}  // namespace handover::rpc

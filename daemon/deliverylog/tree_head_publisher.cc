#include "deliverylog/tree_head_publisher.h"

#include <optional>

#include "common/status_macros.h"
#include "spdlog/spdlog.h"

namespace handover::deliverylog {

void TreeHeadPublisher::Start() {
  thread_ = std::thread([this] { Run(); });
}

void TreeHeadPublisher::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
  // The last events before a shutdown are covered by a head too.
  if (absl::Status s = PublishIfGrown(); !s.ok()) {
    spdlog::error("delivery log: cannot sign a tree head at shutdown: {}",
                  s.ToString());
  }
}

absl::Status TreeHeadPublisher::PublishIfGrown() {
  ASSIGN_OR_RETURN(uint64_t size, log_->Size());
  ASSIGN_OR_RETURN(std::optional<handover::v1::SignedTreeHead> latest,
                   log_->LatestTreeHead());
  if (size == 0 || (latest.has_value() && latest->tree_size() >= size)) {
    return absl::OkStatus();
  }
  return log_->PublishTreeHead().status();
}

void TreeHeadPublisher::Run() {
  absl::MutexLock lock(&mu_);
  while (!stopping_) {
    // Wakes early only to stop.
    mu_.AwaitWithTimeout(absl::Condition(&stopping_), interval_);
    if (stopping_) break;
    mu_.Unlock();
    absl::Status s = PublishIfGrown();
    mu_.Lock();
    if (!s.ok()) {
      spdlog::error("delivery log: cannot sign a tree head: {}", s.ToString());
    }
  }
}

}  // namespace handover::deliverylog

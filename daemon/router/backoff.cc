#include "router/backoff.h"

#include <algorithm>

namespace handover::router {

absl::Duration RetryBackoff(const config::RetryPolicy& retry, int attempts) {
  if (attempts <= 0) return absl::ZeroDuration();
  absl::Duration wait = retry.initial_backoff;
  for (int i = 1; i < attempts && wait < retry.max_backoff; ++i) {
    wait = wait * retry.multiplier;
  }
  return std::min(wait, retry.max_backoff);
}

}  // namespace handover::router

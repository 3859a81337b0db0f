#include "node/api/rate_limiter.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"

namespace handover::node::api {

RateLimiter::RateLimiter(int64_t per_minute, const Clock* clock)
    : capacity_(static_cast<double>(std::max<int64_t>(per_minute, 1))),
      tokens_per_second_(capacity_ / 60.0),
      clock_(clock) {}

absl::Status RateLimiter::Acquire(absl::string_view client) {
  const absl::Time now = clock_->Now();
  absl::MutexLock lock(&mu_);
  auto [it, inserted] = buckets_.try_emplace(std::string(client));
  Bucket& bucket = it->second;
  if (inserted) {
    bucket.tokens = capacity_;
    bucket.refilled_at = now;
  } else if (now > bucket.refilled_at) {
    const double elapsed = absl::ToDoubleSeconds(now - bucket.refilled_at);
    bucket.tokens =
        std::min(capacity_, bucket.tokens + elapsed * tokens_per_second_);
    bucket.refilled_at = now;
  }
  // A clock that steps back refills nothing, and the time it comes back
  // through is not counted twice.
  if (bucket.tokens >= 1.0) {
    bucket.tokens -= 1.0;
    return absl::OkStatus();
  }
  const double wait = (1.0 - bucket.tokens) / tokens_per_second_;
  return absl::ResourceExhaustedError(absl::StrCat(
      "client '", client, "' is over its limit of ",
      static_cast<int64_t>(capacity_), " submissions a minute; retry in ",
      static_cast<int64_t>(std::ceil(wait)), " s"));
}

}  // namespace handover::node::api

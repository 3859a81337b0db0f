// A per-client token bucket: each client may make `per_minute` calls a
// minute on average, and a burst of up to `per_minute` at once after a
// quiet minute. Time comes from an injected Clock so tests need not sleep.
//
// Thread-safe: one mutex guards the buckets. Memory grows with the number
// of distinct client names, which the config bounds.
#ifndef HANDOVER_NODE_API_RATE_LIMITER_H_
#define HANDOVER_NODE_API_RATE_LIMITER_H_

#include <cstdint>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"

namespace handover::node::api {

class RateLimiter {
 public:
  // `clock` must outlive the limiter. `per_minute` must be at least 1.
  RateLimiter(int64_t per_minute, const Clock* clock);
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // Takes one token from `client`'s bucket; ResourceExhausted, saying when
  // to retry, if it is empty.
  absl::Status Acquire(absl::string_view client);

 private:
  struct Bucket {
    double tokens = 0;
    absl::Time refilled_at;
  };

  const double capacity_;
  const double tokens_per_second_;
  const Clock* clock_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Bucket> buckets_ ABSL_GUARDED_BY(mu_);
};

}  // namespace handover::node::api

#endif  // HANDOVER_NODE_API_RATE_LIMITER_H_

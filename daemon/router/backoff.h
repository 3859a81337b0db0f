// The wait before the next attempt of something that failed `attempts`
// times, under a [retry] policy: initial_backoff, multiplied by
// `multiplier` after each further failure, never more than max_backoff.
// A pure function; thread-safe.
#ifndef HANDOVER_ROUTER_BACKOFF_H_
#define HANDOVER_ROUTER_BACKOFF_H_

#include "absl/time/time.h"
#include "config/retry_policy.h"

namespace handover::router {

// attempts <= 0 means no wait.
absl::Duration RetryBackoff(const config::RetryPolicy& retry, int attempts);

}  // namespace handover::router

#endif  // HANDOVER_ROUTER_BACKOFF_H_

// How a daemon retries a failed hop: wait initial_backoff, then multiply the
// wait by `multiplier` after each failure, never waiting longer than
// max_backoff. A plain value; the [retry] table of both daemons' configs.
#ifndef HANDOVER_CONFIG_RETRY_POLICY_H_
#define HANDOVER_CONFIG_RETRY_POLICY_H_

#include "absl/time/time.h"

namespace handover::config {

struct RetryPolicy {
  absl::Duration initial_backoff = absl::Seconds(1);
  absl::Duration max_backoff = absl::Minutes(5);
  double multiplier = 2.0;  // 1.0 to 10.0
};

}  // namespace handover::config

#endif  // HANDOVER_CONFIG_RETRY_POLICY_H_

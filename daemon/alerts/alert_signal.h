// AlertSignal wakes the control-room streams (WatchAlerts) when the alert
// book gains an event, so an alert reaches the screen in milliseconds
// rather than at the next poll. A generation counter, not a flag: a
// stream that reads the book, then waits for a generation newer than the
// one it read at, cannot miss an event raised in between.
//
// Thread-safe.
#ifndef HANDOVER_ALERTS_ALERT_SIGNAL_H_
#define HANDOVER_ALERTS_ALERT_SIGNAL_H_

#include <cstdint>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace handover::alerts {

class AlertSignal {
 public:
  // The current generation; read it BEFORE reading the book.
  uint64_t generation() const {
    absl::MutexLock lock(&mu_);
    return generation_;
  }

  // The book changed.
  void Notify() {
    absl::MutexLock lock(&mu_);
    ++generation_;
  }

  // Waits until the generation differs from `seen` or `timeout` passes;
  // returns the generation then.
  uint64_t WaitForChange(uint64_t seen, absl::Duration timeout) const {
    absl::MutexLock lock(&mu_);
    auto changed = [this, seen]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return generation_ != seen;
    };
    mu_.AwaitWithTimeout(absl::Condition(&changed), timeout);
    return generation_;
  }

 private:
  mutable absl::Mutex mu_;
  uint64_t generation_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace handover::alerts

#endif  // HANDOVER_ALERTS_ALERT_SIGNAL_H_

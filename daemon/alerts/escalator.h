// Escalator: a background thread that calls AlertBook::EscalateDue every
// `interval` and hands any new events to a callback, so an alert stream can
// wake its waiting clients.
//
// "Now" comes from the injected Clock; the pause between passes is real
// time (a Clock cannot sleep), so with a FakeClock a test advances the
// clock and waits for the next pass. RunOnce() runs one pass on the
// calling thread.
//
// Thread-safe. Start and Stop may be called from any thread but the
// callback's; Stop wakes the thread at once and joins it. The book, the
// clock and the callback's targets must outlive the Escalator.
#ifndef HANDOVER_ALERTS_ESCALATOR_H_
#define HANDOVER_ALERTS_ESCALATOR_H_

#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "alerts/alert_book.h"
#include "common/clock.h"

namespace handover::alerts {

struct EscalatorOptions {
  absl::Duration interval = absl::Seconds(30);
  absl::Duration escalate_after = kDefaultEscalateAfter;
  // Called, outside any lock, with each pass's non-empty batch of events.
  std::function<void(const std::vector<AlertEvent>&)> on_events;
};

class Escalator {
 public:
  Escalator(AlertBook* book, const Clock* clock, EscalatorOptions options)
      : book_(book), clock_(clock), options_(std::move(options)) {}
  ~Escalator() { Stop(); }
  Escalator(const Escalator&) = delete;
  Escalator& operator=(const Escalator&) = delete;

  // Starts the thread; FailedPrecondition if already running,
  // InvalidArgument for a non-positive interval or period.
  absl::Status Start();
  // Stops and joins the thread; a no-op when not running.
  void Stop();

  // One pass: escalates what is due now and calls on_events if any.
  absl::Status RunOnce();

 private:
  void Loop();

  AlertBook* const book_;
  const Clock* const clock_;
  const EscalatorOptions options_;

  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  // Serialises Start and Stop; never held by the thread itself.
  absl::Mutex start_mu_;
  std::thread thread_ ABSL_GUARDED_BY(start_mu_);
};

}  // namespace handover::alerts

#endif  // HANDOVER_ALERTS_ESCALATOR_H_

// AlertRaiser: on a police node, turns move notices arriving in the inbox
// into alerts in the control room's alert book.
//
// It works from the store's durable queue of inbox transfers not yet
// checked (every inbox insert starts unchecked), so an alert is never lost
// to a crash between storing an envelope and raising its alert: a restart
// picks up where it stopped, and AlertBook::Raise is idempotent per
// transfer id. Each pass opens the unchecked envelopes (verifying them to
// the last byte), raises an alert for each move notice with the priority
// AssessPriority gives, and marks the transfer checked. Transfers that are
// not move notices are only marked.
//
// Whether it raises at all follows [alerts] raise: "on", "off", or "auto"
// (the directory lists this agency as a police force). While "auto" cannot
// tell yet (no directory), transfers stay unchecked.
//
// Thread-safety: Start/Notify/Stop from any thread; one background thread.
#ifndef HANDOVER_NODE_ALERT_RAISER_H_
#define HANDOVER_NODE_ALERT_RAISER_H_

#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "alerts/alert_book.h"
#include "alerts/alert_signal.h"
#include "common/clock.h"
#include "config/node_config.h"
#include "deliverylog/event_recorder.h"
#include "node/directory_client.h"
#include "node/key_ring.h"
#include "node/node_store.h"

namespace handover::node {

struct AlertRaiserOptions {
  config::AlertMode mode = config::AlertMode::kAuto;
  const Clock* clock = &SystemClock::Get();
  // How often the thread looks at the queue even without Notify().
  absl::Duration poll_interval = absl::Seconds(5);
  // Each alert raised is logged here (ALERT_RAISED); may be null.
  deliverylog::EventRecorder* events = nullptr;
};

class AlertRaiser {
 public:
  // Everything borrowed must outlive the raiser.
  AlertRaiser(NodeStore* store, DirectoryClient* directory, const KeyRing* keys,
              alerts::AlertBook* book, alerts::AlertSignal* signal,
              AlertRaiserOptions options);
  ~AlertRaiser();  // Stop()s.
  AlertRaiser(const AlertRaiser&) = delete;
  AlertRaiser& operator=(const AlertRaiser&) = delete;

  void Start();
  // An envelope was stored in the inbox. Never blocks.
  void Notify();
  void Stop();

  // One pass on the calling thread: how many alerts it raised.
  int RaiseDue();

 private:
  void Run();
  // Whether this node raises alerts now; nullopt while "auto" cannot tell.
  std::optional<bool> Enabled() const;
  // Raises the alert for one unchecked transfer, if it is a move notice.
  absl::StatusOr<bool> Check(const directory::DirectoryView& directory,
                             absl::string_view transfer_id);

  NodeStore* const store_;
  DirectoryClient* const directory_;
  const KeyRing* const keys_;
  alerts::AlertBook* const book_;
  alerts::AlertSignal* const signal_;
  const AlertRaiserOptions options_;

  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t notifications_ ABSL_GUARDED_BY(mu_) = 0;
  std::thread thread_;
};

}  // namespace handover::node

#endif  // HANDOVER_NODE_ALERT_RAISER_H_

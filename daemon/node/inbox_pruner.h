// Deletes the sealed envelopes of inbox transfers that the agency has taken
// on (fetched or acknowledged) once they were received longer ago than the
// node's [retention] inbox_content_after (docs/LOG.md §7). The inbox row
// stays, marked pruned, and each deletion is logged as PRUNED.
//
// Thread-safety: Start and Stop are called by the owner, once each;
// PruneOnce may be called from any thread.
#ifndef HANDOVER_NODE_INBOX_PRUNER_H_
#define HANDOVER_NODE_INBOX_PRUNER_H_

#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "deliverylog/event_recorder.h"
#include "node/node_store.h"

namespace handover::node {

class InboxPruner {
 public:
  // `store`, `events` and `clock` must outlive the pruner. `agency_id` is
  // this node's agency, the recipient of everything in its inbox.
  InboxPruner(NodeStore* store, deliverylog::EventRecorder* events,
              const Clock* clock, absl::string_view agency_id,
              absl::Duration keep_for, absl::Duration interval);
  ~InboxPruner() { Stop(); }
  InboxPruner(const InboxPruner&) = delete;
  InboxPruner& operator=(const InboxPruner&) = delete;

  // Runs PruneOnce now and then every `interval` on a thread.
  void Start();
  // Joins the thread. Idempotent.
  void Stop();

  // Deletes the content of every transfer due for it; returns how many.
  // Stops at the first failure (the ones before it stay done).
  absl::StatusOr<int> PruneOnce();

 private:
  void Run();

  NodeStore* store_;
  deliverylog::EventRecorder* events_;
  const Clock* clock_;
  std::string agency_id_;
  absl::Duration keep_for_;
  absl::Duration interval_;
  absl::Mutex run_mu_;  // one PruneOnce at a time
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace handover::node

#endif  // HANDOVER_NODE_INBOX_PRUNER_H_

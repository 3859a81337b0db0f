// The recipient's side of a recall: when the node adopts a directory that
// marks a signing key compromised since T, every inbox transfer that key
// signed and that was signed or accepted at or after T is flagged for
// re-verification, durably, and logged once (RECALLED) with no content.
// Applying the same directory again flags and logs nothing new.
//
// Thread-safe: it holds only borrowed thread-safe parts.
#ifndef HANDOVER_NODE_RECALL_FLAGGER_H_
#define HANDOVER_NODE_RECALL_FLAGGER_H_

#include <string>

#include "absl/status/statusor.h"
#include "common/clock.h"
#include "deliverylog/event_recorder.h"
#include "directory/directory_view.h"
#include "node/node_store.h"

namespace handover::node {

// The one-line reason a flag and its log entry carry.
std::string RecallReason(const directory::CompromisedKey& key,
                         uint64_t directory_version);

class RecallFlagger {
 public:
  // `events` may be null (nothing is logged). All must outlive the flagger.
  RecallFlagger(NodeStore* store, deliverylog::EventRecorder* events,
                const Clock* clock, std::string agency_id)
      : store_(store),
        events_(events),
        clock_(clock),
        agency_id_(std::move(agency_id)) {}

  // Flags what `directory`'s compromised keys signed; returns how many
  // transfers it flagged now.
  absl::StatusOr<int> Apply(const directory::DirectoryView& directory);

 private:
  NodeStore* const store_;
  deliverylog::EventRecorder* const events_;
  const Clock* const clock_;
  const std::string agency_id_;
};

}  // namespace handover::node

#endif  // HANDOVER_NODE_RECALL_FLAGGER_H_

// The local API's ReconcileLog call (role admin), below gRPC: for every copy
// this agency sent in a window, where it is stuck and since when, with this
// node's log and outbox set against the router's log (docs/LOG.md). The
// pure classification of one copy is exposed on its own for tests. Free
// functions over a NodeServiceEnv; thread-safe as the env is.
#ifndef HANDOVER_NODE_API_RECONCILE_H_
#define HANDOVER_NODE_API_RECONCILE_H_

#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "handover/v1/log.pb.h"
#include "handover/v1/node.pb.h"
#include "node/api/node_service_env.h"
#include "node/node_store.h"

namespace handover::node::api {

// One call examines at most this many transfers (then `truncated`).
inline constexpr size_t kMaxReconcileTransfers = 1000;
// The default window reaches this far back; a window may be at most
// kMaxReconcileWindow long.
inline constexpr absl::Duration kDefaultReconcileWindow = absl::Hours(24 * 30);
inline constexpr absl::Duration kMaxReconcileWindow = absl::Hours(24 * 366);

// What the router's log says about one transfer.
struct RouterTransferEntries {
  // False when the router could not be asked: the copy is then classified
  // on this node's view alone.
  bool asked = false;
  // The router's entries of the transfer, every recipient's, oldest first;
  // empty if the router logged nothing for it.
  std::vector<handover::v1::LogEntry> entries;
};

// Where one copy is stuck: `delivery` is the recipient's record in this
// node's outbox, `node_entries` this node's log entries of the transfer (at
// least the copy's QUEUED entry, and its SENT_TO_ROUTER entry if there is
// one; other recipients' and other kinds are ignored), `router` the
// router's. nullopt for a copy with nothing to chase: acknowledged, or
// FAILED, EXPIRED or WITHDRAWN. A `since` later than `now` (clocks apart)
// is given as `now`.
std::optional<handover::v1::ReconcileRow> ClassifyCopy(
    absl::string_view transfer_id, const RecipientDelivery& delivery,
    const std::vector<handover::v1::LogEntry>& node_entries,
    const RouterTransferEntries& router, absl::Time now);

// INVALID_ARGUMENT if since >= until or the window is longer than
// kMaxReconcileWindow; FAILED_PRECONDITION on a node without a log. A
// router that cannot be asked is not an error: router_error says so.
absl::StatusOr<handover::v1::ReconcileLogResponse> ReconcileLog(
    const NodeServiceEnv& env,
    const handover::v1::ReconcileLogRequest& request);

}  // namespace handover::node::api

#endif  // HANDOVER_NODE_API_RECONCILE_H_

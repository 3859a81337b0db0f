// The control room's calls, below gRPC: WatchAlerts streams the alert
// book's events from a cursor and then waits for new ones; AckAlert takes
// an alert on (see proto/handover/v1/node.proto).
//
// Each event carries the alert as it stands and the police view of the
// child's record, opened from the inbox when the event is sent, so the
// control room sees who the child is without a second call. A view that
// cannot be opened is reported in the event (view_error), never hidden by
// dropping the alert.
//
// Thread-safe free functions.
#ifndef HANDOVER_NODE_API_ALERT_CALLS_H_
#define HANDOVER_NODE_API_ALERT_CALLS_H_

#include <functional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "handover/v1/node.pb.h"
#include "node/api/node_service_env.h"

namespace handover::node::api {

// Writes one event; false once the client has gone.
using WriteAlertEvent = std::function<bool(const handover::v1::AlertEvent&)>;
// True once the call should end (the client cancelled, the server stops).
using CallEnded = std::function<bool()>;

// Returns OK at the end (stop_at_end) or when `ended` says so; CANCELLED if
// the client stopped reading.
absl::Status WatchAlerts(const NodeServiceEnv& env,
                         const handover::v1::WatchAlertsRequest& request,
                         const WriteAlertEvent& write, const CallEnded& ended);

absl::StatusOr<handover::v1::AckAlertResponse> AckAlert(
    const NodeServiceEnv& env, const handover::v1::AckAlertRequest& request);

}  // namespace handover::node::api

#endif  // HANDOVER_NODE_API_ALERT_CALLS_H_

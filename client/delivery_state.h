// Delivery states as people and scripts write them: "queued", "at-router",
// "delivered", "failed", "expired" and "withdrawn" (node.proto's
// DeliveryState). Free
// functions; thread-safe.
#ifndef HANDOVER_CLIENT_DELIVERY_STATE_H_
#define HANDOVER_CLIENT_DELIVERY_STATE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "handover/v1/node.pb.h"

namespace handover::cli {

// The name of `state`; "unknown" for UNSPECIFIED or a value this CLI does
// not know.
std::string DeliveryStateName(handover::v1::DeliveryState state);

// The state named `name`, or nullopt.
std::optional<handover::v1::DeliveryState> ParseDeliveryState(
    absl::string_view name);

// Every name ParseDeliveryState accepts, in forward order.
std::vector<std::string> DeliveryStateNames();

// Delivered, failed, expired and withdrawn never change.
bool IsFinal(handover::v1::DeliveryState state);

// Whether a recipient in `state` has got as far as `target`: a final
// target is reached only by that very state; a non-final one by it or by
// any later state.
bool HasReached(handover::v1::DeliveryState state,
                handover::v1::DeliveryState target);

}  // namespace handover::cli

#endif  // HANDOVER_CLIENT_DELIVERY_STATE_H_

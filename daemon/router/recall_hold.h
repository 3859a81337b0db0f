// The router's side of a recall: an envelope signed by a key the directory
// marks compromised since T, signed (created_at) or received at or after T,
// is held for every recipient still waiting for it: never delivered, the
// delivery ended as kHeld with a signed non-delivery report to the sender
// (SENDER_KEY_COMPROMISED) and HELD in the router's log. The store's state
// makes the hold durable and each one happens once.
//
// Both the sweeper (every open delivery, after a directory change) and the
// mailbox stream (just before a push, so that nothing slips out between a
// directory reload and the next sweep) use it.
#ifndef HANDOVER_ROUTER_RECALL_HOLD_H_
#define HANDOVER_ROUTER_RECALL_HOLD_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "directory/directory_view.h"
#include "router/router_env.h"
#include "router/router_store.h"

namespace handover::router {

// Why `envelope` must be held under `directory`, as one line ("signing key
// <hex> compromised since <T>"); nullopt if it need not be.
std::optional<std::string> HoldReason(
    const EnvelopeRecord& envelope, const directory::DirectoryView& directory);

// Holds `recipient_id`'s copy of `envelope` for `reason`. True if it was
// held now; false if that delivery had already ended.
absl::StatusOr<bool> HoldDelivery(const RouterEnv& env,
                                  const EnvelopeRecord& envelope,
                                  absl::string_view recipient_id,
                                  absl::string_view reason);

}  // namespace handover::router

#endif  // HANDOVER_ROUTER_RECALL_HOLD_H_

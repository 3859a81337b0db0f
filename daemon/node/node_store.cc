#include "node/node_store.h"

#include "node/sqlite_node_store.h"

namespace handover::node {
namespace {

// QUEUED < AT_ROUTER < the final states, which rank equal.
int Rank(DeliveryState state) {
  switch (state) {
    case handover::v1::DELIVERY_STATE_QUEUED:
      return 1;
    case handover::v1::DELIVERY_STATE_AT_ROUTER:
      return 2;
    case handover::v1::DELIVERY_STATE_DELIVERED:
    case handover::v1::DELIVERY_STATE_FAILED:
    case handover::v1::DELIVERY_STATE_EXPIRED:
    case handover::v1::DELIVERY_STATE_WITHDRAWN:
      return 3;
    default:
      return 0;
  }
}

}  // namespace

bool IsFinalState(DeliveryState state) { return Rank(state) == 3; }

DeliveryState TransferRecord::OverallState() const {
  DeliveryState least = handover::v1::DELIVERY_STATE_UNSPECIFIED;
  for (const RecipientDelivery& r : recipients) {
    if (least == handover::v1::DELIVERY_STATE_UNSPECIFIED ||
        Rank(r.state) < Rank(least)) {
      least = r.state;
    }
  }
  return least;
}

absl::StatusOr<std::unique_ptr<NodeStore>> OpenSqliteNodeStore(
    const std::string& path) {
  absl::StatusOr<std::unique_ptr<SqliteNodeStore>> store =
      SqliteNodeStore::Open(path);
  if (!store.ok()) return store.status();
  return std::unique_ptr<NodeStore>(std::move(*store));
}

}  // namespace handover::node

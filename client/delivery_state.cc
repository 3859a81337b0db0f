#include "delivery_state.h"

namespace handover::cli {
namespace {

namespace v1 = handover::v1;

struct Named {
  v1::DeliveryState state;
  const char* name;
};

constexpr Named kStates[] = {
    {v1::DELIVERY_STATE_QUEUED, "queued"},
    {v1::DELIVERY_STATE_AT_ROUTER, "at-router"},
    {v1::DELIVERY_STATE_DELIVERED, "delivered"},
    {v1::DELIVERY_STATE_FAILED, "failed"},
    {v1::DELIVERY_STATE_EXPIRED, "expired"},
    {v1::DELIVERY_STATE_WITHDRAWN, "withdrawn"},
};

}  // namespace

std::string DeliveryStateName(v1::DeliveryState state) {
  for (const Named& n : kStates) {
    if (n.state == state) return n.name;
  }
  return "unknown";
}

std::optional<v1::DeliveryState> ParseDeliveryState(absl::string_view name) {
  for (const Named& n : kStates) {
    if (name == n.name) return n.state;
  }
  return std::nullopt;
}

std::vector<std::string> DeliveryStateNames() {
  std::vector<std::string> names;
  for (const Named& n : kStates) names.push_back(n.name);
  return names;
}

bool IsFinal(v1::DeliveryState state) {
  return state == v1::DELIVERY_STATE_DELIVERED ||
         state == v1::DELIVERY_STATE_FAILED ||
         state == v1::DELIVERY_STATE_EXPIRED ||
         state == v1::DELIVERY_STATE_WITHDRAWN;
}

bool HasReached(v1::DeliveryState state, v1::DeliveryState target) {
  if (IsFinal(target)) return state == target;
  if (IsFinal(state)) return true;
  return state >= target;
}

}  // namespace handover::cli

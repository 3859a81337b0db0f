// The RPCs of the node's local API (proto/handover/v1/node.proto) and which
// client roles may call each. Plain values and free functions; thread-safe.
#ifndef HANDOVER_NODE_API_NODE_RPC_H_
#define HANDOVER_NODE_API_NODE_RPC_H_

#include <string>

#include "absl/strings/string_view.h"
#include "config/client_role.h"

namespace handover::node::api {

enum class NodeRpc {
  kSubmitTransfer,
  kListInbox,
  kFetchTransfer,
  kTransferStatus,
  kGetNodeInfo,
  kSubmitMove,
  kListOverdue,
  kWatchAlerts,
  kAckAlert,
  kAcknowledgeTransfer,
  kListLog,
  kShowTransferLog,
  kGetTreeHead,
  kProveLog,
  kVerifyLog,
  kExportLog,
  kReconcileLog,
  kListRecalledTransfers,
};

// The method name as in the proto, e.g. "SubmitTransfer".
absl::string_view NodeRpcName(NodeRpc rpc);

// True if a client with `role` may call `rpc`.
bool RoleMayCall(config::ClientRole role, NodeRpc rpc);

// The roles that may call `rpc`, for messages: "submitter or admin".
std::string RolesAllowedToCall(NodeRpc rpc);

}  // namespace handover::node::api

#endif  // HANDOVER_NODE_API_NODE_RPC_H_

#include "node/api/node_rpc.h"

#include <vector>

#include "absl/strings/str_cat.h"

namespace handover::node::api {
namespace {

using config::ClientRole;

// The one role map; everything else derives from it.
std::vector<ClientRole> AllowedRoles(NodeRpc rpc) {
  switch (rpc) {
    case NodeRpc::kSubmitTransfer:
    case NodeRpc::kSubmitMove:
      return {ClientRole::kSubmitter};
    case NodeRpc::kListOverdue:
      return {ClientRole::kSubmitter, ClientRole::kAdmin};
    case NodeRpc::kWatchAlerts:
    case NodeRpc::kAckAlert:
      return {ClientRole::kAlertOperator};
    case NodeRpc::kAcknowledgeTransfer:
      return {ClientRole::kReceiver};
    case NodeRpc::kListInbox:
    case NodeRpc::kFetchTransfer:
      return {ClientRole::kReceiver};
    case NodeRpc::kTransferStatus:
      return {ClientRole::kSubmitter, ClientRole::kAdmin};
    case NodeRpc::kGetNodeInfo:
    case NodeRpc::kListLog:
    case NodeRpc::kShowTransferLog:
    case NodeRpc::kGetTreeHead:
    case NodeRpc::kProveLog:
    case NodeRpc::kVerifyLog:
    case NodeRpc::kExportLog:
    case NodeRpc::kReconcileLog:
    case NodeRpc::kListRecalledTransfers:
      return {ClientRole::kAdmin};
  }
  return {};
}

}  // namespace

absl::string_view NodeRpcName(NodeRpc rpc) {
  switch (rpc) {
    case NodeRpc::kSubmitTransfer:
      return "SubmitTransfer";
    case NodeRpc::kListInbox:
      return "ListInbox";
    case NodeRpc::kFetchTransfer:
      return "FetchTransfer";
    case NodeRpc::kTransferStatus:
      return "TransferStatus";
    case NodeRpc::kGetNodeInfo:
      return "GetNodeInfo";
    case NodeRpc::kSubmitMove:
      return "SubmitMove";
    case NodeRpc::kListOverdue:
      return "ListOverdue";
    case NodeRpc::kWatchAlerts:
      return "WatchAlerts";
    case NodeRpc::kAckAlert:
      return "AckAlert";
    case NodeRpc::kAcknowledgeTransfer:
      return "AcknowledgeTransfer";
    case NodeRpc::kListLog:
      return "ListLog";
    case NodeRpc::kShowTransferLog:
      return "ShowTransferLog";
    case NodeRpc::kGetTreeHead:
      return "GetTreeHead";
    case NodeRpc::kProveLog:
      return "ProveLog";
    case NodeRpc::kVerifyLog:
      return "VerifyLog";
    case NodeRpc::kExportLog:
      return "ExportLog";
    case NodeRpc::kReconcileLog:
      return "ReconcileLog";
    case NodeRpc::kListRecalledTransfers:
      return "ListRecalledTransfers";
  }
  return "unknown";
}

bool RoleMayCall(ClientRole role, NodeRpc rpc) {
  for (ClientRole allowed : AllowedRoles(rpc)) {
    if (allowed == role) return true;
  }
  return false;
}

std::string RolesAllowedToCall(NodeRpc rpc) {
  std::vector<ClientRole> roles = AllowedRoles(rpc);
  std::string out;
  for (size_t i = 0; i < roles.size(); ++i) {
    if (i > 0) absl::StrAppend(&out, i + 1 == roles.size() ? " or " : ", ");
    absl::StrAppend(&out, config::ClientRoleName(roles[i]));
  }
  return out;
}

}  // namespace handover::node::api

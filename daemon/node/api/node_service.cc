#include "node/api/node_service.h"

#include <optional>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "common/disk_full.h"
#include "node/api/alert_calls.h"
#include "node/api/log_calls.h"
#include "node/api/queries.h"
#include "node/api/reconcile.h"
#include "rpc/grpc_status.h"
#include "spdlog/spdlog.h"

namespace handover::node::api {
namespace {

using handover::v1::FetchTransferResponse;

constexpr char kNodeDiskFull[] =
    "this node's disk is full; nothing was stored; try again once space is "
    "freed";

// One line per failed call: the RPC, who called (if known) and the status.
// Status messages in this API never carry case content or tokens.
// A full disk is logged in detail and answered in one line, without paths.
grpc::Status Finish(NodeRpc rpc, absl::string_view client,
                    const absl::Status& status) {
  if (!status.ok()) {
    spdlog::warn("{} by client {}: {}", std::string(NodeRpcName(rpc)),
                 client.empty() ? "(unauthenticated)" : std::string(client),
                 status.ToString());
  }
  return rpc::ToGrpcStatus(ReplaceDiskFullMessage(status, kNodeDiskFull));
}

// Identifies the caller and checks its role: the status to send if either
// fails, nullopt (and `caller` set) if the call may go ahead.
std::optional<grpc::Status> Admit(const ClientAuthenticator& auth,
                                  const grpc::ServerContext& context,
                                  NodeRpc rpc, Caller* caller) {
  absl::StatusOr<Caller> identified = auth.Identify(context);
  if (!identified.ok()) return Finish(rpc, "", identified.status());
  *caller = *std::move(identified);
  if (absl::Status s = CheckRole(*caller, rpc); !s.ok()) {
    return Finish(rpc, caller->name, s);
  }
  return std::nullopt;
}

// Reads the client's next message, the wait timed by the stall watchdog.
template <typename Request>
auto WatchedRead(grpc::ServerReader<Request>* reader,
                 rpc::StallWatchdog::Stream* watched) {
  return [reader, watched](Request* request) {
    return watched->Await([&] { return reader->Read(request); });
  };
}

template <typename T>
grpc::Status Reply(NodeRpc rpc, absl::string_view client,
                   absl::StatusOr<T> result, T* response) {
  if (result.ok()) *response = std::move(*result);
  return Finish(rpc, client, result.status());
}

}  // namespace

const char* NodeSoftwareVersion() { return HANDOVER_VERSION; }

NodeService::NodeService(NodeServiceEnv env)
    : env_(std::move(env)),
      auth_(env_.clients),
      limiter_(env_.limits.submissions_per_minute_per_client, env_.clock),
      streams_(env_.limits.max_open_streams_per_client,
               "[limits] max_open_streams_per_client"),
      stalls_(env_.limits.stream_stall_timeout, "[limits] stream_stall_timeout",
              env_.clock),
      submit_(&env_, &limiter_),
      submit_move_(&env_, &limiter_),
      fetch_(&env_) {}

rpc::StallWatchdog::Stream NodeService::Watch(grpc::ServerContext* context,
                                              NodeRpc rpc,
                                              const Caller& caller) {
  return stalls_.Watch(
      context, absl::StrCat(NodeRpcName(rpc), " by client ", caller.name));
}

grpc::Status NodeService::SubmitTransfer(
    grpc::ServerContext* context,
    grpc::ServerReader<handover::v1::SubmitTransferRequest>* reader,
    handover::v1::SubmitTransferResponse* response) {
  constexpr NodeRpc kRpc = NodeRpc::kSubmitTransfer;
  Caller caller;
  if (auto refused = Admit(auth_, *context, kRpc, &caller)) return *refused;
  absl::StatusOr<rpc::OpenStreamLimiter::Slot> slot =
      streams_.Enter(caller.name);
  if (!slot.ok()) return Finish(kRpc, caller.name, slot.status());
  rpc::StallWatchdog::Stream watched = Watch(context, kRpc, caller);
  return Reply(kRpc, caller.name,
               submit_.Handle(caller, WatchedRead(reader, &watched)), response);
}

grpc::Status NodeService::ListInbox(
    grpc::ServerContext* context, const handover::v1::ListInboxRequest* request,
    handover::v1::ListInboxResponse* response) {
  constexpr NodeRpc kRpc = NodeRpc::kListInbox;
  Caller caller;
  if (auto refused = Admit(auth_, *context, kRpc, &caller)) return *refused;
  return Reply(kRpc, caller.name, api::ListInbox(env_, *request), response);
}

grpc::Status NodeService::FetchTransfer(
    grpc::ServerContext* context,
    const handover::v1::FetchTransferRequest* request,
    grpc::ServerWriter<FetchTransferResponse>* writer) {
  constexpr NodeRpc kRpc = NodeRpc::kFetchTransfer;
  Caller caller;
  if (auto refused = Admit(auth_, *context, kRpc, &caller)) return *refused;
  absl::StatusOr<rpc::OpenStreamLimiter::Slot> slot =
      streams_.Enter(caller.name);
  if (!slot.ok()) return Finish(kRpc, caller.name, slot.status());
  rpc::StallWatchdog::Stream watched = Watch(context, kRpc, caller);
  auto write = [writer, &watched](const FetchTransferResponse& response) {
    return watched.Await([&] { return writer->Write(response); });
  };
  return Finish(kRpc, caller.name, fetch_.Handle(caller, *request, write));
}

grpc::Status NodeService::TransferStatus(
    grpc::ServerContext* context,
    const handover::v1::TransferStatusRequest* request,
    handover::v1::TransferStatusResponse* response) {
  constexpr NodeRpc kRpc = NodeRpc::kTransferStatus;
  Caller caller;
  if (auto refused = Admit(auth_, *context, kRpc, &caller)) return *refused;
  return Reply(kRpc, caller.name, api::TransferStatus(env_, *request),
               response);
}

grpc::Status NodeService::GetNodeInfo(grpc::ServerContext* context,
                                      const handover::v1::GetNodeInfoRequest*,
                                      handover::v1::NodeInfo* response) {
  constexpr NodeRpc kRpc = NodeRpc::kGetNodeInfo;
  Caller caller;
  if (auto refused = Admit(auth_, *context, kRpc, &caller)) return *refused;
  return Reply(kRpc, caller.name, api::GetNodeInfo(env_, NodeSoftwareVersion()),
               response);
}

grpc::Status NodeService::SubmitMove(
    grpc::ServerContext* context,
    grpc::ServerReader<handover::v1::SubmitMoveRequest>* reader,
    handover::v1::SubmitMoveResponse* response) {
  constexpr NodeRpc kRpc = NodeRpc::kSubmitMove;
  Caller caller;
  if (auto refused = Admit(auth_, *context, kRpc, &caller)) return *refused;
  absl::StatusOr<rpc::OpenStreamLimiter::Slot> slot =
      streams_.Enter(caller.name);
  if (!slot.ok()) return Finish(kRpc, caller.name, slot.status());
  rpc::StallWatchdog::Stream watched = Watch(context, kRpc, caller);
  return Reply(kRpc, caller.name,
               submit_move_.Handle(caller, WatchedRead(reader, &watched)),
               response);
}

grpc::Status NodeService::ListOverdue(
    grpc::ServerContext* context, const handover::v1::ListOverdueRequest*,
    handover::v1::ListOverdueResponse* response) {
  constexpr NodeRpc kRpc = NodeRpc::kListOverdue;
  Caller caller;
  if (auto refused = Admit(auth_, *context, kRpc, &caller)) return *refused;
  return Reply(kRpc, caller.name, api::ListOverdue(env_), response);
}

grpc::Status NodeService::WatchAlerts(
    grpc::ServerContext* context,
    const handover::v1::WatchAlertsRequest* request,
    grpc::ServerWriter<handover::v1::AlertEvent>* writer) {
  constexpr NodeRpc kRpc = NodeRpc::kWatchAlerts;
  Caller caller;
  if (auto refused = Admit(auth_, *context, kRpc, &caller)) return *refused;
  absl::StatusOr<rpc::OpenStreamLimiter::Slot> slot =
      streams_.Enter(caller.name);
  if (!slot.ok()) return Finish(kRpc, caller.name, slot.status());
  spdlog::info("WatchAlerts: client {} watching after cursor {}", caller.name,
               request->after_cursor());
  auto write = [writer](const handover::v1::AlertEvent& event) {
    return writer->Write(event);
  };
  auto ended = [context] { return context->IsCancelled(); };
  return Finish(kRpc, caller.name,
                api::WatchAlerts(env_, *request, write, ended));
}

grpc::Status NodeService::AckAlert(grpc::ServerContext* context,
                                   const handover::v1::AckAlertRequest* request,
                                   handover::v1::AckAlertResponse* response) {
  constexpr NodeRpc kRpc = NodeRpc::kAckAlert;
  Caller caller;
  if (auto refused = Admit(auth_, *context, kRpc, &caller)) return *refused;
  return Reply(kRpc, caller.name, api::AckAlert(env_, *request), response);
}

grpc::Status NodeService::AcknowledgeTransfer(
    grpc::ServerContext* context,
    const handover::v1::AcknowledgeTransferRequest* request,
    handover::v1::AcknowledgeTransferResponse* response) {
  constexpr NodeRpc kRpc = NodeRpc::kAcknowledgeTransfer;
  Caller caller;
  if (auto refused = Admit(auth_, *context, kRpc, &caller)) return *refused;
  return Reply(kRpc, caller.name, api::AcknowledgeTransfer(env_, *request),
               response);
}

grpc::Status NodeService::ListLog(grpc::ServerContext* context,
                                  const handover::v1::ListLogRequest* request,
                                  handover::v1::ListLogResponse* response) {
  constexpr NodeRpc kRpc = NodeRpc::kListLog;
  Caller caller;
  if (auto refused = Admit(auth_, *context, kRpc, &caller)) return *refused;
  return Reply(kRpc, caller.name, api::ListLog(env_, *request), response);
}

grpc::Status NodeService::ShowTransferLog(
    grpc::ServerContext* context,
    const handover::v1::ShowTransferLogRequest* request,
    handover::v1::ShowTransferLogResponse* response) {
  constexpr NodeRpc kRpc = NodeRpc::kShowTransferLog;
  Caller caller;
  if (auto refused = Admit(auth_, *context, kRpc, &caller)) return *refused;
  return Reply(kRpc, caller.name, api::ShowTransferLog(env_, *request),
               response);
}

grpc::Status NodeService::GetTreeHead(
    grpc::ServerContext* context,
    const handover::v1::GetTreeHeadRequest* request,
    handover::v1::SignedTreeHead* response) {
  constexpr NodeRpc kRpc = NodeRpc::kGetTreeHead;
  Caller caller;
  if (auto refused = Admit(auth_, *context, kRpc, &caller)) return *refused;
  return Reply(kRpc, caller.name, api::GetTreeHead(env_, *request), response);
}

grpc::Status NodeService::ProveLog(grpc::ServerContext* context,
                                   const handover::v1::ProveLogRequest* request,
                                   handover::v1::ProveLogResponse* response) {
  constexpr NodeRpc kRpc = NodeRpc::kProveLog;
  Caller caller;
  if (auto refused = Admit(auth_, *context, kRpc, &caller)) return *refused;
  return Reply(kRpc, caller.name, api::ProveLog(env_, *request), response);
}

grpc::Status NodeService::VerifyLog(grpc::ServerContext* context,
                                    const handover::v1::VerifyLogRequest*,
                                    handover::v1::VerifyLogResponse* response) {
  constexpr NodeRpc kRpc = NodeRpc::kVerifyLog;
  Caller caller;
  if (auto refused = Admit(auth_, *context, kRpc, &caller)) return *refused;
  return Reply(kRpc, caller.name, api::VerifyLog(env_), response);
}

grpc::Status NodeService::ExportLog(
    grpc::ServerContext* context, const handover::v1::ExportLogRequest*,
    grpc::ServerWriter<handover::v1::ExportLogChunk>* writer) {
  constexpr NodeRpc kRpc = NodeRpc::kExportLog;
  Caller caller;
  if (auto refused = Admit(auth_, *context, kRpc, &caller)) return *refused;
  absl::StatusOr<rpc::OpenStreamLimiter::Slot> slot =
      streams_.Enter(caller.name);
  if (!slot.ok()) return Finish(kRpc, caller.name, slot.status());
  rpc::StallWatchdog::Stream watched = Watch(context, kRpc, caller);
  auto write = [writer, &watched](const handover::v1::ExportLogChunk& chunk) {
    return watched.Await([&] { return writer->Write(chunk); });
  };
  return Finish(kRpc, caller.name, api::ExportLog(env_, write));
}

grpc::Status NodeService::ReconcileLog(
    grpc::ServerContext* context,
    const handover::v1::ReconcileLogRequest* request,
    handover::v1::ReconcileLogResponse* response) {
  constexpr NodeRpc kRpc = NodeRpc::kReconcileLog;
  Caller caller;
  if (auto refused = Admit(auth_, *context, kRpc, &caller)) return *refused;
  return Reply(kRpc, caller.name, api::ReconcileLog(env_, *request), response);
}

grpc::Status NodeService::ListRecalledTransfers(
    grpc::ServerContext* context,
    const handover::v1::ListRecalledTransfersRequest*,
    handover::v1::ListRecalledTransfersResponse* response) {
  constexpr NodeRpc kRpc = NodeRpc::kListRecalledTransfers;
  Caller caller;
  if (auto refused = Admit(auth_, *context, kRpc, &caller)) return *refused;
  return Reply(kRpc, caller.name, api::ListRecalledTransfers(env_), response);
}

}  // namespace handover::node::api

// handover.v1.Node, the node's local API for its own agency's clients, on
// gRPC's synchronous API: every handler may block on SQLite and fsync, so
// each runs on a gRPC worker thread rather than inside a reactor.
//
// Each handler is thin: authorize the caller's role, call the handler
// below gRPC (submit_transfer.h, fetch_transfer.h, queries.h), log one line
// (client name, transfer id in hex, sizes, codes — never case content or
// tokens) and convert the status with rpc::ToGrpcStatus.
//
// Thread-safe: gRPC calls the handlers from many threads at once.
#ifndef HANDOVER_NODE_API_NODE_SERVICE_H_
#define HANDOVER_NODE_API_NODE_SERVICE_H_

#include <grpcpp/grpcpp.h>

#include <string>

#include "handover/v1/node.grpc.pb.h"
#include "node/api/client_auth.h"
#include "node/api/fetch_transfer.h"
#include "node/api/node_rpc.h"
#include "node/api/node_service_env.h"
#include "node/api/rate_limiter.h"
#include "node/api/submit_move.h"
#include "node/api/submit_transfer.h"
#include "rpc/open_stream_limiter.h"
#include "rpc/stall_watchdog.h"

namespace handover::node::api {

// This build's version, as GetNodeInfo reports it.
const char* NodeSoftwareVersion();

class NodeService final : public handover::v1::Node::Service {
 public:
  explicit NodeService(NodeServiceEnv env);

  grpc::Status SubmitTransfer(
      grpc::ServerContext* context,
      grpc::ServerReader<handover::v1::SubmitTransferRequest>* reader,
      handover::v1::SubmitTransferResponse* response) override;
  grpc::Status ListInbox(grpc::ServerContext* context,
                         const handover::v1::ListInboxRequest* request,
                         handover::v1::ListInboxResponse* response) override;
  grpc::Status FetchTransfer(
      grpc::ServerContext* context,
      const handover::v1::FetchTransferRequest* request,
      grpc::ServerWriter<handover::v1::FetchTransferResponse>* writer) override;
  grpc::Status TransferStatus(
      grpc::ServerContext* context,
      const handover::v1::TransferStatusRequest* request,
      handover::v1::TransferStatusResponse* response) override;
  grpc::Status GetNodeInfo(grpc::ServerContext* context,
                           const handover::v1::GetNodeInfoRequest* request,
                           handover::v1::NodeInfo* response) override;
  grpc::Status SubmitMove(
      grpc::ServerContext* context,
      grpc::ServerReader<handover::v1::SubmitMoveRequest>* reader,
      handover::v1::SubmitMoveResponse* response) override;
  grpc::Status ListOverdue(
      grpc::ServerContext* context,
      const handover::v1::ListOverdueRequest* request,
      handover::v1::ListOverdueResponse* response) override;
  grpc::Status WatchAlerts(
      grpc::ServerContext* context,
      const handover::v1::WatchAlertsRequest* request,
      grpc::ServerWriter<handover::v1::AlertEvent>* writer) override;
  grpc::Status AckAlert(grpc::ServerContext* context,
                        const handover::v1::AckAlertRequest* request,
                        handover::v1::AckAlertResponse* response) override;
  grpc::Status AcknowledgeTransfer(
      grpc::ServerContext* context,
      const handover::v1::AcknowledgeTransferRequest* request,
      handover::v1::AcknowledgeTransferResponse* response) override;
  grpc::Status ListLog(grpc::ServerContext* context,
                       const handover::v1::ListLogRequest* request,
                       handover::v1::ListLogResponse* response) override;
  grpc::Status ShowTransferLog(
      grpc::ServerContext* context,
      const handover::v1::ShowTransferLogRequest* request,
      handover::v1::ShowTransferLogResponse* response) override;
  grpc::Status GetTreeHead(grpc::ServerContext* context,
                           const handover::v1::GetTreeHeadRequest* request,
                           handover::v1::SignedTreeHead* response) override;
  grpc::Status ProveLog(grpc::ServerContext* context,
                        const handover::v1::ProveLogRequest* request,
                        handover::v1::ProveLogResponse* response) override;
  grpc::Status VerifyLog(grpc::ServerContext* context,
                         const handover::v1::VerifyLogRequest* request,
                         handover::v1::VerifyLogResponse* response) override;
  grpc::Status ExportLog(
      grpc::ServerContext* context,
      const handover::v1::ExportLogRequest* request,
      grpc::ServerWriter<handover::v1::ExportLogChunk>* writer) override;
  grpc::Status ReconcileLog(
      grpc::ServerContext* context,
      const handover::v1::ReconcileLogRequest* request,
      handover::v1::ReconcileLogResponse* response) override;
  grpc::Status ListRecalledTransfers(
      grpc::ServerContext* context,
      const handover::v1::ListRecalledTransfersRequest* request,
      handover::v1::ListRecalledTransfersResponse* response) override;

 private:
  // Puts a streaming call under the stall watchdog, named for its log line.
  rpc::StallWatchdog::Stream Watch(grpc::ServerContext* context, NodeRpc rpc,
                                   const Caller& caller);

  const NodeServiceEnv env_;
  const ClientAuthenticator auth_;
  RateLimiter limiter_;
  // Streaming calls each client holds open (a slow or stalled client's
  // streams are bounded; see docs/CONFIG.md).
  rpc::OpenStreamLimiter streams_;
  // Cancels an upload or download whose client stalls (docs/CONFIG.md).
  rpc::StallWatchdog stalls_;
  const SubmitTransferHandler submit_;
  const SubmitMoveHandler submit_move_;
  const FetchTransferHandler fetch_;
};

}  // namespace handover::node::api

#endif  // HANDOVER_NODE_API_NODE_SERVICE_H_

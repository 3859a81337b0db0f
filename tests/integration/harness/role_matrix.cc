#include "harness/role_matrix.h"

#include "handover/v1/node.grpc.pb.h"
#include "harness/log_calls.h"
#include "harness/move_calls.h"
#include "harness/test_data.h"

namespace handover::integration {
namespace {

namespace v1 = handover::v1;
using R = Role;

template <typename Response, typename Request, typename Method>
absl::Status Unary(NodeClient& c, Method method, const Request& request) {
  std::unique_ptr<grpc::ClientContext> context = c.NewContext();
  Response response;
  return FromGrpc((c.stub().*method)(context.get(), request, &response));
}

std::vector<NodeRpcCase> Build() {
  return {
      {"SubmitTransfer",
       {R::kSubmitter},
       [](NodeClient& c, const MatrixInputs&) {
         SubmitRequest request;
         request.idempotency_key = "matrix-" + RandomHex(8);
         request.recipients = {kBirmingham};
         request.bundle = MinimalBundle("REF-MATRIX");
         return c.Submit(request).status();
       }},
      {"ListInbox",
       {R::kReceiver},
       [](NodeClient& c, const MatrixInputs&) {
         return c.ListInbox().status();
       }},
      {"FetchTransfer",
       {R::kReceiver},
       [](NodeClient& c, const MatrixInputs& in) {
         return c.Fetch(in.inbound, in.scratch_dir + "/fetch-" + RandomHex(4))
             .status();
       }},
      {"TransferStatus",
       {R::kSubmitter, R::kAdmin},
       [](NodeClient& c, const MatrixInputs& in) {
         return c.Status(in.outbound).status();
       }},
      {"GetNodeInfo",
       {R::kAdmin},
       [](NodeClient& c, const MatrixInputs&) {
         return c.GetNodeInfo().status();
       }},
      {"SubmitMove",
       {R::kSubmitter},
       [](NodeClient& c, const MatrixInputs&) {
         MoveRequest request;
         request.idempotency_key = "matrix-move-" + RandomHex(8);
         request.bundle = RichBundle("REF-MATRIX-MOVE");
         return SubmitMove(c, request).status();
       }},
      {"ListOverdue",
       {R::kSubmitter, R::kAdmin},
       [](NodeClient& c, const MatrixInputs&) {
         return ListOverdue(c).status();
       }},
      {"WatchAlerts",
       {R::kAlertOperator},
       [](NodeClient& c, const MatrixInputs&) {
         return AlertEventsAfter(c, 0).status();
       }},
      {"AckAlert",
       {R::kAlertOperator},
       [](NodeClient& c, const MatrixInputs& in) {
         return AckAlert(c, "A-" + in.inbound, "operator-1", "seen").status();
       }},
      {"AcknowledgeTransfer",
       {R::kReceiver},
       [](NodeClient& c, const MatrixInputs& in) {
         v1::AcknowledgeTransferRequest request;
         request.set_transfer_id(in.inbound);
         request.set_operator_id("operator-1");
         return Unary<v1::AcknowledgeTransferResponse>(
             c, &v1::Node::Stub::AcknowledgeTransfer, request);
       }},
      {"ListLog",
       {R::kAdmin},
       [](NodeClient& c, const MatrixInputs&) {
         return ListLogPage(c, v1::ListLogRequest()).status();
       }},
      {"ShowTransferLog",
       {R::kAdmin},
       [](NodeClient& c, const MatrixInputs& in) {
         return ShowTransferLog(c, in.outbound).status();
       }},
      {"GetTreeHead",
       {R::kAdmin},
       [](NodeClient& c, const MatrixInputs&) {
         return GetTreeHead(c, false).status();
       }},
      {"ProveLog",
       {R::kAdmin},
       [](NodeClient& c, const MatrixInputs&) {
         return ProveLog(c, 0, 0).status();
       }},
      {"VerifyLog",
       {R::kAdmin},
       [](NodeClient& c, const MatrixInputs&) {
         return VerifyLog(c).status();
       }},
      {"ExportLog",
       {R::kAdmin},
       [](NodeClient& c, const MatrixInputs&) {
         return ExportLog(c).status();
       }},
      {"ReconcileLog",
       {R::kAdmin},
       [](NodeClient& c, const MatrixInputs&) {
         return Unary<v1::ReconcileLogResponse>(
             c, &v1::Node::Stub::ReconcileLog, v1::ReconcileLogRequest());
       }},
      // The recall report (docs/OPERATIONS.md section 6).
      {"ListRecalledTransfers",
       {R::kAdmin},
       [](NodeClient& c, const MatrixInputs&) {
         return Unary<v1::ListRecalledTransfersResponse>(
             c, &v1::Node::Stub::ListRecalledTransfers,
             v1::ListRecalledTransfersRequest());
       }},
  };
}

}  // namespace

const std::vector<NodeRpcCase>& NodeRpcMatrix() {
  static const std::vector<NodeRpcCase>* matrix =
      new std::vector<NodeRpcCase>(Build());
  return *matrix;
}

}  // namespace handover::integration

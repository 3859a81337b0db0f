// A stand-in for an agency node's local API in the CLI tests: a real gRPC
// server with real TLS on loopback (demo certificates made at test time)
// whose answers each test scripts, and which records what the `handover`
// binary sent. It lets the CLI's streaming, staging and error lines be
// tested without the node daemon; the end-to-end tests against real
// daemons live in tests/integration.
//
// Thread-safe: handlers run on gRPC's threads while the test sets answers
// and reads records.
#ifndef HANDOVER_TESTS_CLI_FAKE_NODE_H_
#define HANDOVER_TESTS_CLI_FAKE_NODE_H_

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "handover/v1/node.grpc.pb.h"

namespace handover::testing {

// What the last SubmitTransfer stream carried.
struct SeenSubmit {
  handover::v1::SubmitTransferStart start;
  std::string attachment_bytes;  // all AttachmentData, concatenated
  size_t messages = 0;           // AttachmentData messages
  size_t largest_message = 0;    // bytes in the largest one
};

// Who made the last call.
struct SeenCaller {
  std::optional<std::string> cert_sha256;
  std::optional<std::string> bearer_token;
};

class FakeNodeService final : public handover::v1::Node::Service {
 public:
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
  grpc::Status ListOverdue(
      grpc::ServerContext* context,
      const handover::v1::ListOverdueRequest* request,
      handover::v1::ListOverdueResponse* response) override;
  grpc::Status ListRecalledTransfers(
      grpc::ServerContext* context,
      const handover::v1::ListRecalledTransfersRequest* request,
      handover::v1::ListRecalledTransfersResponse* response) override;
  // The delivery log. Each returns the status set by SetLogError if it is
  // not OK, else its scripted answer.
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

  // Scripted answers. A non-OK status is returned instead of a response
  // (for FetchTransfer: after the scripted messages).
  void SetSubmitAnswer(grpc::Status status,
                       handover::v1::SubmitTransferResponse response);
  void SetInboxPages(std::vector<handover::v1::ListInboxResponse> pages);
  void SetFetchAnswer(std::vector<handover::v1::FetchTransferResponse> messages,
                      grpc::Status status);
  // The i-th TransferStatus call gets answers[min(i, size - 1)].
  void SetStatusAnswers(
      std::vector<handover::v1::TransferStatusResponse> answers);
  void SetStatusError(grpc::Status status);
  // The i-th GetNodeInfo call gets answers[min(i, size - 1)].
  void SetInfoAnswers(std::vector<handover::v1::NodeInfo> answers);
  void SetOverdueAnswer(handover::v1::ListOverdueResponse answer);
  void SetRecallsAnswer(handover::v1::ListRecalledTransfersResponse answer);

  // Returned by every delivery log RPC instead of its answer unless OK.
  void SetLogError(grpc::Status status);
  // ListLog page N is asked for with the token "pN"; the first with none.
  void SetLogPages(std::vector<handover::v1::ListLogResponse> pages);
  void SetShowAnswer(handover::v1::ShowTransferLogResponse answer);
  void SetTreeHead(handover::v1::SignedTreeHead head);
  void SetProveAnswer(handover::v1::ProveLogResponse answer);
  void SetVerifyAnswer(handover::v1::VerifyLogResponse answer);
  // ExportLog sends each chunk, then returns `status`.
  void SetExportAnswer(std::vector<std::string> chunks, grpc::Status status);
  void SetReconcileAnswer(handover::v1::ReconcileLogResponse answer);

  SeenSubmit last_submit() const;
  SeenCaller last_caller() const;
  std::vector<handover::v1::ListInboxRequest> inbox_requests() const;
  std::string last_fetch_id() const;
  int status_calls() const;
  int info_calls() const;
  std::vector<handover::v1::ListLogRequest> log_requests() const;
  std::string last_show_id() const;
  std::vector<handover::v1::GetTreeHeadRequest> tree_head_requests() const;
  std::vector<handover::v1::ProveLogRequest> prove_requests() const;
  std::vector<handover::v1::ReconcileLogRequest> reconcile_requests() const;

 private:
  void RecordCaller(const grpc::ServerContext& context);

  mutable std::mutex mu_;
  grpc::Status submit_status_;
  handover::v1::SubmitTransferResponse submit_response_;
  SeenSubmit seen_submit_;
  SeenCaller seen_caller_;
  std::vector<handover::v1::ListInboxResponse> inbox_pages_;
  std::vector<handover::v1::ListInboxRequest> inbox_requests_;
  std::vector<handover::v1::FetchTransferResponse> fetch_messages_;
  grpc::Status fetch_status_;
  std::string fetch_id_;
  std::vector<handover::v1::TransferStatusResponse> status_answers_;
  grpc::Status status_error_;
  int status_calls_ = 0;
  std::vector<handover::v1::NodeInfo> info_answers_;
  int info_calls_ = 0;
  handover::v1::ListOverdueResponse overdue_answer_;
  handover::v1::ListRecalledTransfersResponse recalls_answer_;
  grpc::Status log_error_;
  std::vector<handover::v1::ListLogResponse> log_pages_;
  std::vector<handover::v1::ListLogRequest> log_requests_;
  handover::v1::ShowTransferLogResponse show_answer_;
  std::string show_id_;
  handover::v1::SignedTreeHead tree_head_;
  std::vector<handover::v1::GetTreeHeadRequest> tree_head_requests_;
  handover::v1::ProveLogResponse prove_answer_;
  std::vector<handover::v1::ProveLogRequest> prove_requests_;
  handover::v1::VerifyLogResponse verify_answer_;
  std::vector<std::string> export_chunks_;
  grpc::Status export_status_;
  handover::v1::ReconcileLogResponse reconcile_answer_;
  std::vector<handover::v1::ReconcileLogRequest> reconcile_requests_;
};

class FakeNode {
 public:
  // Serves on 127.0.0.1 (a free port) with the demo router certificate
  // (names localhost and 127.0.0.1), accepting optional client
  // certificates from the demo CA. Fails the test if it cannot start.
  FakeNode();
  ~FakeNode();

  std::string address() const;
  FakeNodeService& service() { return service_; }

 private:
  FakeNodeService service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

}  // namespace handover::testing

#endif  // HANDOVER_TESTS_CLI_FAKE_NODE_H_

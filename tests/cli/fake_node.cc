#include "cli/fake_node.h"

#include <algorithm>
#include <chrono>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "rpc/peer_identity.h"
#include "rpc/server_setup.h"
#include "rpc/tls_credentials.h"
#include "tls/test_certs.h"

namespace handover::testing {

namespace v1 = handover::v1;

void FakeNodeService::RecordCaller(const grpc::ServerContext& context) {
  SeenCaller seen;
  seen.cert_sha256 = rpc::PeerCertSha256(context);
  absl::StatusOr<std::optional<std::string>> token = rpc::BearerToken(context);
  if (token.ok()) seen.bearer_token = *token;
  std::lock_guard<std::mutex> lock(mu_);
  seen_caller_ = seen;
}

grpc::Status FakeNodeService::SubmitTransfer(
    grpc::ServerContext* context,
    grpc::ServerReader<v1::SubmitTransferRequest>* reader,
    v1::SubmitTransferResponse* response) {
  RecordCaller(*context);
  SeenSubmit seen;
  v1::SubmitTransferRequest request;
  while (reader->Read(&request)) {
    if (request.has_start()) {
      seen.start = request.start();
    } else {
      const std::string& data = request.attachment_data().data();
      seen.attachment_bytes += data;
      ++seen.messages;
      seen.largest_message = std::max(seen.largest_message, data.size());
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  seen_submit_ = std::move(seen);
  if (!submit_status_.ok()) return submit_status_;
  *response = submit_response_;
  return grpc::Status::OK;
}

grpc::Status FakeNodeService::ListInbox(grpc::ServerContext* context,
                                        const v1::ListInboxRequest* request,
                                        v1::ListInboxResponse* response) {
  RecordCaller(*context);
  std::lock_guard<std::mutex> lock(mu_);
  inbox_requests_.push_back(*request);
  // Page N is asked for with the token "pN"; the first with none.
  size_t page = 0;
  if (!request->page_token().empty()) {
    page = std::stoul(request->page_token().substr(1));
  }
  if (page >= inbox_pages_.size()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "page_token is not a token we issued");
  }
  *response = inbox_pages_[page];
  return grpc::Status::OK;
}

grpc::Status FakeNodeService::FetchTransfer(
    grpc::ServerContext* context, const v1::FetchTransferRequest* request,
    grpc::ServerWriter<v1::FetchTransferResponse>* writer) {
  RecordCaller(*context);
  std::vector<v1::FetchTransferResponse> messages;
  grpc::Status status;
  {
    std::lock_guard<std::mutex> lock(mu_);
    fetch_id_ = request->transfer_id();
    messages = fetch_messages_;
    status = fetch_status_;
  }
  for (const v1::FetchTransferResponse& m : messages) {
    if (!writer->Write(m)) break;
  }
  return status;
}

grpc::Status FakeNodeService::TransferStatus(
    grpc::ServerContext* context, const v1::TransferStatusRequest*,
    v1::TransferStatusResponse* response) {
  RecordCaller(*context);
  std::lock_guard<std::mutex> lock(mu_);
  const int call = status_calls_++;
  if (!status_error_.ok()) return status_error_;
  if (status_answers_.empty()) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND, "no such transfer");
  }
  *response =
      status_answers_[std::min<size_t>(call, status_answers_.size() - 1)];
  return grpc::Status::OK;
}

grpc::Status FakeNodeService::GetNodeInfo(grpc::ServerContext* context,
                                          const v1::GetNodeInfoRequest*,
                                          v1::NodeInfo* response) {
  RecordCaller(*context);
  std::lock_guard<std::mutex> lock(mu_);
  const int call = info_calls_++;
  if (info_answers_.empty()) {
    return grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                        "GetNodeInfo needs the role admin; client 'x' has "
                        "the role receiver");
  }
  *response = info_answers_[std::min<size_t>(call, info_answers_.size() - 1)];
  return grpc::Status::OK;
}

grpc::Status FakeNodeService::ListOverdue(grpc::ServerContext* context,
                                          const v1::ListOverdueRequest*,
                                          v1::ListOverdueResponse* response) {
  RecordCaller(*context);
  std::lock_guard<std::mutex> lock(mu_);
  *response = overdue_answer_;
  return grpc::Status::OK;
}

grpc::Status FakeNodeService::ListRecalledTransfers(
    grpc::ServerContext* context, const v1::ListRecalledTransfersRequest*,
    v1::ListRecalledTransfersResponse* response) {
  RecordCaller(*context);
  std::lock_guard<std::mutex> lock(mu_);
  *response = recalls_answer_;
  return grpc::Status::OK;
}

grpc::Status FakeNodeService::ListLog(grpc::ServerContext* context,
                                      const v1::ListLogRequest* request,
                                      v1::ListLogResponse* response) {
  RecordCaller(*context);
  std::lock_guard<std::mutex> lock(mu_);
  log_requests_.push_back(*request);
  if (!log_error_.ok()) return log_error_;
  size_t page = 0;
  if (!request->page_token().empty()) {
    page = std::stoul(request->page_token().substr(1));
  }
  if (page >= log_pages_.size()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "page_token is not a token we issued");
  }
  *response = log_pages_[page];
  return grpc::Status::OK;
}

grpc::Status FakeNodeService::ShowTransferLog(
    grpc::ServerContext* context, const v1::ShowTransferLogRequest* request,
    v1::ShowTransferLogResponse* response) {
  RecordCaller(*context);
  std::lock_guard<std::mutex> lock(mu_);
  show_id_ = request->transfer_id();
  if (!log_error_.ok()) return log_error_;
  *response = show_answer_;
  return grpc::Status::OK;
}

grpc::Status FakeNodeService::GetTreeHead(grpc::ServerContext* context,
                                          const v1::GetTreeHeadRequest* request,
                                          v1::SignedTreeHead* response) {
  RecordCaller(*context);
  std::lock_guard<std::mutex> lock(mu_);
  tree_head_requests_.push_back(*request);
  if (!log_error_.ok()) return log_error_;
  *response = tree_head_;
  return grpc::Status::OK;
}

grpc::Status FakeNodeService::ProveLog(grpc::ServerContext* context,
                                       const v1::ProveLogRequest* request,
                                       v1::ProveLogResponse* response) {
  RecordCaller(*context);
  std::lock_guard<std::mutex> lock(mu_);
  prove_requests_.push_back(*request);
  if (!log_error_.ok()) return log_error_;
  *response = prove_answer_;
  return grpc::Status::OK;
}

grpc::Status FakeNodeService::VerifyLog(grpc::ServerContext* context,
                                        const v1::VerifyLogRequest*,
                                        v1::VerifyLogResponse* response) {
  RecordCaller(*context);
  std::lock_guard<std::mutex> lock(mu_);
  if (!log_error_.ok()) return log_error_;
  *response = verify_answer_;
  return grpc::Status::OK;
}

grpc::Status FakeNodeService::ExportLog(
    grpc::ServerContext* context, const v1::ExportLogRequest*,
    grpc::ServerWriter<v1::ExportLogChunk>* writer) {
  RecordCaller(*context);
  std::vector<std::string> chunks;
  grpc::Status status;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!log_error_.ok()) return log_error_;
    chunks = export_chunks_;
    status = export_status_;
  }
  for (const std::string& data : chunks) {
    v1::ExportLogChunk chunk;
    chunk.set_data(data);
    if (!writer->Write(chunk)) break;
  }
  return status;
}

void FakeNodeService::SetSubmitAnswer(grpc::Status status,
                                      v1::SubmitTransferResponse response) {
  std::lock_guard<std::mutex> lock(mu_);
  submit_status_ = std::move(status);
  submit_response_ = std::move(response);
}

void FakeNodeService::SetInboxPages(std::vector<v1::ListInboxResponse> pages) {
  std::lock_guard<std::mutex> lock(mu_);
  inbox_pages_ = std::move(pages);
}

void FakeNodeService::SetFetchAnswer(
    std::vector<v1::FetchTransferResponse> messages, grpc::Status status) {
  std::lock_guard<std::mutex> lock(mu_);
  fetch_messages_ = std::move(messages);
  fetch_status_ = std::move(status);
}

void FakeNodeService::SetStatusAnswers(
    std::vector<v1::TransferStatusResponse> answers) {
  std::lock_guard<std::mutex> lock(mu_);
  status_answers_ = std::move(answers);
}

void FakeNodeService::SetStatusError(grpc::Status status) {
  std::lock_guard<std::mutex> lock(mu_);
  status_error_ = std::move(status);
}

void FakeNodeService::SetInfoAnswers(std::vector<v1::NodeInfo> answers) {
  std::lock_guard<std::mutex> lock(mu_);
  info_answers_ = std::move(answers);
}

void FakeNodeService::SetOverdueAnswer(v1::ListOverdueResponse answer) {
  std::lock_guard<std::mutex> lock(mu_);
  overdue_answer_ = std::move(answer);
}

void FakeNodeService::SetRecallsAnswer(
    v1::ListRecalledTransfersResponse answer) {
  std::lock_guard<std::mutex> lock(mu_);
  recalls_answer_ = std::move(answer);
}

void FakeNodeService::SetLogError(grpc::Status status) {
  std::lock_guard<std::mutex> lock(mu_);
  log_error_ = std::move(status);
}

void FakeNodeService::SetLogPages(std::vector<v1::ListLogResponse> pages) {
  std::lock_guard<std::mutex> lock(mu_);
  log_pages_ = std::move(pages);
}

grpc::Status FakeNodeService::ReconcileLog(
    grpc::ServerContext* context, const v1::ReconcileLogRequest* request,
    v1::ReconcileLogResponse* response) {
  RecordCaller(*context);
  std::lock_guard<std::mutex> lock(mu_);
  reconcile_requests_.push_back(*request);
  if (!log_error_.ok()) return log_error_;
  *response = reconcile_answer_;
  return grpc::Status::OK;
}

void FakeNodeService::SetReconcileAnswer(v1::ReconcileLogResponse answer) {
  std::lock_guard<std::mutex> lock(mu_);
  reconcile_answer_ = std::move(answer);
}

std::vector<v1::ReconcileLogRequest> FakeNodeService::reconcile_requests()
    const {
  std::lock_guard<std::mutex> lock(mu_);
  return reconcile_requests_;
}

void FakeNodeService::SetShowAnswer(v1::ShowTransferLogResponse answer) {
  std::lock_guard<std::mutex> lock(mu_);
  show_answer_ = std::move(answer);
}

void FakeNodeService::SetTreeHead(v1::SignedTreeHead head) {
  std::lock_guard<std::mutex> lock(mu_);
  tree_head_ = std::move(head);
}

void FakeNodeService::SetProveAnswer(v1::ProveLogResponse answer) {
  std::lock_guard<std::mutex> lock(mu_);
  prove_answer_ = std::move(answer);
}

void FakeNodeService::SetVerifyAnswer(v1::VerifyLogResponse answer) {
  std::lock_guard<std::mutex> lock(mu_);
  verify_answer_ = std::move(answer);
}

void FakeNodeService::SetExportAnswer(std::vector<std::string> chunks,
                                      grpc::Status status) {
  std::lock_guard<std::mutex> lock(mu_);
  export_chunks_ = std::move(chunks);
  export_status_ = std::move(status);
}

std::vector<v1::ListLogRequest> FakeNodeService::log_requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return log_requests_;
}

std::string FakeNodeService::last_show_id() const {
  std::lock_guard<std::mutex> lock(mu_);
  return show_id_;
}

std::vector<v1::GetTreeHeadRequest> FakeNodeService::tree_head_requests()
    const {
  std::lock_guard<std::mutex> lock(mu_);
  return tree_head_requests_;
}

std::vector<v1::ProveLogRequest> FakeNodeService::prove_requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return prove_requests_;
}

int FakeNodeService::info_calls() const {
  std::lock_guard<std::mutex> lock(mu_);
  return info_calls_;
}

SeenSubmit FakeNodeService::last_submit() const {
  std::lock_guard<std::mutex> lock(mu_);
  return seen_submit_;
}

SeenCaller FakeNodeService::last_caller() const {
  std::lock_guard<std::mutex> lock(mu_);
  return seen_caller_;
}

std::vector<v1::ListInboxRequest> FakeNodeService::inbox_requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return inbox_requests_;
}

std::string FakeNodeService::last_fetch_id() const {
  std::lock_guard<std::mutex> lock(mu_);
  return fetch_id_;
}

int FakeNodeService::status_calls() const {
  std::lock_guard<std::mutex> lock(mu_);
  return status_calls_;
}

FakeNode::FakeNode() {
  const std::string& certs = DemoCertsDir();
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
      rpc::MakeServerCredentials(
          rpc::ServerTlsFiles{certs + "/router.pem", certs + "/router.key",
                              certs + "/ca.pem"},
          rpc::ClientCertPolicy::kRequestAndVerify);
  if (!credentials.ok()) {
    ADD_FAILURE() << "server credentials: " << credentials.status();
    return;
  }
  grpc::ServerBuilder builder;
  rpc::ConfigureBuilder(&builder);
  builder.AddListeningPort("127.0.0.1:0", *credentials, &port_);
  builder.RegisterService(&service_);
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port_ == 0) {
    ADD_FAILURE() << "the fake node did not start";
  }
}

FakeNode::~FakeNode() {
  if (server_ != nullptr) {
    server_->Shutdown(std::chrono::system_clock::now() +
                      std::chrono::seconds(5));
  }
}

std::string FakeNode::address() const {
  return absl::StrCat("127.0.0.1:", port_);
}

}  // namespace handover::testing

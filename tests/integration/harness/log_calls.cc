#include "harness/log_calls.h"

#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace handover::integration {

namespace v1 = handover::v1;

namespace {
constexpr int kMaxPages = 100000;
constexpr uint32_t kDefaultPageSize = 100;
}  // namespace

absl::StatusOr<v1::ListLogResponse> ListLogPage(
    NodeClient& client, const v1::ListLogRequest& request) {
  std::unique_ptr<grpc::ClientContext> context = client.NewContext();
  v1::ListLogResponse response;
  RETURN_IF_ERROR(
      FromGrpc(client.stub().ListLog(context.get(), request, &response)));
  return response;
}

absl::StatusOr<std::vector<v1::LogEntry>> ListLogAll(NodeClient& client,
                                                     v1::ListLogRequest filter,
                                                     int* pages) {
  std::vector<v1::LogEntry> entries;
  const uint32_t page_size =
      filter.page_size() == 0 ? kDefaultPageSize : filter.page_size();
  filter.clear_page_token();
  if (pages != nullptr) *pages = 0;
  for (int page = 0; page < kMaxPages; ++page) {
    ASSIGN_OR_RETURN(v1::ListLogResponse response, ListLogPage(client, filter));
    if (pages != nullptr) ++*pages;
    if (static_cast<uint32_t>(response.entries_size()) > page_size) {
      return absl::InternalError(
          absl::StrCat("ListLog returned ", response.entries_size(),
                       " entries for a page of ", page_size));
    }
    for (const v1::LogEntry& e : response.entries()) entries.push_back(e);
    if (response.next_page_token().empty()) return entries;
    if (response.next_page_token() == filter.page_token()) {
      return absl::InternalError("ListLog repeated its page token");
    }
    filter.set_page_token(response.next_page_token());
  }
  return absl::InternalError("ListLog never reached its last page");
}

absl::StatusOr<std::vector<v1::LogEntry>> TransferLogEntries(
    NodeClient& client, const std::string& transfer_id) {
  v1::ListLogRequest filter;
  filter.set_transfer_id(transfer_id);
  return ListLogAll(client, filter);
}

absl::StatusOr<std::vector<v1::LogEntry>> WaitForLogEvent(
    NodeClient& client, const std::string& transfer_id, v1::LogEventKind kind,
    absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  std::string last = "no answer yet";
  while (true) {
    absl::StatusOr<std::vector<v1::LogEntry>> entries =
        TransferLogEntries(client, transfer_id);
    if (entries.ok()) {
      last = absl::StrCat(entries->size(), " entries:");
      for (const v1::LogEntry& e : *entries) {
        if (e.event() == kind) return entries;
        absl::StrAppend(&last, " ", LogEventName(e.event()));
      }
    } else {
      last = entries.status().ToString();
    }
    if (absl::Now() > deadline) {
      return absl::DeadlineExceededError(absl::StrCat(
          "no ", LogEventName(kind), " logged for transfer ", transfer_id,
          " within ", absl::FormatDuration(timeout), "; last: ", last));
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
}

absl::StatusOr<v1::ShowTransferLogResponse> ShowTransferLog(
    NodeClient& client, const std::string& transfer_id) {
  std::unique_ptr<grpc::ClientContext> context = client.NewContext();
  v1::ShowTransferLogRequest request;
  request.set_transfer_id(transfer_id);
  v1::ShowTransferLogResponse response;
  RETURN_IF_ERROR(FromGrpc(
      client.stub().ShowTransferLog(context.get(), request, &response)));
  return response;
}

absl::StatusOr<v1::SignedTreeHead> GetTreeHead(NodeClient& client,
                                               bool publish) {
  std::unique_ptr<grpc::ClientContext> context = client.NewContext();
  v1::GetTreeHeadRequest request;
  request.set_publish(publish);
  v1::SignedTreeHead head;
  RETURN_IF_ERROR(
      FromGrpc(client.stub().GetTreeHead(context.get(), request, &head)));
  return head;
}

absl::StatusOr<v1::ProveLogResponse> ProveLog(NodeClient& client,
                                              uint64_t leaf_index,
                                              uint64_t tree_size,
                                              uint64_t old_size) {
  std::unique_ptr<grpc::ClientContext> context = client.NewContext();
  v1::ProveLogRequest request;
  request.set_leaf_index(leaf_index);
  request.set_tree_size(tree_size);
  request.set_old_size(old_size);
  v1::ProveLogResponse response;
  RETURN_IF_ERROR(
      FromGrpc(client.stub().ProveLog(context.get(), request, &response)));
  return response;
}

absl::StatusOr<v1::VerifyLogResponse> VerifyLog(NodeClient& client) {
  std::unique_ptr<grpc::ClientContext> context = client.NewContext();
  v1::VerifyLogResponse response;
  RETURN_IF_ERROR(FromGrpc(client.stub().VerifyLog(
      context.get(), v1::VerifyLogRequest(), &response)));
  return response;
}

absl::StatusOr<std::string> ExportLog(NodeClient& client) {
  std::unique_ptr<grpc::ClientContext> context = client.NewContext();
  std::unique_ptr<grpc::ClientReader<v1::ExportLogChunk>> reader =
      client.stub().ExportLog(context.get(), v1::ExportLogRequest());
  std::string data;
  v1::ExportLogChunk chunk;
  while (reader->Read(&chunk)) data += chunk.data();
  RETURN_IF_ERROR(FromGrpc(reader->Finish()));
  return data;
}

absl::StatusOr<v1::GetTransferLogResponse> RouterTransferLog(
    RouterClient& router, const std::string& transfer_id,
    absl::Duration call_timeout) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + call_timeout));
  v1::GetTransferLogRequest request;
  request.set_transfer_id(transfer_id);
  v1::GetTransferLogResponse response;
  RETURN_IF_ERROR(
      FromGrpc(router.stub().GetTransferLog(&context, request, &response)));
  return response;
}

std::string LogEventName(v1::LogEventKind kind) {
  std::string name = v1::LogEventKind_Name(kind);
  if (name.empty()) return absl::StrCat("event ", static_cast<int>(kind));
  constexpr absl::string_view kPrefix = "LOG_EVENT_KIND_";
  if (absl::StartsWith(name, kPrefix)) name = name.substr(kPrefix.size());
  return name;
}

}  // namespace handover::integration

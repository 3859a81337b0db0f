#include "harness/node_client.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "common/status_macros.h"

namespace handover::integration {
namespace {

namespace v1 = handover::v1;
constexpr size_t kChunkBytes = 1 << 20;

bool IsFinal(v1::DeliveryState state) {
  return state == v1::DELIVERY_STATE_DELIVERED ||
         state == v1::DELIVERY_STATE_FAILED ||
         state == v1::DELIVERY_STATE_EXPIRED;
}

// A short description of a status for failure messages (no receipts: they
// are long and binary).
std::string Describe(const v1::TransferStatusResponse& status) {
  std::string text = absl::StrCat("transfer ", status.transfer_id(), " ",
                                  DeliveryStateName(status.state()), " [");
  for (const v1::RecipientStatus& r : status.recipients()) {
    absl::StrAppend(&text, " ", r.agency_id(), "=",
                    DeliveryStateName(r.state()));
    if (!r.reason().empty()) absl::StrAppend(&text, " (", r.reason(), ")");
  }
  return absl::StrCat(text, " ]");
}

}  // namespace

absl::Status FromGrpc(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      status.error_message());
}

const char* DeliveryStateName(v1::DeliveryState state) {
  switch (state) {
    case v1::DELIVERY_STATE_QUEUED:
      return "QUEUED";
    case v1::DELIVERY_STATE_AT_ROUTER:
      return "AT_ROUTER";
    case v1::DELIVERY_STATE_DELIVERED:
      return "DELIVERED";
    case v1::DELIVERY_STATE_FAILED:
      return "FAILED";
    case v1::DELIVERY_STATE_EXPIRED:
      return "EXPIRED";
    default:
      return "UNSPECIFIED";
  }
}

NodeClient::NodeClient(std::shared_ptr<grpc::Channel> channel,
                       std::string bearer_token, absl::Duration call_timeout)
    : channel_(std::move(channel)),
      stub_(v1::Node::NewStub(channel_)),
      bearer_token_(std::move(bearer_token)),
      call_timeout_(call_timeout) {}

std::unique_ptr<grpc::ClientContext> NodeClient::NewContext() const {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + call_timeout_));
  if (!bearer_token_.empty()) {
    context->AddMetadata("authorization", "Bearer " + bearer_token_);
  }
  return context;
}

absl::StatusOr<v1::SubmitTransferResponse> NodeClient::Submit(
    const SubmitRequest& request) {
  std::unique_ptr<grpc::ClientContext> context = NewContext();
  v1::SubmitTransferResponse response;
  std::unique_ptr<grpc::ClientWriter<v1::SubmitTransferRequest>> writer =
      stub_->SubmitTransfer(context.get(), &response);

  v1::SubmitTransferRequest message;
  v1::SubmitTransferStart* start = message.mutable_start();
  start->set_idempotency_key(request.idempotency_key);
  for (const std::string& r : request.recipients) start->add_recipients(r);
  *start->mutable_bundle() = request.bundle;
  start->set_time_to_live_seconds(request.time_to_live_seconds);
  // Open every file first, so the declared sizes are the sizes streamed.
  std::vector<std::unique_ptr<InputFile>> files;
  for (const AttachmentFile& a : request.attachments) {
    ASSIGN_OR_RETURN(std::unique_ptr<InputFile> file, InputFile::Open(a.path));
    v1::AttachmentDescriptor* d = start->add_attachments();
    d->set_name(a.name);
    d->set_media_type(a.media_type);
    d->set_size(file->size());
    files.push_back(std::move(file));
  }

  bool open = writer->Write(message);
  std::string buffer(kChunkBytes, '\0');
  for (size_t i = 0; open && i < files.size(); ++i) {
    while (open) {
      ASSIGN_OR_RETURN(size_t n, files[i]->Read(buffer.data(), buffer.size()));
      if (n == 0) break;
      v1::SubmitTransferRequest data;
      data.mutable_attachment_data()->set_data(buffer.data(), n);
      open = writer->Write(data);
      if (n < buffer.size()) break;
    }
  }
  if (open) writer->WritesDone();
  RETURN_IF_ERROR(FromGrpc(writer->Finish()));
  return response;
}

absl::StatusOr<v1::TransferStatusResponse> NodeClient::Status(
    const std::string& transfer_id) {
  std::unique_ptr<grpc::ClientContext> context = NewContext();
  v1::TransferStatusRequest request;
  request.set_transfer_id(transfer_id);
  v1::TransferStatusResponse response;
  RETURN_IF_ERROR(
      FromGrpc(stub_->TransferStatus(context.get(), request, &response)));
  return response;
}

absl::StatusOr<v1::TransferStatusResponse> NodeClient::WaitForState(
    const std::string& transfer_id, v1::DeliveryState state,
    absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  std::string last = "no answer yet";
  while (true) {
    absl::StatusOr<v1::TransferStatusResponse> status = Status(transfer_id);
    if (status.ok()) {
      if (status->state() == state) return status;
      last = Describe(*status);
      if (IsFinal(status->state())) {
        return absl::FailedPreconditionError(
            absl::StrCat("waiting for ", DeliveryStateName(state),
                         ", but the transfer reached a final state: ", last));
      }
    } else {
      last = status.status().ToString();
    }
    if (absl::Now() > deadline) {
      return absl::DeadlineExceededError(absl::StrCat(
          "transfer ", transfer_id, " not ", DeliveryStateName(state),
          " within ", absl::FormatDuration(timeout), "; last: ", last));
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
}

absl::StatusOr<std::vector<v1::InboxEntry>> NodeClient::ListInbox(
    uint32_t page_size) {
  return ListInboxNewerThan([](const v1::InboxEntry&) { return false; },
                            page_size);
}

absl::StatusOr<std::vector<v1::InboxEntry>> NodeClient::ListInboxNewerThan(
    const std::function<bool(const v1::InboxEntry&)>& is_known,
    uint32_t page_size) {
  std::vector<v1::InboxEntry> entries;
  std::string token;
  for (int page = 0; page < 10000; ++page) {
    std::unique_ptr<grpc::ClientContext> context = NewContext();
    v1::ListInboxRequest request;
    request.set_page_size(page_size);
    request.set_page_token(token);
    v1::ListInboxResponse response;
    RETURN_IF_ERROR(
        FromGrpc(stub_->ListInbox(context.get(), request, &response)));
    for (const v1::InboxEntry& e : response.entries()) {
      if (is_known(e)) return entries;
      entries.push_back(e);
    }
    if (response.next_page_token().empty()) return entries;
    if (response.next_page_token() == token) {
      return absl::InternalError("ListInbox repeated its page token");
    }
    token = response.next_page_token();
  }
  return absl::InternalError("ListInbox never reached its last page");
}

absl::StatusOr<v1::InboxEntry> NodeClient::WaitForInbox(
    const std::string& transfer_id, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  absl::Status last = absl::OkStatus();
  while (true) {
    absl::StatusOr<std::vector<v1::InboxEntry>> entries = ListInbox();
    if (entries.ok()) {
      for (const v1::InboxEntry& e : *entries) {
        if (e.transfer_id() == transfer_id) return e;
      }
    } else {
      last = entries.status();
    }
    if (absl::Now() > deadline) {
      return absl::DeadlineExceededError(absl::StrCat(
          "transfer ", transfer_id, " not in the inbox within ",
          absl::FormatDuration(timeout), "; last error: ", last.ToString()));
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
}

absl::StatusOr<FetchedTransfer> NodeClient::Fetch(
    const std::string& transfer_id, const std::string& out_dir) {
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) return absl::InternalError("mkdir " + out_dir + ": " + ec.message());
  std::unique_ptr<grpc::ClientContext> context = NewContext();
  v1::FetchTransferRequest request;
  request.set_transfer_id(transfer_id);
  std::unique_ptr<grpc::ClientReader<v1::FetchTransferResponse>> reader =
      stub_->FetchTransfer(context.get(), request);

  FetchedTransfer result;
  bool have_header = false;
  size_t index = 0;      // attachment being written
  uint64_t written = 0;  // bytes of it so far
  std::ofstream out;
  // Opens the next attachment's file, skipping none: empty files are made
  // too.
  auto open_next = [&]() {
    out.close();
    while (index < result.attachment_paths.size()) {
      out.open(result.attachment_paths[index],
               std::ios::binary | std::ios::trunc);
      if (result.header.attachments(static_cast<int>(index)).size() > 0) {
        return;
      }
      out.close();
      ++index;
    }
  };
  absl::Status protocol = absl::OkStatus();
  v1::FetchTransferResponse message;
  while (reader->Read(&message)) {
    if (message.has_header()) {
      if (have_header) protocol = absl::InternalError("a second FetchHeader");
      have_header = true;
      result.header = message.header();
      for (const v1::FetchedAttachment& a : result.header.attachments()) {
        result.attachment_paths.push_back(out_dir + "/" + a.name());
      }
      written = 0;
      open_next();
    } else if (message.has_attachment_data()) {
      absl::string_view data = message.attachment_data().data();
      while (!data.empty() && protocol.ok()) {
        if (!have_header || index >= result.attachment_paths.size()) {
          protocol = absl::InternalError("attachment bytes beyond the header");
          break;
        }
        const uint64_t size =
            result.header.attachments(static_cast<int>(index)).size();
        const size_t n = static_cast<size_t>(
            std::min<uint64_t>(data.size(), size - written));
        out.write(data.data(), static_cast<std::streamsize>(n));
        data.remove_prefix(n);
        written += n;
        if (written == size) {
          ++index;
          written = 0;
          open_next();
        }
      }
    } else if (message.has_end()) {
      if (index != result.attachment_paths.size()) {
        protocol = absl::InternalError("FetchEnd before every attachment");
      }
      result.ended = true;
    }
  }
  out.close();
  RETURN_IF_ERROR(FromGrpc(reader->Finish()));
  RETURN_IF_ERROR(protocol);
  if (!have_header) return absl::InternalError("no FetchHeader");
  return result;
}

absl::StatusOr<v1::NodeInfo> NodeClient::GetNodeInfo() {
  std::unique_ptr<grpc::ClientContext> context = NewContext();
  v1::NodeInfo info;
  RETURN_IF_ERROR(FromGrpc(
      stub_->GetNodeInfo(context.get(), v1::GetNodeInfoRequest(), &info)));
  return info;
}

}  // namespace handover::integration

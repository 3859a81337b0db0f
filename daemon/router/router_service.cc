#include "router/router_service.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/disk_full.h"
#include "crypto/identity.h"
#include "router/caller_identity.h"
#include "router/mailbox_stream.h"
#include "router/transfer_log.h"
#include "rpc/grpc_status.h"
#include "rpc/protocol_headers.h"
#include "spdlog/spdlog.h"

namespace handover::router {
namespace {

// Reads the upload's parts, each under the stall watchdog.
class GrpcPartReader final : public PartReader {
 public:
  GrpcPartReader(grpc::ServerReader<handover::v1::EnvelopePart>* r,
                 rpc::StallWatchdog::Stream* watched)
      : reader_(r), watched_(watched) {}
  bool Read(handover::v1::EnvelopePart* part) override {
    return watched_->Await([&] { return reader_->Read(part); });
  }

 private:
  grpc::ServerReader<handover::v1::EnvelopePart>* reader_;
  rpc::StallWatchdog::Stream* watched_;
};

// The passing wording the node's outbox retries on ("disk", "full").
constexpr char kRouterDiskFull[] =
    "the router's disk is full; nothing was stored; try again later";

// Refusals are logged once, here, with who asked; never content. A full
// disk is logged in detail and answered in one line, without paths.
grpc::Status Refuse(const RouterEnv& env, absl::string_view what,
                    absl::string_view caller, const absl::Status& detailed) {
  if (IsDiskFull(detailed)) {
    spdlog::error("{} from {}: {}", std::string(what), std::string(caller),
                  detailed.ToString());
  }
  const absl::Status status = ReplaceDiskFullMessage(detailed, kRouterDiskFull);
  // Every refusal on record, without content: who, which call, why.
  deliverylog::LogEvent event(handover::v1::LOG_EVENT_KIND_REJECTED);
  event.Detail(absl::StrCat(what, ": ", absl::StatusCodeToString(status.code()),
                            ": ", status.message()));
  if (crypto::ValidateAgencyId(caller).ok()) event.Sender(caller).Actor(caller);
  RecordEvent(env, event);
  spdlog::warn("{} from {} refused: {}: {}", std::string(what),
               caller.empty() ? "an unidentified caller" : std::string(caller),
               absl::StatusCodeToString(status.code()),
               std::string(status.message()));
  return rpc::ToGrpcStatus(status);
}

// The caller is not a listed or active agency. For an unlisted certificate
// the trailer tells the node this is about its identity, not the item it
// sent, so the item waits for the directory to be fixed.
grpc::Status RefuseCaller(const RouterEnv& env, grpc::ServerContext* context,
                          absl::string_view what, const absl::Status& status) {
  if (IsUnlistedCertificate(status)) {
    context->AddTrailingMetadata(std::string(rpc::kCallerRefusedTrailer), "1");
  }
  return Refuse(env, what, "", status);
}

}  // namespace

absl::StatusOr<std::string> RouterService::Caller(
    const grpc::ServerContext& context) const {
  return IdentifyCaller(context, *env_->directory->Current());
}

grpc::Status RouterService::GetDirectory(
    grpc::ServerContext* context, const handover::v1::GetDirectoryRequest*,
    handover::v1::SignedDirectory* response) {
  absl::StatusOr<std::string> caller = Caller(*context);
  if (!caller.ok())
    return RefuseCaller(*env_, context, "GetDirectory", caller.status());
  if (!response->ParseFromString(*env_->directory->SignedBytes())) {
    return grpc::Status(grpc::StatusCode::INTERNAL,
                        "the served directory does not parse");
  }
  return grpc::Status::OK;
}

grpc::Status RouterService::SubmitEnvelope(
    grpc::ServerContext* context,
    grpc::ServerReader<handover::v1::EnvelopePart>* reader,
    handover::v1::SubmitEnvelopeResponse* response) {
  absl::StatusOr<std::string> caller = Caller(*context);
  if (!caller.ok())
    return RefuseCaller(*env_, context, "SubmitEnvelope", caller.status());
  absl::StatusOr<rpc::OpenStreamLimiter::Slot> slot = streams_.Enter(*caller);
  if (!slot.ok())
    return Refuse(*env_, "SubmitEnvelope", *caller, slot.status());
  rpc::StallWatchdog::Stream watched =
      stalls_.Watch(context, absl::StrCat("SubmitEnvelope from ", *caller));
  GrpcPartReader parts(reader, &watched);
  absl::StatusOr<bool> already_stored = envelopes_.Submit(*caller, &parts);
  if (!already_stored.ok()) {
    return Refuse(*env_, "SubmitEnvelope", *caller, already_stored.status());
  }
  response->set_already_stored(*already_stored);
  return grpc::Status::OK;
}

grpc::Status RouterService::Connect(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<handover::v1::RouterMessage,
                             handover::v1::NodeMessage>* stream) {
  absl::StatusOr<std::string> caller = Caller(*context);
  if (!caller.ok())
    return RefuseCaller(*env_, context, "Connect", caller.status());
  absl::StatusOr<rpc::OpenStreamLimiter::Slot> slot = streams_.Enter(*caller);
  if (!slot.ok()) return Refuse(*env_, "Connect", *caller, slot.status());
  MailboxStream mailbox(env_, *caller, context, stream);
  absl::Status status = mailbox.Run();
  if (!status.ok() && status.code() != absl::StatusCode::kCancelled &&
      status.code() != absl::StatusCode::kUnavailable) {
    return Refuse(*env_, "Connect", *caller, status);
  }
  return rpc::ToGrpcStatus(status);
}

grpc::Status RouterService::SubmitNotice(
    grpc::ServerContext* context, const handover::v1::SignedNotice* request,
    handover::v1::SubmitNoticeResponse*) {
  absl::StatusOr<std::string> caller = Caller(*context);
  if (!caller.ok())
    return RefuseCaller(*env_, context, "SubmitNotice", caller.status());
  absl::Status status = notices_.Submit(*caller, *request);
  if (!status.ok()) return Refuse(*env_, "SubmitNotice", *caller, status);
  return grpc::Status::OK;
}

grpc::Status RouterService::WithdrawTransfer(
    grpc::ServerContext* context,
    const handover::v1::WithdrawTransferRequest* request,
    handover::v1::WithdrawTransferResponse* response) {
  absl::StatusOr<std::string> caller = Caller(*context);
  if (!caller.ok())
    return RefuseCaller(*env_, context, "WithdrawTransfer", caller.status());
  absl::StatusOr<handover::v1::WithdrawTransferResponse> withdrawn =
      withdrawals_.Withdraw(*caller, request->transfer_id());
  if (!withdrawn.ok()) {
    return Refuse(*env_, "WithdrawTransfer", *caller, withdrawn.status());
  }
  *response = std::move(withdrawn).value();
  return grpc::Status::OK;
}

grpc::Status RouterService::GetTransferLog(
    grpc::ServerContext* context,
    const handover::v1::GetTransferLogRequest* request,
    handover::v1::GetTransferLogResponse* response) {
  absl::StatusOr<std::string> caller = Caller(*context);
  if (!caller.ok())
    return RefuseCaller(*env_, context, "GetTransferLog", caller.status());
  absl::StatusOr<handover::v1::GetTransferLogResponse> log =
      TransferLogFor(*env_, *caller, request->transfer_id());
  if (!log.ok()) return Refuse(*env_, "GetTransferLog", *caller, log.status());
  *response = std::move(log).value();
  return grpc::Status::OK;
}

}  // namespace handover::router

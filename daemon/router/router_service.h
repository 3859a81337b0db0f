// handover.v1.Router over gRPC's synchronous API: identifies each caller by
// its client certificate (caller_identity.h) and hands the call to the
// part that does the work (envelope_intake.h, notice_intake.h,
// withdrawal.h, mailbox_stream.h). Errors go back as one-line gRPC statuses.
//
// Thread-safe: gRPC calls the methods from many threads at once.
#ifndef HANDOVER_ROUTER_ROUTER_SERVICE_H_
#define HANDOVER_ROUTER_ROUTER_SERVICE_H_

#include "handover/v1/router.grpc.pb.h"
#include "router/envelope_intake.h"
#include "router/notice_intake.h"
#include "router/router_env.h"
#include "router/withdrawal.h"
#include "rpc/open_stream_limiter.h"
#include "rpc/stall_watchdog.h"

namespace handover::router {

class RouterService final : public handover::v1::Router::Service {
 public:
  // Borrows `env`, which must outlive the service.
  explicit RouterService(const RouterEnv* env)
      : env_(env),
        envelopes_(env),
        notices_(env),
        withdrawals_(env),
        streams_(env->max_open_streams_per_agency,
                 "[limits] max_open_streams_per_agency"),
        stalls_(env->stream_stall_timeout, "[limits] stream_stall_timeout",
                env->clock) {}

  grpc::Status GetDirectory(grpc::ServerContext* context,
                            const handover::v1::GetDirectoryRequest* request,
                            handover::v1::SignedDirectory* response) override;
  grpc::Status SubmitEnvelope(
      grpc::ServerContext* context,
      grpc::ServerReader<handover::v1::EnvelopePart>* reader,
      handover::v1::SubmitEnvelopeResponse* response) override;
  grpc::Status Connect(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<handover::v1::RouterMessage,
                               handover::v1::NodeMessage>* stream) override;
  grpc::Status SubmitNotice(
      grpc::ServerContext* context, const handover::v1::SignedNotice* request,
      handover::v1::SubmitNoticeResponse* response) override;
  grpc::Status WithdrawTransfer(
      grpc::ServerContext* context,
      const handover::v1::WithdrawTransferRequest* request,
      handover::v1::WithdrawTransferResponse* response) override;
  grpc::Status GetTransferLog(
      grpc::ServerContext* context,
      const handover::v1::GetTransferLogRequest* request,
      handover::v1::GetTransferLogResponse* response) override;

 private:
  absl::StatusOr<std::string> Caller(const grpc::ServerContext& context) const;

  const RouterEnv* const env_;
  EnvelopeIntake envelopes_;
  NoticeIntake notices_;
  Withdrawal withdrawals_;
  // Streams (uploads and mailbox connections) each agency holds open, and
  // uploads whose sender stalls: a slowloris node is bounded (CONFIG.md).
  rpc::OpenStreamLimiter streams_;
  rpc::StallWatchdog stalls_;
};

}  // namespace handover::router

#endif  // HANDOVER_ROUTER_ROUTER_SERVICE_H_

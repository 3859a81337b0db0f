// The SubmitTransfer call, below gRPC: reads the request stream through a
// function, validates, answers a repeated idempotency key without reading
// further, seals into the outbox and stores the transfer. See
// proto/handover/v1/node.proto for the contract.
//
// Order of work: start message → idempotency key → repeat? (answer it) →
// rate limit → recipients, time to live, attachments, bundle → envelope
// size limit → seal while the attachment bytes stream in → fsync and
// rename → store (a racing repeat that won makes us remove our file) →
// wake the outbox sender. Any failure removes the envelope file.
//
// Thread-safe: one handler serves every call; it keeps no per-call state.
#ifndef HANDOVER_NODE_API_SUBMIT_TRANSFER_H_
#define HANDOVER_NODE_API_SUBMIT_TRANSFER_H_

#include <functional>

#include "absl/status/statusor.h"
#include "handover/v1/node.pb.h"
#include "node/api/client_auth.h"
#include "node/api/node_service_env.h"
#include "node/api/rate_limiter.h"

namespace handover::node::api {

// Reads the next request; false at the end of the stream.
using ReadSubmitRequest =
    std::function<bool(handover::v1::SubmitTransferRequest*)>;

// Attachment data messages carry at most this many bytes.
inline constexpr size_t kMaxAttachmentDataBytes = 1 << 20;

class SubmitTransferHandler {
 public:
  // Borrows `env` and `limiter`, which must outlive the handler.
  SubmitTransferHandler(const NodeServiceEnv* env, RateLimiter* limiter)
      : env_(env), limiter_(limiter) {}

  absl::StatusOr<handover::v1::SubmitTransferResponse> Handle(
      const Caller& caller, const ReadSubmitRequest& read) const;

 private:
  struct Prepared;

  absl::StatusOr<Prepared> Prepare(
      const handover::v1::SubmitTransferStart& start) const;
  absl::StatusOr<handover::v1::SubmitTransferResponse> SealAndStore(
      const Caller& caller, const handover::v1::SubmitTransferStart& start,
      Prepared prepared, const ReadSubmitRequest& read) const;

  const NodeServiceEnv* env_;
  RateLimiter* limiter_;
};

}  // namespace handover::node::api

#endif  // HANDOVER_NODE_API_SUBMIT_TRANSFER_H_

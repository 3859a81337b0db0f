// The SubmitMove call, below gRPC (see proto/handover/v1/node.proto for the
// contract): a child moves, or goes missing from a placement, and the
// agencies of the area must hear.
//
// Order of work: start message → idempotency key → repeat? (answer it) →
// rate limit → the move's fields and the bundle (the node fills
// bundle.move) → the destination's recipients through the signed
// directory (move/move_recipients.h), all or nothing → one view per kind
// of agency, cut by the view policy (policy/cut_view.h) → this child's
// undelivered earlier moves, whose areas get a MOVED_ON notice → every
// envelope size limit → seal every view while the attachment bytes stream
// in → store the whole move in one transaction (NodeStore::InsertMove,
// which also withdraws what it supersedes) → wake the outbox and
// withdrawal senders. Any failure removes every envelope file written.
//
// Thread-safe: one handler serves every call; it keeps no per-call state.
#ifndef HANDOVER_NODE_API_SUBMIT_MOVE_H_
#define HANDOVER_NODE_API_SUBMIT_MOVE_H_

#include <functional>

#include "absl/status/statusor.h"
#include "handover/v1/node.pb.h"
#include "node/api/client_auth.h"
#include "node/api/node_service_env.h"
#include "node/api/rate_limiter.h"

namespace handover::node::api {

// Reads the next request; false at the end of the stream.
using ReadMoveRequest = std::function<bool(handover::v1::SubmitMoveRequest*)>;

class SubmitMoveHandler {
 public:
  // Borrows `env` and `limiter`, which must outlive the handler.
  SubmitMoveHandler(const NodeServiceEnv* env, RateLimiter* limiter)
      : env_(env), limiter_(limiter) {}

  absl::StatusOr<handover::v1::SubmitMoveResponse> Handle(
      const Caller& caller, const ReadMoveRequest& read) const;

 private:
  struct Prepared;

  absl::StatusOr<Prepared> Prepare(
      const handover::v1::SubmitMoveStart& start) const;
  absl::StatusOr<handover::v1::SubmitMoveResponse> SealAndStore(
      const Caller& caller, const handover::v1::SubmitMoveStart& start,
      Prepared prepared, const ReadMoveRequest& read) const;

  const NodeServiceEnv* env_;
  RateLimiter* limiter_;
};

// The response for a stored move (also for a repeated idempotency key).
handover::v1::SubmitMoveResponse MoveResponse(const MoveRecord& move,
                                              bool duplicate);

}  // namespace handover::node::api

#endif  // HANDOVER_NODE_API_SUBMIT_MOVE_H_

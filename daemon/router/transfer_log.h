// Router.GetTransferLog below gRPC: the router's delivery-log entries for
// one transfer, for the transfer's own sender or recipients only, with a
// signed tree head that covers them and an inclusion proof for each, so a
// node's admin holds evidence rather than the router's word.
#ifndef HANDOVER_ROUTER_TRANSFER_LOG_H_
#define HANDOVER_ROUTER_TRANSFER_LOG_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "handover/v1/router.pb.h"
#include "router/router_env.h"

namespace handover::router {

// INVALID_ARGUMENT for a transfer id not of 16 bytes; NOT_FOUND if the
// router logged nothing for it; PERMISSION_DENIED if `caller_id` is
// neither its sender nor one of its recipients; FAILED_PRECONDITION if the
// router keeps no log.
absl::StatusOr<handover::v1::GetTransferLogResponse> TransferLogFor(
    const RouterEnv& env, absl::string_view caller_id,
    absl::string_view transfer_id);

}  // namespace handover::router

#endif  // HANDOVER_ROUTER_TRANSFER_LOG_H_

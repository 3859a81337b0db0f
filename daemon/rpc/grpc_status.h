// Converting between absl::Status (used everywhere inside the daemons) and
// grpc::Status (on the wire). The codes have the same numbers; the message
// travels unchanged. Free functions; thread-safe.
#ifndef HANDOVER_RPC_GRPC_STATUS_H_
#define HANDOVER_RPC_GRPC_STATUS_H_

#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace handover::rpc {

grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

// For a finished call to the router: as FromGrpcStatus, except that a refusal
// of the caller itself (kCallerRefusedTrailer) becomes UNAVAILABLE, so the
// item is retried rather than failed once the directory is fixed.
absl::Status FromRouterCallStatus(const grpc::Status& status,
                                  const grpc::ClientContext& context);

}  // namespace handover::rpc

#endif  // HANDOVER_RPC_GRPC_STATUS_H_

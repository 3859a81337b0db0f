// Plain words for a failed call to a node: one line that says what failed
// and what it means, e.g. "this client's role may not call
// SubmitTransfer". The node's own message follows when it adds something.
// Free functions; thread-safe.
#ifndef HANDOVER_CLIENT_RPC_ERROR_H_
#define HANDOVER_CLIENT_RPC_ERROR_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace handover::cli {

// The absl::Status (same code) to report for `status`, returned by call
// `rpc` (e.g. "SubmitTransfer") on the node at `node_address`. `status`
// must not be OK.
absl::Status DescribeRpcError(const grpc::Status& status, absl::string_view rpc,
                              absl::string_view node_address);

}  // namespace handover::cli

#endif  // HANDOVER_CLIENT_RPC_ERROR_H_

// The local API's delivery-log calls, below gRPC, all for the admin role:
// ListLog, ShowTransferLog, GetTreeHead, ProveLog, VerifyLog and ExportLog
// (proto/handover/v1/node.proto; docs/LOG.md). Free functions over a
// NodeServiceEnv; thread-safe as the env is.
#ifndef HANDOVER_NODE_API_LOG_CALLS_H_
#define HANDOVER_NODE_API_LOG_CALLS_H_

#include <functional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "handover/v1/node.pb.h"
#include "node/api/node_service_env.h"

namespace handover::node::api {

// INVALID_ARGUMENT for a malformed filter or page token, naming the field.
absl::StatusOr<handover::v1::ListLogResponse> ListLog(
    const NodeServiceEnv& env, const handover::v1::ListLogRequest& request);

// NOT_FOUND if neither this node nor the router logged anything for the
// transfer and this agency did not send it.
absl::StatusOr<handover::v1::ShowTransferLogResponse> ShowTransferLog(
    const NodeServiceEnv& env,
    const handover::v1::ShowTransferLogRequest& request);

absl::StatusOr<handover::v1::SignedTreeHead> GetTreeHead(
    const NodeServiceEnv& env, const handover::v1::GetTreeHeadRequest& request);

absl::StatusOr<handover::v1::ProveLogResponse> ProveLog(
    const NodeServiceEnv& env, const handover::v1::ProveLogRequest& request);

absl::StatusOr<handover::v1::VerifyLogResponse> VerifyLog(
    const NodeServiceEnv& env);

// Writes the export to a temporary file beside the log, streams it through
// `write` in chunks and removes it. CANCELLED if `write` fails.
absl::Status ExportLog(
    const NodeServiceEnv& env,
    const std::function<bool(const handover::v1::ExportLogChunk&)>& write);

}  // namespace handover::node::api

#endif  // HANDOVER_NODE_API_LOG_CALLS_H_

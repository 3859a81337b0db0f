// The local API's read-only calls, below gRPC: ListInbox, TransferStatus
// and GetNodeInfo, and the conversions from stored records to their
// messages. Free functions over a NodeServiceEnv; thread-safe.
#ifndef HANDOVER_NODE_API_QUERIES_H_
#define HANDOVER_NODE_API_QUERIES_H_

#include <cstdint>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "handover/v1/node.pb.h"
#include "node/api/node_service_env.h"
#include "node/node_store.h"

namespace handover::node::api {

inline constexpr uint32_t kDefaultInboxPageSize = 100;
inline constexpr uint32_t kMaxInboxPageSize = 1000;
// Tokens are ours and short; a longer one cannot be one of them.
inline constexpr size_t kMaxPageTokenBytes = 1024;

// Page size 0 means kDefaultInboxPageSize; larger than kMaxInboxPageSize is
// lowered to it. A token that is not one of ours is INVALID_ARGUMENT.
absl::StatusOr<handover::v1::ListInboxResponse> ListInbox(
    const NodeServiceEnv& env, const handover::v1::ListInboxRequest& request);

// NOT_FOUND for a transfer this node never sent.
// Roles submitter and admin: every recipient copy past its acknowledgement
// deadline, oldest deadline first (at most 1000).
absl::StatusOr<handover::v1::ListOverdueResponse> ListOverdue(
    const NodeServiceEnv& env);

// Role receiver: a person takes an inbox transfer on (acknowledgement.h).
absl::StatusOr<handover::v1::AcknowledgeTransferResponse> AcknowledgeTransfer(
    const NodeServiceEnv& env,
    const handover::v1::AcknowledgeTransferRequest& request);

absl::StatusOr<handover::v1::TransferStatusResponse> TransferStatus(
    const NodeServiceEnv& env,
    const handover::v1::TransferStatusRequest& request);

absl::StatusOr<handover::v1::NodeInfo> GetNodeInfo(const NodeServiceEnv& env,
                                                   absl::string_view version);

// Role admin: every inbox transfer flagged for re-verification (a recall),
// most recently flagged first.
absl::StatusOr<handover::v1::ListRecalledTransfersResponse>
ListRecalledTransfers(const NodeServiceEnv& env);

handover::v1::InboxEntry ToInboxEntry(const InboxRecord& record);
handover::v1::RecallFlag ToRecallFlag(const RecallMark& mark);
// DATA_LOSS if a stored notice does not parse.
absl::StatusOr<handover::v1::TransferStatusResponse> ToTransferStatus(
    const TransferRecord& record, const std::optional<TransferMoveInfo>& move,
    absl::Time now);

}  // namespace handover::node::api

#endif  // HANDOVER_NODE_API_QUERIES_H_

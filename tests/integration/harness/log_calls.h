// The delivery-log calls of a node's local API (docs/LOG.md) for
// integration tests: ListLog (one page, or every page), ShowTransferLog,
// GetTreeHead, ProveLog, VerifyLog and ExportLog (the whole stream), and
// the router's GetTransferLog called directly. Thread-safe like NodeClient.
#ifndef HANDOVER_TESTS_INTEGRATION_HARNESS_LOG_CALLS_H_
#define HANDOVER_TESTS_INTEGRATION_HARNESS_LOG_CALLS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "handover/v1/log.pb.h"
#include "handover/v1/node.pb.h"
#include "handover/v1/router.pb.h"
#include "harness/node_client.h"
#include "harness/router_client.h"

namespace handover::integration {

// One ListLog call, `request` as it is.
absl::StatusOr<handover::v1::ListLogResponse> ListLogPage(
    NodeClient& client, const handover::v1::ListLogRequest& request);

// Every entry `filter` matches, following page tokens (the filter's own
// page_token is ignored). `pages`, if set, receives the number of calls.
// Internal if a page is larger than page_size or a token repeats.
absl::StatusOr<std::vector<handover::v1::LogEntry>> ListLogAll(
    NodeClient& client, handover::v1::ListLogRequest filter,
    int* pages = nullptr);

// Every entry of `transfer_id` (32 hex digits), oldest first.
absl::StatusOr<std::vector<handover::v1::LogEntry>> TransferLogEntries(
    NodeClient& client, const std::string& transfer_id);

// Polls TransferLogEntries until one of `kind` is there, or `timeout`.
// Returns the transfer's entries as they were then.
absl::StatusOr<std::vector<handover::v1::LogEntry>> WaitForLogEvent(
    NodeClient& client, const std::string& transfer_id,
    handover::v1::LogEventKind kind, absl::Duration timeout);

absl::StatusOr<handover::v1::ShowTransferLogResponse> ShowTransferLog(
    NodeClient& client, const std::string& transfer_id);

absl::StatusOr<handover::v1::SignedTreeHead> GetTreeHead(NodeClient& client,
                                                         bool publish);

absl::StatusOr<handover::v1::ProveLogResponse> ProveLog(NodeClient& client,
                                                        uint64_t leaf_index,
                                                        uint64_t tree_size,
                                                        uint64_t old_size = 0);

absl::StatusOr<handover::v1::VerifyLogResponse> VerifyLog(NodeClient& client);

// The whole export file, every chunk joined.
absl::StatusOr<std::string> ExportLog(NodeClient& client);

// Router.GetTransferLog for `transfer_id` (raw bytes, normally 16).
absl::StatusOr<handover::v1::GetTransferLogResponse> RouterTransferLog(
    RouterClient& router, const std::string& transfer_id,
    absl::Duration call_timeout);

// The event's name without its prefix ("SEALED"), for messages.
std::string LogEventName(handover::v1::LogEventKind kind);

}  // namespace handover::integration

#endif  // HANDOVER_TESTS_INTEGRATION_HARNESS_LOG_CALLS_H_

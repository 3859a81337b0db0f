#include "node/api/log_calls.h"

#include <unistd.h>

#include <atomic>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "crypto/identity.h"
#include "deliverylog/log_export.h"
#include "deliverylog/log_verifier.h"
#include "node/api/queries.h"
#include "node/api/transfer_id_hex.h"
#include "node/link_context.h"

namespace handover::node::api {
namespace {

namespace v1 = handover::v1;

constexpr uint32_t kDefaultPageSize = 100;
// A transfer's own entries number in the tens; this bounds a pathological
// one without cutting any real timeline short.
constexpr int kMaxTimelinePages = 20;
constexpr size_t kExportChunkBytes = 64 * 1024;

absl::Status NeedLog(const NodeServiceEnv& env) {
  if (env.log == nullptr) {
    return absl::FailedPreconditionError("this node keeps no delivery log");
  }
  return absl::OkStatus();
}

absl::StatusOr<deliverylog::LogQuery> QueryOf(
    const v1::ListLogRequest& request) {
  deliverylog::LogQuery query;
  if (request.has_since()) query.since = FromTimestamp(request.since());
  if (request.has_until()) query.until = FromTimestamp(request.until());
  if (query.since && query.until && *query.since >= *query.until) {
    return absl::InvalidArgumentError("since must be before until");
  }
  if (!request.agency().empty()) {
    if (!crypto::ValidateAgencyId(request.agency()).ok()) {
      return absl::InvalidArgumentError(
          "agency is not an agency id (1-64 of a-z, 0-9, '.' and '-')");
    }
    query.agency = request.agency();
  }
  for (int kind : request.events()) {
    if (!v1::LogEventKind_IsValid(kind) ||
        kind == v1::LOG_EVENT_KIND_UNSPECIFIED) {
      return absl::InvalidArgumentError(
          absl::StrCat("events: ", kind, " is not a log event kind"));
    }
    query.events.push_back(static_cast<v1::LogEventKind>(kind));
  }
  if (!request.transfer_id().empty()) {
    ASSIGN_OR_RETURN(query.transfer_id,
                     TransferIdFromHex(request.transfer_id()));
  }
  const uint32_t page_size =
      request.page_size() == 0 ? kDefaultPageSize : request.page_size();
  if (page_size > static_cast<uint32_t>(deliverylog::kMaxPageSize)) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size is ", page_size, "; at most ",
                     deliverylog::kMaxPageSize, " are allowed"));
  }
  query.limit = static_cast<int>(page_size);
  if (!request.page_token().empty()) {
    uint64_t after = 0;
    if (!absl::SimpleAtoi(request.page_token(), &after)) {
      return absl::InvalidArgumentError(
          "page_token is not one this node gave out");
    }
    query.after_index = after;
  }
  return query;
}

// The newest head, signing one if the log has none yet.
absl::StatusOr<v1::SignedTreeHead> NewestHead(deliverylog::DeliveryLog& log) {
  ASSIGN_OR_RETURN(std::optional<v1::SignedTreeHead> latest,
                   log.LatestTreeHead());
  if (latest.has_value()) return *latest;
  return log.PublishTreeHead();
}

}  // namespace

absl::StatusOr<v1::ListLogResponse> ListLog(const NodeServiceEnv& env,
                                            const v1::ListLogRequest& request) {
  RETURN_IF_ERROR(NeedLog(env));
  ASSIGN_OR_RETURN(deliverylog::LogQuery query, QueryOf(request));
  ASSIGN_OR_RETURN(deliverylog::LogPage page, env.log->Query(query));
  v1::ListLogResponse response;
  for (v1::LogEntry& entry : page.entries) {
    *response.add_entries() = std::move(entry);
  }
  if (page.next_after_index.has_value()) {
    response.set_next_page_token(absl::StrCat(*page.next_after_index));
  }
  response.set_log_id(env.identity->agency_id());
  return response;
}

absl::StatusOr<v1::ShowTransferLogResponse> ShowTransferLog(
    const NodeServiceEnv& env, const v1::ShowTransferLogRequest& request) {
  RETURN_IF_ERROR(NeedLog(env));
  ASSIGN_OR_RETURN(std::string transfer_id,
                   TransferIdFromHex(request.transfer_id()));
  deliverylog::LogQuery query;
  query.transfer_id = transfer_id;
  ASSIGN_OR_RETURN(std::vector<v1::LogEntry> ours,
                   deliverylog::QueryAll(*env.log, query, kMaxTimelinePages));
  v1::ShowTransferLogResponse response;
  for (v1::LogEntry& entry : ours) {
    *response.add_node_entries() = std::move(entry);
  }

  v1::TransferStatusRequest status_request;
  status_request.set_transfer_id(request.transfer_id());
  absl::StatusOr<v1::TransferStatusResponse> status =
      TransferStatus(env, status_request);
  if (status.ok()) {
    *response.mutable_recipients() = status->recipients();
  } else if (!absl::IsNotFound(status.status())) {
    return status.status();
  }

  if (!env.router_transfer_log) {
    response.set_router_error("the router cannot be asked from this node");
  } else {
    absl::StatusOr<v1::GetTransferLogResponse> router =
        env.router_transfer_log(transfer_id);
    if (router.ok()) {
      *response.mutable_router_entries() = router->entries();
      *response.mutable_router_tree_head() = router->tree_head();
      *response.mutable_router_proofs() = router->proofs();
    } else if (absl::IsNotFound(router.status())) {
      response.set_router_error("the router logged nothing for this transfer");
    } else {
      response.set_router_error(absl::StrCat("the router could not be asked: ",
                                             router.status().message()));
    }
  }
  if (response.node_entries().empty() && response.router_entries().empty() &&
      response.recipients().empty()) {
    return absl::NotFoundError(
        absl::StrCat("nothing is logged for transfer ", request.transfer_id()));
  }
  return response;
}

absl::StatusOr<v1::SignedTreeHead> GetTreeHead(
    const NodeServiceEnv& env, const v1::GetTreeHeadRequest& request) {
  RETURN_IF_ERROR(NeedLog(env));
  if (request.publish()) return env.log->PublishTreeHead();
  return NewestHead(*env.log);
}

absl::StatusOr<v1::ProveLogResponse> ProveLog(
    const NodeServiceEnv& env, const v1::ProveLogRequest& request) {
  RETURN_IF_ERROR(NeedLog(env));
  uint64_t tree_size = request.tree_size();
  if (tree_size == 0) {
    ASSIGN_OR_RETURN(v1::SignedTreeHead head, NewestHead(*env.log));
    tree_size = head.tree_size();
  }
  if (request.leaf_index() >= tree_size) {
    return absl::InvalidArgumentError(
        absl::StrCat("leaf_index ", request.leaf_index(),
                     " is not in a tree of ", tree_size, " entries"));
  }
  v1::ProveLogResponse response;
  deliverylog::LogQuery query;
  query.limit = 1;
  if (request.leaf_index() > 0) query.after_index = request.leaf_index() - 1;
  ASSIGN_OR_RETURN(deliverylog::LogPage page, env.log->Query(query));
  if (page.entries.empty() || page.entries[0].index() != request.leaf_index()) {
    return absl::DataLossError(absl::StrCat("entry ", request.leaf_index(),
                                            " is missing from the stored log"));
  }
  *response.mutable_entry() = std::move(page.entries[0]);
  ASSIGN_OR_RETURN(*response.mutable_inclusion(),
                   env.log->ProveInclusion(request.leaf_index(), tree_size));
  if (request.old_size() > 0) {
    ASSIGN_OR_RETURN(*response.mutable_consistency(),
                     env.log->ProveConsistency(request.old_size(), tree_size));
  }
  return response;
}

absl::StatusOr<v1::VerifyLogResponse> VerifyLog(const NodeServiceEnv& env) {
  RETURN_IF_ERROR(NeedLog(env));
  ASSIGN_OR_RETURN(
      deliverylog::VerifyReport report,
      deliverylog::VerifyLogDatabase(
          env.log_path, env.identity->PublicIdentities(), std::nullopt));
  v1::VerifyLogResponse response;
  response.set_ok(report.ok);
  response.set_entries(report.entries);
  response.set_tree_heads(report.tree_heads);
  if (report.first_bad_index.has_value()) {
    response.set_has_first_bad_index(true);
    response.set_first_bad_index(*report.first_bad_index);
  }
  response.set_problem(report.problem);
  if (report.latest_verified_head.has_value()) {
    *response.mutable_latest_verified_head() = *report.latest_verified_head;
  }
  return response;
}

absl::Status ExportLog(
    const NodeServiceEnv& env,
    const std::function<bool(const v1::ExportLogChunk&)>& write) {
  RETURN_IF_ERROR(NeedLog(env));
  static std::atomic<uint64_t> exports{0};
  const std::string path = absl::StrCat(env.log_path, ".export-", getpid(), "-",
                                        exports.fetch_add(1));
  absl::Status status = deliverylog::WriteExport(env.log_path, path);
  if (status.ok()) {
    std::ifstream in(path, std::ios::binary);
    std::string buffer(kExportChunkBytes, '\0');
    while (status.ok() && in) {
      in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
      const std::streamsize got = in.gcount();
      if (got <= 0) break;
      v1::ExportLogChunk chunk;
      chunk.set_data(buffer.data(), static_cast<size_t>(got));
      if (!write(chunk)) status = absl::CancelledError("the client went away");
    }
    if (status.ok() && in.bad()) {
      status = absl::UnavailableError("cannot read the export back");
    }
  }
  unlink(path.c_str());
  return status;
}

}  // namespace handover::node::api

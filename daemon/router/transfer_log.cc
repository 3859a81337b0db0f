#include "router/transfer_log.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "crypto/envelope_format.h"

namespace handover::router {
namespace {
namespace v1 = handover::v1;

// A transfer's router entries number in the tens (one per hop and
// recipient); this bounds a pathological one.
constexpr int kMaxPages = 20;

}  // namespace

absl::StatusOr<v1::GetTransferLogResponse> TransferLogFor(
    const RouterEnv& env, absl::string_view caller_id,
    absl::string_view transfer_id) {
  if (env.log == nullptr) {
    return absl::FailedPreconditionError("this router keeps no delivery log");
  }
  if (transfer_id.size() != crypto::kTransferIdBytes) {
    return absl::InvalidArgumentError("transfer_id must be 16 bytes");
  }
  deliverylog::LogQuery query;
  query.transfer_id = std::string(transfer_id);
  ASSIGN_OR_RETURN(std::vector<v1::LogEntry> entries,
                   deliverylog::QueryAll(*env.log, query, kMaxPages));
  v1::GetTransferLogResponse response;
  bool a_party = false;
  for (v1::LogEntry& entry : entries) {
    a_party = a_party || entry.sender() == caller_id ||
              entry.recipient() == caller_id;
    *response.add_entries() = std::move(entry);
  }
  if (response.entries().empty()) {
    return absl::NotFoundError(absl::StrCat("the router logged nothing for ",
                                            crypto::ToHex(transfer_id)));
  }
  if (!a_party) {
    return absl::PermissionDeniedError(
        "only the transfer's sender or a recipient may read its router log");
  }
  // A head that covers the newest entry; sign one if the last does not.
  const uint64_t needed =
      response.entries(response.entries_size() - 1).index() + 1;
  ASSIGN_OR_RETURN(std::optional<v1::SignedTreeHead> head,
                   env.log->LatestTreeHead());
  if (!head.has_value() || head->tree_size() < needed) {
    ASSIGN_OR_RETURN(head, env.log->PublishTreeHead());
  }
  for (const v1::LogEntry& entry : response.entries()) {
    ASSIGN_OR_RETURN(*response.add_proofs(),
                     env.log->ProveInclusion(entry.index(), head->tree_size()));
  }
  *response.mutable_tree_head() = *std::move(head);
  return response;
}

}  // namespace handover::router

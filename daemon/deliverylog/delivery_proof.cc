#include "deliverylog/delivery_proof.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "auditlog/merkle.h"
#include "common/status_macros.h"
#include "crypto/secret_bytes.h"
#include "deliverylog/log_entry_codec.h"
#include "deliverylog/tree_head.h"

namespace handover::deliverylog {
namespace v1 = handover::v1;

absl::Status AttachDeliveryProof(DeliveryLog& log, const v1::LogEntry& entry,
                                 v1::DeliveryReceipt* receipt) {
  ASSIGN_OR_RETURN(v1::SignedTreeHead head, log.PublishTreeHead());
  ASSIGN_OR_RETURN(v1::InclusionProof proof,
                   log.ProveInclusion(entry.index(), head.tree_size()));
  *receipt->mutable_log_entry() = entry;
  *receipt->mutable_log_head() = std::move(head);
  *receipt->mutable_log_inclusion() = std::move(proof);
  return absl::OkStatus();
}

absl::StatusOr<std::string> VerifyDeliveryProof(
    const v1::DeliveryReceipt& receipt, absl::string_view recipient,
    absl::string_view transfer_id, absl::string_view ciphertext_hash,
    const std::vector<crypto::PublicIdentity>& recipient_keys) {
  if (!receipt.has_log_entry() && !receipt.has_log_head()) {
    return absl::NotFoundError("the receipt carries no log proof");
  }
  const v1::LogEntry& entry = receipt.log_entry();
  const v1::SignedTreeHead& head = receipt.log_head();
  const v1::InclusionProof& proof = receipt.log_inclusion();
  RETURN_IF_ERROR(ValidateEntry(entry));
  if (entry.event() != v1::LOG_EVENT_KIND_DELIVERED ||
      entry.transfer_id() != transfer_id || entry.recipient() != recipient ||
      !crypto::ConstantTimeEquals(entry.envelope_hash(), ciphertext_hash)) {
    return absl::UnauthenticatedError(
        "the receipt's log entry is not this copy's delivery");
  }
  if (head.log_id() != recipient) {
    // The id is not checked yet and the node logs this message: name it
    // only if it is an agency id, so it cannot break or forge a log line.
    if (!crypto::ValidateAgencyId(head.log_id()).ok()) {
      return absl::UnauthenticatedError(
          "the receipt's tree head names a malformed log id");
    }
    return absl::UnauthenticatedError(
        absl::StrCat("the receipt's tree head is ", head.log_id(),
                     "'s, not the recipient's"));
  }
  RETURN_IF_ERROR(VerifyTreeHead(head, recipient_keys));
  if (proof.leaf_index() != entry.index() ||
      proof.tree_size() != head.tree_size()) {
    return absl::UnauthenticatedError(
        "the receipt's inclusion proof is for another entry or tree");
  }
  if (static_cast<size_t>(proof.hashes_size()) > auditlog::kMaxProofHashes) {
    return absl::InvalidArgumentError("the receipt's inclusion proof is long");
  }
  const std::vector<std::string> hashes(proof.hashes().begin(),
                                        proof.hashes().end());
  RETURN_IF_ERROR(auditlog::VerifyInclusion(
      entry.index(), head.tree_size(), auditlog::LeafHash(EncodeLeaf(entry)),
      hashes, head.root_hash()));
  return absl::StrCat("entry ", entry.index(), " of a tree of ",
                      head.tree_size(), " signed at ", TreeHeadTimeText(head));
}

}  // namespace handover::deliverylog

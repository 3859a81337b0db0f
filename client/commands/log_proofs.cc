#include "commands/log_proofs.h"

#include "absl/strings/str_cat.h"
#include "auditlog/merkle.h"
#include "deliverylog/log_entry_codec.h"

namespace handover::cli {

namespace v1 = handover::v1;

absl::Status CheckInclusion(const v1::LogEntry& entry,
                            const v1::InclusionProof& proof, uint64_t tree_size,
                            const std::string& root) {
  if (proof.leaf_index() != entry.index()) {
    return absl::UnauthenticatedError(
        absl::StrCat("its proof is for entry ", proof.leaf_index()));
  }
  if (proof.tree_size() != tree_size) {
    return absl::UnauthenticatedError(
        absl::StrCat("its proof is for a tree of size ", proof.tree_size(),
                     ", not ", tree_size));
  }
  const std::string leaf = deliverylog::EncodeLeaf(entry);
  if (leaf.empty()) {
    return absl::InvalidArgumentError("it has a field too long for a leaf");
  }
  const std::vector<std::string> path(proof.hashes().begin(),
                                      proof.hashes().end());
  return auditlog::VerifyInclusion(entry.index(), tree_size,
                                   auditlog::LeafHash(leaf), path, root);
}

absl::Status CheckEntriesAgainstHead(
    const google::protobuf::RepeatedPtrField<v1::LogEntry>& entries,
    const google::protobuf::RepeatedPtrField<v1::InclusionProof>& proofs,
    const v1::SignedTreeHead& head) {
  if (proofs.size() != entries.size()) {
    return absl::UnauthenticatedError(
        absl::StrCat(entries.size(), " entries came with ", proofs.size(),
                     " inclusion proofs"));
  }
  for (int i = 0; i < entries.size(); ++i) {
    absl::Status s = CheckInclusion(entries[i], proofs[i], head.tree_size(),
                                    head.root_hash());
    if (!s.ok()) {
      return absl::Status(s.code(), absl::StrCat("entry ", entries[i].index(),
                                                 ": ", s.message()));
    }
  }
  return absl::OkStatus();
}

}  // namespace handover::cli

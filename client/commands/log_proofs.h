// Checking a log's proofs on the client, trusting nothing the node says
// about them: an entry's leaf hash is recomputed from its fields
// (deliverylog/log_entry_codec.h), and inclusion is checked against a
// signed tree head's root with the RFC 9162 verifier (auditlog/merkle.h).
// Free functions; thread-safe.
#ifndef HANDOVER_CLIENT_COMMANDS_LOG_PROOFS_H_
#define HANDOVER_CLIENT_COMMANDS_LOG_PROOFS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "handover/v1/log.pb.h"

namespace handover::cli {

// OK if `proof` shows `entry` at its index in the tree of `root` and
// `tree_size`. Otherwise Unauthenticated (or InvalidArgument for a
// malformed proof) saying why, without naming the entry.
absl::Status CheckInclusion(const handover::v1::LogEntry& entry,
                            const handover::v1::InclusionProof& proof,
                            uint64_t tree_size, const std::string& root);

// OK if every entry has a proof, in the same order, that checks against
// `head`; otherwise the first failure, naming the entry's index.
absl::Status CheckEntriesAgainstHead(
    const google::protobuf::RepeatedPtrField<handover::v1::LogEntry>& entries,
    const google::protobuf::RepeatedPtrField<handover::v1::InclusionProof>&
        proofs,
    const handover::v1::SignedTreeHead& head);

}  // namespace handover::cli

#endif  // HANDOVER_CLIENT_COMMANDS_LOG_PROOFS_H_

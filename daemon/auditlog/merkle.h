// The delivery log's Merkle tree, exactly as Certificate Transparency
// defines it (RFC 6962 §2.1, RFC 9162 §2.1): SHA-256, leaves hashed as
// H(0x00 || data), interior nodes as H(0x01 || left || right), the empty
// tree as H(""). Tree heads, inclusion proofs and consistency proofs are
// therefore checkable by any RFC 9162 verifier, not only by this code.
//
// The tree is read through SubtreeHashes, a seam over stored hashes of
// "perfect" subtrees (2^level leaves, aligned), so a root or a proof over
// a million entries costs O(log n) look-ups, not a pass over every leaf.
//
// Free functions are thread-safe; InMemorySubtreeHashes is not.
#ifndef HANDOVER_AUDITLOG_MERKLE_H_
#define HANDOVER_AUDITLOG_MERKLE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace handover::auditlog {

inline constexpr size_t kHashBytes = 32;
// Tree sizes must be below this (2^63): every function here refuses a
// larger size with InvalidArgument, so size arithmetic cannot overflow.
inline constexpr uint64_t kMaxTreeSizeExclusive = uint64_t{1} << 63;
// A proof longer than this cannot belong to a tree of fewer than 2^63
// leaves; verifiers refuse it before doing any work.
inline constexpr size_t kMaxProofHashes = 128;

// SHA-256(0x00 || leaf_data).
std::string LeafHash(absl::string_view leaf_data);
// SHA-256(0x01 || left || right).
std::string NodeHash(absl::string_view left, absl::string_view right);
// SHA-256 of nothing: the root of the empty tree.
std::string EmptyTreeHash();

// Hashes of perfect subtrees. Level 0 holds the leaf hashes; the node at
// (level, index) covers leaves [index << level, (index + 1) << level).
class SubtreeHashes {
 public:
  virtual ~SubtreeHashes() = default;
  // The 32-byte hash of the perfect subtree at (level, index). NotFound if
  // that subtree is not complete (or not stored); DataLoss if what is
  // stored is not 32 bytes. Callers here also treat a returned hash that
  // is not 32 bytes as DataLoss, and propagate any error unchanged.
  virtual absl::StatusOr<std::string> PerfectSubtree(int level,
                                                     uint64_t index) const = 0;
};

// One perfect subtree completed by an append.
struct CompletedSubtree {
  int level = 0;
  uint64_t index = 0;
  std::string hash;
};

// The perfect subtrees that appending `leaf_hash` as leaf number
// `leaf_index` completes, level 0 (the leaf itself) first. `hashes` must
// already hold every perfect subtree of the first `leaf_index` leaves.
// InvalidArgument if `leaf_hash` is not 32 bytes or the tree would reach
// 2^63 leaves; a look-up error is propagated.
absl::StatusOr<std::vector<CompletedSubtree>> SubtreesCompletedByAppend(
    const SubtreeHashes& hashes, uint64_t leaf_index,
    absl::string_view leaf_hash);

// MTH(D[0:tree_size]) (RFC 6962 §2.1), from at most 63 look-ups.
absl::StatusOr<std::string> RootHash(const SubtreeHashes& hashes,
                                     uint64_t tree_size);

// PATH(leaf_index, D[0:tree_size]) (RFC 6962 §2.1.1). InvalidArgument
// unless leaf_index < tree_size.
absl::StatusOr<std::vector<std::string>> InclusionProof(
    const SubtreeHashes& hashes, uint64_t leaf_index, uint64_t tree_size);

// PROOF(old_size, D[0:new_size]) (RFC 6962 §2.1.2). InvalidArgument unless
// 0 < old_size <= new_size; empty when old_size == new_size.
absl::StatusOr<std::vector<std::string>> ConsistencyProof(
    const SubtreeHashes& hashes, uint64_t old_size, uint64_t new_size);

// RFC 9162 §2.1.3.2. OK if `proof` shows `leaf_hash` at `leaf_index` in the
// tree of `tree_size` whose root is `root`; Unauthenticated (with the
// reason) if it does not; InvalidArgument for malformed input (a hash not
// 32 bytes, an index out of range, a proof longer than kMaxProofHashes).
absl::Status VerifyInclusion(uint64_t leaf_index, uint64_t tree_size,
                             absl::string_view leaf_hash,
                             const std::vector<std::string>& proof,
                             absl::string_view root);

// RFC 9162 §2.1.4.2, with the same result codes as VerifyInclusion
// (old_size > new_size is InvalidArgument). An old_size of 0 is consistent
// with any new tree only when the proof is empty and old_root is
// EmptyTreeHash(); equal sizes only when the proof is empty and the roots
// are equal.
absl::Status VerifyConsistency(uint64_t old_size, uint64_t new_size,
                               absl::string_view old_root,
                               absl::string_view new_root,
                               const std::vector<std::string>& proof);

// SubtreeHashes held in memory, built by appending leaf hashes: for tests,
// and for `handover log verify`, which rebuilds the tree from the entries
// it reads rather than trusting stored interior hashes.
class InMemorySubtreeHashes final : public SubtreeHashes {
 public:
  // InvalidArgument for a level outside [0, 63); NotFound for a subtree
  // not yet complete.
  absl::StatusOr<std::string> PerfectSubtree(int level,
                                             uint64_t index) const override;
  // Appends leaf number size() and every perfect subtree it completes.
  // InvalidArgument (and no change) if `leaf_hash` is not 32 bytes.
  absl::Status AppendLeafHash(absl::string_view leaf_hash);
  // The number of leaves appended.
  uint64_t size() const {
    return levels_.empty() ? 0 : levels_[0].size() / kHashBytes;
  }

 private:
  // levels_[l] holds the completed subtrees of level l back to back, 32
  // bytes each: one string per level rather than one per hash, because
  // `handover log verify` holds every hash of a million-entry log (about
  // 64 MB this way, several times that as separate strings).
  std::vector<std::string> levels_;
};

}  // namespace handover::auditlog

#endif  // HANDOVER_AUDITLOG_MERKLE_H_

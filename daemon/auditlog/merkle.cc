#include "auditlog/merkle.h"

#include <bit>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/status_macros.h"
#include "crypto/secret_bytes.h"
#include "crypto/sha256.h"

namespace handover::auditlog {
namespace {

static_assert(kHashBytes == crypto::kSha256Bytes);

// Perfect subtrees of a tree below 2^63 leaves have levels 0..62.
constexpr int kMaxLevel = 62;

absl::Status CheckTreeSize(uint64_t tree_size, absl::string_view what) {
  if (tree_size >= kMaxTreeSizeExclusive) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " ", tree_size, " is not below 2^63"));
  }
  return absl::OkStatus();
}

absl::Status CheckHash(absl::string_view hash, absl::string_view what) {
  if (hash.size() != kHashBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " is ", hash.size(), " bytes, not ", kHashBytes));
  }
  return absl::OkStatus();
}

absl::Status CheckProofShape(const std::vector<std::string>& proof) {
  if (proof.size() > kMaxProofHashes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "proof has ", proof.size(), " hashes, more than ", kMaxProofHashes));
  }
  for (size_t i = 0; i < proof.size(); ++i) {
    RETURN_IF_ERROR(CheckHash(proof[i], absl::StrCat("proof hash ", i)));
  }
  return absl::OkStatus();
}

// Roots are public, so timing would leak nothing secret; comparing in
// constant time anyway keeps every hash comparison in the codebase alike.
bool SameHash(absl::string_view a, absl::string_view b) {
  return crypto::ConstantTimeEquals(a, b);
}

// The largest power of two strictly below n, for n >= 2: RFC 6962's k.
uint64_t SplitPoint(uint64_t n) { return std::bit_floor(n - 1); }

// One look-up, with the returned hash's length checked so that a faulty
// SubtreeHashes cannot make us hash or return something malformed.
absl::StatusOr<std::string> Lookup(const SubtreeHashes& hashes, int level,
                                   uint64_t index) {
  ASSIGN_OR_RETURN(std::string hash, hashes.PerfectSubtree(level, index));
  if (hash.size() != kHashBytes) {
    return absl::DataLossError(
        absl::StrCat("stored subtree (level ", level, ", index ", index,
                     ") is ", hash.size(), " bytes, not ", kHashBytes));
  }
  return hash;
}

// MTH(D[begin:begin+size]) for size >= 1, where begin is a multiple of the
// largest power of two <= size; every range RFC 6962's recursion visits
// has this shape. Such a range is a run of perfect subtrees, one per set
// bit of size from the highest down, and MTH folds them right to left:
// MTH = NodeHash(P1, NodeHash(P2, ... NodeHash(Pm-1, Pm))).
absl::StatusOr<std::string> RangeHash(const SubtreeHashes& hashes,
                                      uint64_t begin, uint64_t size) {
  if (size == 0 || size >= kMaxTreeSizeExclusive ||
      begin >= kMaxTreeSizeExclusive - size ||
      begin % std::bit_floor(size) != 0) {
    return absl::InternalError(absl::StrCat("range [", begin, ", +", size,
                                            ") is not a subtree range"));
  }
  // Walk the pieces from the smallest (rightmost) to the largest.
  std::string acc;
  uint64_t end = begin + size;
  for (uint64_t rest = size; rest != 0; rest &= rest - 1) {
    const uint64_t piece = rest & (~rest + 1);  // lowest set bit
    const int level = std::countr_zero(piece);
    end -= piece;
    ASSIGN_OR_RETURN(std::string hash, Lookup(hashes, level, end >> level));
    acc = acc.empty() ? std::move(hash) : NodeHash(hash, acc);
  }
  return acc;
}

}  // namespace

std::string LeafHash(absl::string_view leaf_data) {
  std::string input;
  input.reserve(1 + leaf_data.size());
  input.push_back('\x00');
  input.append(leaf_data.data(), leaf_data.size());
  return crypto::Sha256(input);
}

std::string NodeHash(absl::string_view left, absl::string_view right) {
  std::string input;
  input.reserve(1 + left.size() + right.size());
  input.push_back('\x01');
  input.append(left.data(), left.size());
  input.append(right.data(), right.size());
  return crypto::Sha256(input);
}

std::string EmptyTreeHash() { return crypto::Sha256(""); }

absl::StatusOr<std::vector<CompletedSubtree>> SubtreesCompletedByAppend(
    const SubtreeHashes& hashes, uint64_t leaf_index,
    absl::string_view leaf_hash) {
  RETURN_IF_ERROR(CheckHash(leaf_hash, "leaf hash"));
  // The tree after the append has leaf_index + 1 leaves, which must stay
  // below 2^63.
  if (leaf_index >= kMaxTreeSizeExclusive - 1) {
    return absl::InvalidArgumentError(absl::StrCat("leaf index ", leaf_index,
                                                   " would make the tree reach "
                                                   "2^63 leaves"));
  }
  std::vector<CompletedSubtree> completed;
  completed.push_back({0, leaf_index, std::string(leaf_hash)});
  int level = 0;
  uint64_t index = leaf_index;
  // A right child (odd index) completes its parent; the left sibling was
  // completed by an earlier append and is already stored.
  while (index % 2 == 1) {
    ASSIGN_OR_RETURN(std::string left, Lookup(hashes, level, index - 1));
    std::string parent = NodeHash(left, completed.back().hash);
    ++level;
    index /= 2;
    completed.push_back({level, index, std::move(parent)});
  }
  return completed;
}

absl::StatusOr<std::string> RootHash(const SubtreeHashes& hashes,
                                     uint64_t tree_size) {
  RETURN_IF_ERROR(CheckTreeSize(tree_size, "tree size"));
  if (tree_size == 0) return EmptyTreeHash();
  return RangeHash(hashes, 0, tree_size);
}

absl::StatusOr<std::vector<std::string>> InclusionProof(
    const SubtreeHashes& hashes, uint64_t leaf_index, uint64_t tree_size) {
  RETURN_IF_ERROR(CheckTreeSize(tree_size, "tree size"));
  if (leaf_index >= tree_size) {
    return absl::InvalidArgumentError(absl::StrCat(
        "leaf index ", leaf_index, " is not below tree size ", tree_size));
  }
  // PATH(m, D[begin:begin+size]) descends from the root: the sibling at
  // each split is the other side's MTH. The RFC lists them leaf first, so
  // collect top down and reverse.
  std::vector<std::string> proof;
  uint64_t begin = 0;
  uint64_t size = tree_size;
  while (size > 1) {
    const uint64_t k = SplitPoint(size);
    if (leaf_index < begin + k) {
      ASSIGN_OR_RETURN(std::string right,
                       RangeHash(hashes, begin + k, size - k));
      proof.push_back(std::move(right));
      size = k;
    } else {
      ASSIGN_OR_RETURN(std::string left, RangeHash(hashes, begin, k));
      proof.push_back(std::move(left));
      begin += k;
      size -= k;
    }
  }
  return std::vector<std::string>(std::make_move_iterator(proof.rbegin()),
                                  std::make_move_iterator(proof.rend()));
}

absl::StatusOr<std::vector<std::string>> ConsistencyProof(
    const SubtreeHashes& hashes, uint64_t old_size, uint64_t new_size) {
  RETURN_IF_ERROR(CheckTreeSize(new_size, "new tree size"));
  if (old_size == 0 || old_size > new_size) {
    return absl::InvalidArgumentError(
        absl::StrCat("no consistency proof from size ", old_size, " to size ",
                     new_size, "; need 0 < old size <= new size"));
  }
  // SUBPROOF(m, D[begin:begin+size], b), unrolled: each split contributes
  // one sibling MTH, outermost first; the recursion ends at a subtree of
  // exactly m leaves, whose MTH leads the proof unless it is the old root
  // itself (b still true).
  std::vector<std::string> siblings;
  uint64_t begin = 0;
  uint64_t size = new_size;
  uint64_t m = old_size;  // relative to begin
  bool whole_old_tree = true;
  while (m != size) {
    const uint64_t k = SplitPoint(size);
    if (m <= k) {
      ASSIGN_OR_RETURN(std::string right,
                       RangeHash(hashes, begin + k, size - k));
      siblings.push_back(std::move(right));
      size = k;
    } else {
      ASSIGN_OR_RETURN(std::string left, RangeHash(hashes, begin, k));
      siblings.push_back(std::move(left));
      begin += k;
      size -= k;
      m -= k;
      whole_old_tree = false;
    }
  }
  std::vector<std::string> proof;
  proof.reserve(siblings.size() + 1);
  if (!whole_old_tree) {
    ASSIGN_OR_RETURN(std::string base, RangeHash(hashes, begin, size));
    proof.push_back(std::move(base));
  }
  for (auto it = siblings.rbegin(); it != siblings.rend(); ++it) {
    proof.push_back(std::move(*it));
  }
  return proof;
}

absl::Status VerifyInclusion(uint64_t leaf_index, uint64_t tree_size,
                             absl::string_view leaf_hash,
                             const std::vector<std::string>& proof,
                             absl::string_view root) {
  RETURN_IF_ERROR(CheckTreeSize(tree_size, "tree size"));
  if (leaf_index >= tree_size) {
    return absl::InvalidArgumentError(absl::StrCat(
        "leaf index ", leaf_index, " is not below tree size ", tree_size));
  }
  RETURN_IF_ERROR(CheckHash(leaf_hash, "leaf hash"));
  RETURN_IF_ERROR(CheckHash(root, "root"));
  RETURN_IF_ERROR(CheckProofShape(proof));

  // RFC 9162 §2.1.3.2, step by step.
  uint64_t fn = leaf_index;
  uint64_t sn = tree_size - 1;
  std::string r(leaf_hash);
  for (const std::string& p : proof) {
    if (sn == 0) {
      return absl::UnauthenticatedError(
          absl::StrCat("inclusion proof has more than the hashes a tree of ",
                       tree_size, " needs for leaf ", leaf_index));
    }
    if (fn % 2 == 1 || fn == sn) {
      r = NodeHash(p, r);
      // Skip the levels where this node is a left child with no sibling.
      while (fn != 0 && fn % 2 == 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = NodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) {
    return absl::UnauthenticatedError(
        absl::StrCat("inclusion proof has fewer hashes than a tree of ",
                     tree_size, " needs for leaf ", leaf_index));
  }
  if (!SameHash(r, root)) {
    return absl::UnauthenticatedError(absl::StrCat("inclusion proof for leaf ",
                                                   leaf_index,
                                                   " does not lead to the root "
                                                   "of the tree of ",
                                                   tree_size));
  }
  return absl::OkStatus();
}

absl::Status VerifyConsistency(uint64_t old_size, uint64_t new_size,
                               absl::string_view old_root,
                               absl::string_view new_root,
                               const std::vector<std::string>& proof) {
  RETURN_IF_ERROR(CheckTreeSize(new_size, "new tree size"));
  if (old_size > new_size) {
    return absl::InvalidArgumentError(absl::StrCat(
        "old tree size ", old_size, " is above new tree size ", new_size));
  }
  RETURN_IF_ERROR(CheckHash(old_root, "old root"));
  RETURN_IF_ERROR(CheckHash(new_root, "new root"));
  RETURN_IF_ERROR(CheckProofShape(proof));

  // The RFC's algorithm needs 0 < first < second; the edge cases have
  // nothing to prove, so only an empty proof is acceptable.
  if (old_size == 0 || old_size == new_size) {
    if (!proof.empty()) {
      return absl::UnauthenticatedError(absl::StrCat(
          "consistency proof from size ", old_size, " to size ", new_size,
          " must be empty, not ", proof.size(), " hashes"));
    }
    if (old_size == 0) {
      if (!SameHash(old_root, EmptyTreeHash())) {
        return absl::UnauthenticatedError(
            "old root of the empty tree is not the empty-tree hash");
      }
      return absl::OkStatus();
    }
    if (!SameHash(old_root, new_root)) {
      return absl::UnauthenticatedError(absl::StrCat(
          "two different roots for the same tree size ", new_size));
    }
    return absl::OkStatus();
  }

  // RFC 9162 §2.1.4.2, step by step.
  // 1. An empty proof proves nothing.
  if (proof.empty()) {
    return absl::UnauthenticatedError(absl::StrCat(
        "empty consistency proof from size ", old_size, " to size ", new_size));
  }
  // 2. If first is a power of two, the old root is the path's first node;
  // rather than copy the proof to prepend it, start the walk there.
  const bool prepend_old_root = std::has_single_bit(old_size);
  // 3. and 4.
  uint64_t fn = old_size - 1;
  uint64_t sn = new_size - 1;
  while (fn % 2 == 1) {
    fn >>= 1;
    sn >>= 1;
  }
  // 5.
  size_t next = 0;
  std::string fr(prepend_old_root ? std::string(old_root) : proof[next++]);
  std::string sr = fr;
  // 6.
  for (; next < proof.size(); ++next) {
    const std::string& c = proof[next];
    if (sn == 0) {
      return absl::UnauthenticatedError(
          absl::StrCat("consistency proof has more hashes than sizes ",
                       old_size, " and ", new_size, " need"));
    }
    if (fn % 2 == 1 || fn == sn) {
      fr = NodeHash(c, fr);
      sr = NodeHash(c, sr);
      while (fn != 0 && fn % 2 == 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = NodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  // 7. Check all three, so the timing does not say which failed first.
  const bool old_matches = SameHash(fr, old_root);
  const bool new_matches = SameHash(sr, new_root);
  if (sn != 0) {
    return absl::UnauthenticatedError(
        absl::StrCat("consistency proof has fewer hashes than sizes ", old_size,
                     " and ", new_size, " need"));
  }
  if (!old_matches) {
    return absl::UnauthenticatedError(absl::StrCat(
        "consistency proof does not lead to the old root of size ", old_size));
  }
  if (!new_matches) {
    return absl::UnauthenticatedError(absl::StrCat(
        "consistency proof does not lead to the new root of size ", new_size));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> InMemorySubtreeHashes::PerfectSubtree(
    int level, uint64_t index) const {
  if (level < 0 || level > kMaxLevel) {
    return absl::InvalidArgumentError(absl::StrCat(
        "subtree level ", level, " is outside [0, ", kMaxLevel, "]"));
  }
  const size_t l = static_cast<size_t>(level);
  if (l >= levels_.size() || index >= levels_[l].size() / kHashBytes) {
    return absl::NotFoundError(
        absl::StrCat("subtree (level ", level, ", index ", index,
                     ") is not complete in a tree of ", size(), " leaves"));
  }
  return levels_[l].substr(index * kHashBytes, kHashBytes);
}

absl::Status InMemorySubtreeHashes::AppendLeafHash(
    absl::string_view leaf_hash) {
  RETURN_IF_ERROR(CheckHash(leaf_hash, "leaf hash"));
  if (levels_.empty()) levels_.emplace_back();
  levels_[0].append(leaf_hash.data(), leaf_hash.size());
  // While the newest node at a level is a right child (an even count), it
  // completes its parent.
  for (size_t l = 0; (levels_[l].size() / kHashBytes) % 2 == 0; ++l) {
    const absl::string_view level_hashes = levels_[l];
    std::string parent = NodeHash(
        level_hashes.substr(level_hashes.size() - 2 * kHashBytes, kHashBytes),
        level_hashes.substr(level_hashes.size() - kHashBytes));
    if (l + 1 == levels_.size()) levels_.emplace_back();
    levels_[l + 1].append(parent);
  }
  return absl::OkStatus();
}

}  // namespace handover::auditlog

// Fuzzes the delivery log's proof verifiers, which check proofs and tree
// heads that arrive from other nodes. Each input builds a small tree,
// takes its real proofs and roots, mutates them, and verifies the result.
// Beyond "no crash, no UB", two invariants are checked:
//  - completeness: a proof the tree generates verifies against its roots;
//  - soundness: for a fixed (index, size) or (old, new) pair, RFC 9162
//    verification hashes in a fixed shape, so an accepted proof against a
//    real root must be exactly the real proof, with the real leaf hash (or
//    old root). Anything else would be a SHA-256 collision.
//
// Input: [0] leaf count (mod 65), [1] mode (bit 0: reduce the sizes below
// modulo leaf count + 1), [2..9] leaf index, [10..17] tree size,
// [18..25] old size (all little-endian), then mutation ops (see ApplyOp).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "auditlog/merkle.h"
#include "crypto/sodium_util.h"

namespace {

namespace al = handover::auditlog;

constexpr size_t kMaxInputBytes = 8192;
constexpr uint64_t kMaxLeaves = 64;

// Reads the input front to back; past the end it yields zeros.
class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool done() const { return pos_ >= size_; }
  uint8_t U8() { return pos_ < size_ ? data_[pos_++] : 0; }
  uint64_t U64() {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= uint64_t{U8()} << (8 * i);
    return v;
  }
  std::string Bytes(size_t n) {
    std::string out(n, '\0');
    for (size_t i = 0; i < n; ++i) out[i] = static_cast<char>(U8());
    return out;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

std::optional<std::string> Real(const absl::StatusOr<std::string>& s) {
  if (!s.ok()) return std::nullopt;
  return *s;
}

struct Case {
  std::vector<std::string> incl_proof;
  std::vector<std::string> cons_proof;
  std::string leaf_hash;
  std::string root;
  std::string old_root;
  std::string new_root;
};

// One mutation. The top bit of the op byte picks the inclusion or the
// consistency proof; the low three bits the change.
void ApplyOp(Reader& in, const al::InMemorySubtreeHashes& tree,
             uint64_t leaf_count, Case& c) {
  const uint8_t op = in.U8();
  std::vector<std::string>& proof =
      (op & 0x80) != 0 ? c.cons_proof : c.incl_proof;
  switch (op & 7) {
    case 0:  // append a literal hash
      proof.push_back(in.Bytes(al::kHashBytes));
      break;
    case 1: {  // flip one bit
      const uint8_t pos = in.U8();
      const uint8_t bit = in.U8();
      if (proof.empty()) break;
      std::string& h = proof[pos % proof.size()];
      if (h.empty()) break;
      h[(bit >> 3) % h.size()] ^= static_cast<char>(1 << (bit & 7));
      break;
    }
    case 2: {  // erase one
      const uint8_t pos = in.U8();
      if (proof.empty()) break;
      proof.erase(proof.begin() + pos % proof.size());
      break;
    }
    case 3: {  // insert a real perfect subtree hash
      const uint8_t pos = in.U8();
      const int level = in.U8() % 8;
      const uint8_t index = in.U8();
      auto h = tree.PerfectSubtree(level, index);
      if (!h.ok()) break;
      proof.insert(proof.begin() + pos % (proof.size() + 1), *h);
      break;
    }
    case 4: {  // swap two
      const uint8_t a = in.U8();
      const uint8_t b = in.U8();
      if (proof.empty()) break;
      std::swap(proof[a % proof.size()], proof[b % proof.size()]);
      break;
    }
    case 5: {  // change one hash's length
      const uint8_t pos = in.U8();
      const uint8_t len = in.U8();
      if (proof.empty()) break;
      proof[pos % proof.size()].resize(len % 65, '\x5a');
      break;
    }
    case 6: {  // replace the leaf hash or a root with a literal
      const uint8_t which = in.U8();
      std::string literal = in.Bytes(al::kHashBytes);
      std::string* targets[] = {&c.leaf_hash, &c.root, &c.old_root,
                                &c.new_root};
      *targets[which % 4] = std::move(literal);
      break;
    }
    case 7: {  // replace the leaf hash or a root with another real one
      const uint8_t which = in.U8();
      const uint8_t n = in.U8();
      if ((which & 3) == 0) {
        if (auto h = tree.PerfectSubtree(0, n); h.ok()) c.leaf_hash = *h;
        break;
      }
      auto root = al::RootHash(tree, n % (leaf_count + 1));
      if (!root.ok()) break;
      std::string* targets[] = {&c.root, &c.old_root, &c.new_root};
      *targets[(which & 3) - 1] = *root;
      break;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool sodium_ready = handover::crypto::InitSodium().ok();
  if (!sodium_ready) __builtin_trap();
  if (size > kMaxInputBytes) return 0;
  Reader in(data, size);

  const uint64_t leaf_count = in.U8() % (kMaxLeaves + 1);
  const uint8_t mode = in.U8();
  uint64_t leaf_index = in.U64();
  uint64_t tree_size = in.U64();
  uint64_t old_size = in.U64();
  if ((mode & 1) != 0) {
    leaf_index %= leaf_count + 1;
    tree_size %= leaf_count + 1;
    old_size %= leaf_count + 1;
  }

  al::InMemorySubtreeHashes tree;
  for (uint64_t i = 0; i < leaf_count; ++i) {
    const char leaf[] = {'e', static_cast<char>(i)};
    const std::string leaf_hash = al::LeafHash({leaf, sizeof(leaf)});
    // Appending must complete exactly what SubtreesCompletedByAppend says.
    auto completed = al::SubtreesCompletedByAppend(tree, i, leaf_hash);
    if (!completed.ok() || !tree.AppendLeafHash(leaf_hash).ok()) {
      __builtin_trap();
    }
    for (const al::CompletedSubtree& s : *completed) {
      auto stored = tree.PerfectSubtree(s.level, s.index);
      if (!stored.ok() || *stored != s.hash) __builtin_trap();
    }
  }

  // The real values, where the tree has them.
  const std::optional<std::string> real_root =
      Real(al::RootHash(tree, tree_size));
  const std::optional<std::string> real_old_root =
      Real(al::RootHash(tree, old_size));
  const std::optional<std::string> real_leaf =
      Real(tree.PerfectSubtree(0, leaf_index));
  auto real_incl = al::InclusionProof(tree, leaf_index, tree_size);
  auto real_cons = al::ConsistencyProof(tree, old_size, tree_size);

  Case c;
  c.leaf_hash = real_leaf.value_or(al::EmptyTreeHash());
  c.root = real_root.value_or(al::EmptyTreeHash());
  c.old_root = real_old_root.value_or(al::EmptyTreeHash());
  c.new_root = c.root;
  if (real_incl.ok()) c.incl_proof = *real_incl;
  if (real_cons.ok()) c.cons_proof = *real_cons;

  // Completeness.
  if (real_incl.ok() && real_root && real_leaf &&
      !al::VerifyInclusion(leaf_index, tree_size, *real_leaf, *real_incl,
                           *real_root)
           .ok()) {
    __builtin_trap();
  }
  if (real_cons.ok() && real_root && real_old_root &&
      !al::VerifyConsistency(old_size, tree_size, *real_old_root, *real_root,
                             *real_cons)
           .ok()) {
    __builtin_trap();
  }

  for (int ops = 0; !in.done() && ops < 1024; ++ops) {
    ApplyOp(in, tree, leaf_count, c);
  }

  // Soundness. Accepted against the real root means the real leaf and
  // the real proof (so real_incl is OK: the verifier's own checks imply
  // leaf_index < tree_size <= leaf count).
  if (al::VerifyInclusion(leaf_index, tree_size, c.leaf_hash, c.incl_proof,
                          c.root)
          .ok() &&
      real_root && c.root == *real_root) {
    if (!real_leaf || c.leaf_hash != *real_leaf || !real_incl.ok() ||
        c.incl_proof != *real_incl) {
      __builtin_trap();
    }
  }
  // Accepted against the real new root means the real old root and, when
  // there is anything to prove, the real proof.
  if (al::VerifyConsistency(old_size, tree_size, c.old_root, c.new_root,
                            c.cons_proof)
          .ok() &&
      real_root && c.new_root == *real_root) {
    if (!real_old_root || c.old_root != *real_old_root) __builtin_trap();
    if (old_size == 0 || old_size == tree_size) {
      if (!c.cons_proof.empty()) __builtin_trap();
    } else if (!real_cons.ok() || c.cons_proof != *real_cons) {
      __builtin_trap();
    }
  }
  return 0;
}

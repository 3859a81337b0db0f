// The delivery log's Merkle tree: known answers (hand-composed and the
// Certificate Transparency vectors), every proof of small trees verified
// and every single change to one rejected, malformed input, the 2^63 size
// limit, and errors from the hash store propagated rather than papered
// over.
#include "auditlog/merkle.h"

#include <bit>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "crypto/sha256.h"
#include "gtest/gtest.h"
#include "status_matchers.h"

namespace handover::auditlog {
namespace {

using absl::StatusCode;

constexpr uint64_t kLargestSize = kMaxTreeSizeExclusive - 1;

// Independent of merkle.cc: the RFC 6962 compositions written out.
std::string Sha(absl::string_view data) { return crypto::Sha256(data); }
std::string Leaf(absl::string_view data) {
  return Sha(absl::StrCat(absl::string_view("\x00", 1), data));
}
std::string Node(absl::string_view left, absl::string_view right) {
  return Sha(absl::StrCat("\x01", left, right));
}

std::string Hex(absl::string_view bytes) {
  return absl::BytesToHexString(bytes);
}
std::vector<std::string> HexAll(const std::vector<std::string>& hashes) {
  std::vector<std::string> out;
  for (const std::string& h : hashes) out.push_back(Hex(h));
  return out;
}

std::string FlipBit(std::string hash, size_t byte = 0) {
  hash[byte % hash.size()] ^= 0x01;
  return hash;
}

InMemorySubtreeHashes TreeOfLeafHashes(
    const std::vector<std::string>& leaf_hashes) {
  InMemorySubtreeHashes tree;
  for (const std::string& h : leaf_hashes) {
    if (!tree.AppendLeafHash(h).ok()) ADD_FAILURE() << "append failed";
  }
  return tree;
}

// The leaves of RFC 6962's reference tests, as certificate-transparency
// and transparency-dev/merkle use them.
std::vector<std::string> CtLeafData() {
  return {std::string(""),
          std::string("\x00", 1),
          std::string("\x10"),
          std::string("\x20\x21"),
          std::string("\x30\x31"),
          std::string("\x40\x41\x42\x43"),
          std::string("\x50\x51\x52\x53\x54\x55\x56\x57"),
          std::string("\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c"
                      "\x6d\x6e\x6f")};
}

InMemorySubtreeHashes CtTree() {
  std::vector<std::string> hashes;
  for (const std::string& d : CtLeafData()) hashes.push_back(Leaf(d));
  return TreeOfLeafHashes(hashes);
}

// A 70-leaf tree and the root of every prefix, shared by the exhaustive
// tests (perfect subtrees of a prefix do not depend on later leaves).
constexpr uint64_t kMaxSmall = 70;
struct SmallTrees {
  std::vector<std::string> leaf_hashes;
  InMemorySubtreeHashes tree;
  std::vector<std::string> roots;  // roots[n] for n in 0..kMaxSmall
};

const SmallTrees& Small() {
  static const SmallTrees* const trees = [] {
    auto* t = new SmallTrees;
    for (uint64_t i = 0; i < kMaxSmall; ++i) {
      t->leaf_hashes.push_back(Leaf(absl::StrCat("delivery entry ", i)));
    }
    t->tree = TreeOfLeafHashes(t->leaf_hashes);
    for (uint64_t n = 0; n <= kMaxSmall; ++n) {
      auto root = RootHash(t->tree, n);
      if (!root.ok()) ADD_FAILURE() << root.status();
      t->roots.push_back(root.ok() ? *root : "");
    }
    return t;
  }();
  return *trees;
}

// Every leaf of a tree of `size` leaves has the same hash, so the perfect
// subtree at level l is one hash per level and a tree of 2^63 - 1 leaves
// costs 63 hashes to serve. Counts its look-ups.
class UniformHashes final : public SubtreeHashes {
 public:
  explicit UniformHashes(uint64_t size) : size_(size) {
    by_level_.push_back(Leaf("same"));
    for (int l = 1; l < 63; ++l) {
      by_level_.push_back(Node(by_level_.back(), by_level_.back()));
    }
  }
  absl::StatusOr<std::string> PerfectSubtree(int level,
                                             uint64_t index) const override {
    ++lookups_;
    if (level < 0 || level >= 63 || index >= (size_ >> level)) {
      return absl::NotFoundError("not complete");
    }
    return by_level_[level];
  }
  const std::string& at_level(int level) const { return by_level_[level]; }
  int lookups() const { return lookups_; }

 private:
  uint64_t size_;
  std::vector<std::string> by_level_;
  mutable int lookups_ = 0;
};

// Serves a real tree but answers look-up number `fail_at` (1-based) with
// `error` instead, or a 31-byte hash if `error` is OK.
class FaultyHashes final : public SubtreeHashes {
 public:
  FaultyHashes(const SubtreeHashes& real, int fail_at, absl::Status error)
      : real_(real), fail_at_(fail_at), error_(std::move(error)) {}
  absl::StatusOr<std::string> PerfectSubtree(int level,
                                             uint64_t index) const override {
    if (++calls_ == fail_at_) {
      if (!error_.ok()) return error_;
      return std::string(kHashBytes - 1, 'x');
    }
    return real_.PerfectSubtree(level, index);
  }
  int calls() const { return calls_; }

 private:
  const SubtreeHashes& real_;
  int fail_at_;
  absl::Status error_;
  mutable int calls_ = 0;
};

// ---------------------------------------------------------------------------
// Hash functions.

TEST(MerkleHashTest, LeafHashIsSha256OfZeroByteAndData) {
  EXPECT_EQ(LeafHash("abc"), Sha(std::string("\x00"
                                             "abc",
                                             4)));
  EXPECT_EQ(Hex(LeafHash("")),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
}

TEST(MerkleHashTest, NodeHashIsSha256OfOneByteLeftRight) {
  const std::string left(32, 'L');
  const std::string right(32, 'R');
  EXPECT_EQ(NodeHash(left, right), Sha("\x01" + left + right));
  EXPECT_NE(NodeHash(left, right), NodeHash(right, left));
}

TEST(MerkleHashTest, EmptyTreeHashIsSha256OfNothing) {
  EXPECT_EQ(Hex(EmptyTreeHash()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

// ---------------------------------------------------------------------------
// Roots.

TEST(MerkleRootTest, RootsOfSmallTreesMatchHandComposedHashes) {
  const std::string l0 = Leaf("a"), l1 = Leaf("b"), l2 = Leaf("c"),
                    l3 = Leaf("d"), l4 = Leaf("e"), l5 = Leaf("f"),
                    l6 = Leaf("g");
  const InMemorySubtreeHashes tree =
      TreeOfLeafHashes({l0, l1, l2, l3, l4, l5, l6});
  const std::vector<std::pair<uint64_t, std::string>> expected = {
      {1, l0},
      {2, Node(l0, l1)},
      {3, Node(Node(l0, l1), l2)},
      {4, Node(Node(l0, l1), Node(l2, l3))},
      {5, Node(Node(Node(l0, l1), Node(l2, l3)), l4)},
      {7, Node(Node(Node(l0, l1), Node(l2, l3)), Node(Node(l4, l5), l6))},
  };
  for (const auto& [size, root] : expected) {
    ASSERT_OK_AND_ASSIGN(std::string got, RootHash(tree, size));
    EXPECT_EQ(Hex(got), Hex(root)) << "size " << size;
  }
}

TEST(MerkleRootTest, RootsMatchCertificateTransparencyVectors) {
  const InMemorySubtreeHashes tree = CtTree();
  const std::vector<std::string> expected = {
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
      "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
      "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
      "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
      "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
      "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
  };
  for (uint64_t size = 0; size < expected.size(); ++size) {
    ASSERT_OK_AND_ASSIGN(std::string got, RootHash(tree, size));
    EXPECT_EQ(Hex(got), expected[size]) << "size " << size;
  }
}

TEST(MerkleRootTest, EmptyTreeNeedsNoLookups) {
  const UniformHashes hashes(0);
  ASSERT_OK_AND_ASSIGN(std::string root, RootHash(hashes, 0));
  EXPECT_EQ(root, EmptyTreeHash());
  EXPECT_EQ(hashes.lookups(), 0);
}

TEST(MerkleRootTest, RootOfMoreLeavesThanStoredIsNotFound) {
  const InMemorySubtreeHashes tree = CtTree();
  EXPECT_EQ(RootHash(tree, 9).status().code(), StatusCode::kNotFound);
}

// ---------------------------------------------------------------------------
// Proof generation against known answers.

TEST(MerkleProofTest, InclusionProofsMatchCertificateTransparencyVectors) {
  const InMemorySubtreeHashes tree = CtTree();
  struct Case {
    uint64_t index;
    uint64_t size;
    std::vector<std::string> proof;
  };
  const std::vector<Case> cases = {
      {0, 1, {}},
      {0,
       8,
       {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
      {5,
       8,
       {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
      {2,
       3,
       {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
      {1,
       5,
       {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
  };
  for (const Case& c : cases) {
    ASSERT_OK_AND_ASSIGN(std::vector<std::string> proof,
                         InclusionProof(tree, c.index, c.size));
    EXPECT_EQ(HexAll(proof), c.proof) << "leaf " << c.index << " of " << c.size;
    ASSERT_OK_AND_ASSIGN(std::string root, RootHash(tree, c.size));
    ASSERT_OK_AND_ASSIGN(std::string leaf, tree.PerfectSubtree(0, c.index));
    EXPECT_OK(VerifyInclusion(c.index, c.size, leaf, proof, root));
  }
}

TEST(MerkleProofTest, ConsistencyProofsMatchCertificateTransparencyVectors) {
  const InMemorySubtreeHashes tree = CtTree();
  struct Case {
    uint64_t old_size;
    uint64_t new_size;
    std::vector<std::string> proof;
  };
  const std::vector<Case> cases = {
      {1, 1, {}},
      {1,
       8,
       {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
      {6,
       8,
       {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
      {2,
       5,
       {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
  };
  for (const Case& c : cases) {
    ASSERT_OK_AND_ASSIGN(std::vector<std::string> proof,
                         ConsistencyProof(tree, c.old_size, c.new_size));
    EXPECT_EQ(HexAll(proof), c.proof) << c.old_size << " to " << c.new_size;
    ASSERT_OK_AND_ASSIGN(std::string old_root, RootHash(tree, c.old_size));
    ASSERT_OK_AND_ASSIGN(std::string new_root, RootHash(tree, c.new_size));
    EXPECT_OK(
        VerifyConsistency(c.old_size, c.new_size, old_root, new_root, proof));
  }
}

class HandComposedProofTest : public ::testing::Test {
 protected:
  const std::string l0 = Leaf("a"), l1 = Leaf("b"), l2 = Leaf("c"),
                    l3 = Leaf("d"), l4 = Leaf("e"), l5 = Leaf("f"),
                    l6 = Leaf("g");
  const InMemorySubtreeHashes tree =
      TreeOfLeafHashes({l0, l1, l2, l3, l4, l5, l6});
};

TEST_F(HandComposedProofTest, InclusionProofsListSiblingsFromTheLeafUp) {
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> of3,
                       InclusionProof(tree, 3, 7));
  EXPECT_EQ(HexAll(of3), HexAll({l2, Node(l0, l1), Node(Node(l4, l5), l6)}));
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> of6,
                       InclusionProof(tree, 6, 7));
  EXPECT_EQ(HexAll(of6),
            HexAll({Node(l4, l5), Node(Node(l0, l1), Node(l2, l3))}));
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> of4,
                       InclusionProof(tree, 4, 5));
  EXPECT_EQ(HexAll(of4), HexAll({Node(Node(l0, l1), Node(l2, l3))}));
}

TEST_F(HandComposedProofTest, ConsistencyProofsFollowSubproof) {
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> from3,
                       ConsistencyProof(tree, 3, 7));
  EXPECT_EQ(HexAll(from3),
            HexAll({l2, l3, Node(l0, l1), Node(Node(l4, l5), l6)}));
  // A power-of-two old tree is the old root itself, so it is left out.
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> from4,
                       ConsistencyProof(tree, 4, 7));
  EXPECT_EQ(HexAll(from4), HexAll({Node(Node(l4, l5), l6)}));
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> from5,
                       ConsistencyProof(tree, 5, 7));
  EXPECT_EQ(HexAll(from5),
            HexAll({l4, l5, l6, Node(Node(l0, l1), Node(l2, l3))}));
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> same,
                       ConsistencyProof(tree, 7, 7));
  EXPECT_TRUE(same.empty());
}

// ---------------------------------------------------------------------------
// Inclusion: every proof of every small tree, and every single change.

TEST(MerkleInclusionTest, EveryProofUpTo70LeavesVerifies) {
  const SmallTrees& t = Small();
  for (uint64_t n = 1; n <= kMaxSmall; ++n) {
    for (uint64_t i = 0; i < n; ++i) {
      ASSERT_OK_AND_ASSIGN(std::vector<std::string> proof,
                           InclusionProof(t.tree, i, n));
      // A path is at most ceil(log2 n) long.
      EXPECT_LE(proof.size(), static_cast<size_t>(std::bit_width(n - 1)));
      SCOPED_TRACE(absl::StrCat("leaf ", i, " of ", n));
      EXPECT_OK(VerifyInclusion(i, n, t.leaf_hashes[i], proof, t.roots[n]));
    }
  }
}

TEST(MerkleInclusionTest, AnyFlippedProofHashIsRejected) {
  const SmallTrees& t = Small();
  for (uint64_t n = 1; n <= kMaxSmall; ++n) {
    for (uint64_t i = 0; i < n; ++i) {
      ASSERT_OK_AND_ASSIGN(std::vector<std::string> proof,
                           InclusionProof(t.tree, i, n));
      for (size_t j = 0; j < proof.size(); ++j) {
        std::vector<std::string> bad = proof;
        bad[j] = FlipBit(bad[j], i + j);
        EXPECT_EQ(
            VerifyInclusion(i, n, t.leaf_hashes[i], bad, t.roots[n]).code(),
            StatusCode::kUnauthenticated)
            << "leaf " << i << " of " << n << ", hash " << j;
      }
      EXPECT_EQ(
          VerifyInclusion(i, n, FlipBit(t.leaf_hashes[i]), proof, t.roots[n])
              .code(),
          StatusCode::kUnauthenticated);
      EXPECT_EQ(VerifyInclusion(i, n, t.leaf_hashes[i], proof,
                                FlipBit(t.roots[n], 31))
                    .code(),
                StatusCode::kUnauthenticated);
    }
  }
}

TEST(MerkleInclusionTest, WrongIndexIsRejected) {
  const SmallTrees& t = Small();
  for (uint64_t n = 1; n <= kMaxSmall; ++n) {
    for (uint64_t i = 0; i < n; ++i) {
      ASSERT_OK_AND_ASSIGN(std::vector<std::string> proof,
                           InclusionProof(t.tree, i, n));
      for (uint64_t j = 0; j < n; ++j) {
        if (j == i) continue;
        EXPECT_EQ(
            VerifyInclusion(j, n, t.leaf_hashes[i], proof, t.roots[n]).code(),
            StatusCode::kUnauthenticated)
            << "proof of leaf " << i << " of " << n << " claimed for " << j;
      }
    }
  }
}

TEST(MerkleInclusionTest, WrongTreeSizeIsRejected) {
  // The proof is checked against the root of the size it is claimed for,
  // as a verifier holding a signed tree head of that size would.
  const SmallTrees& t = Small();
  for (uint64_t n = 1; n <= kMaxSmall; ++n) {
    for (uint64_t i = 0; i < n; ++i) {
      ASSERT_OK_AND_ASSIGN(std::vector<std::string> proof,
                           InclusionProof(t.tree, i, n));
      for (uint64_t other = i + 1; other <= kMaxSmall; ++other) {
        if (other == n) continue;
        EXPECT_EQ(
            VerifyInclusion(i, other, t.leaf_hashes[i], proof, t.roots[other])
                .code(),
            StatusCode::kUnauthenticated)
            << "proof of leaf " << i << " of " << n << " claimed for size "
            << other;
      }
    }
  }
}

TEST(MerkleInclusionTest, TruncatedOrExtendedProofIsRejected) {
  const SmallTrees& t = Small();
  const std::string extra = t.roots[1];
  for (uint64_t n = 1; n <= kMaxSmall; ++n) {
    for (uint64_t i = 0; i < n; ++i) {
      ASSERT_OK_AND_ASSIGN(std::vector<std::string> proof,
                           InclusionProof(t.tree, i, n));
      const auto verify = [&](const std::vector<std::string>& p) {
        return VerifyInclusion(i, n, t.leaf_hashes[i], p, t.roots[n]).code();
      };
      if (!proof.empty()) {
        std::vector<std::string> no_last(proof.begin(), proof.end() - 1);
        EXPECT_EQ(verify(no_last), StatusCode::kUnauthenticated);
        std::vector<std::string> no_first(proof.begin() + 1, proof.end());
        EXPECT_EQ(verify(no_first), StatusCode::kUnauthenticated);
      }
      std::vector<std::string> appended = proof;
      appended.push_back(extra);
      EXPECT_EQ(verify(appended), StatusCode::kUnauthenticated)
          << "leaf " << i << " of " << n;
      std::vector<std::string> prepended = proof;
      prepended.insert(prepended.begin(), extra);
      EXPECT_EQ(verify(prepended), StatusCode::kUnauthenticated)
          << "leaf " << i << " of " << n;
    }
  }
}

TEST(MerkleInclusionTest, ExtraHashIsRefusedEvenAgainstARootBuiltToMatch) {
  // Past the top of the tree the walk must stop (RFC 9162 step 4a), not
  // keep hashing: otherwise proof + [x] would "verify" against the forged
  // root NodeHash(x, root).
  const SmallTrees& t = Small();
  const std::string x = t.leaf_hashes[0];
  for (uint64_t n = 1; n <= kMaxSmall; ++n) {
    for (uint64_t i = 0; i < n; ++i) {
      ASSERT_OK_AND_ASSIGN(std::vector<std::string> proof,
                           InclusionProof(t.tree, i, n));
      proof.push_back(x);
      EXPECT_EQ(
          VerifyInclusion(i, n, t.leaf_hashes[i], proof, Node(x, t.roots[n]))
              .code(),
          StatusCode::kUnauthenticated)
          << "leaf " << i << " of " << n;
    }
  }
}

TEST(MerkleInclusionTest, ProofThatStopsShortIsRefusedEvenWithGenuineHashes) {
  // Leaf 0's proof in the 2-leaf tree leads to that tree's root; it must
  // not pass as a proof in the 4-leaf tree (RFC 9162 step 5: sn is 0).
  const SmallTrees& t = Small();
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> proof,
                       InclusionProof(t.tree, 0, 2));
  EXPECT_EQ(VerifyInclusion(0, 4, t.leaf_hashes[0], proof, t.roots[2]).code(),
            StatusCode::kUnauthenticated);
}

// ---------------------------------------------------------------------------
// Consistency: every pair of small sizes, and every single change.

TEST(MerkleConsistencyTest, EveryProofUpTo70LeavesVerifies) {
  const SmallTrees& t = Small();
  for (uint64_t n = 1; n <= kMaxSmall; ++n) {
    for (uint64_t m = 1; m <= n; ++m) {
      ASSERT_OK_AND_ASSIGN(std::vector<std::string> proof,
                           ConsistencyProof(t.tree, m, n));
      EXPECT_EQ(proof.empty(), m == n);
      EXPECT_LE(proof.size(), static_cast<size_t>(std::bit_width(n - 1)) + 1);
      SCOPED_TRACE(absl::StrCat(m, " to ", n));
      EXPECT_OK(VerifyConsistency(m, n, t.roots[m], t.roots[n], proof));
    }
  }
}

TEST(MerkleConsistencyTest, AnyFlippedProofHashIsRejected) {
  const SmallTrees& t = Small();
  for (uint64_t n = 1; n <= kMaxSmall; ++n) {
    for (uint64_t m = 1; m < n; ++m) {
      ASSERT_OK_AND_ASSIGN(std::vector<std::string> proof,
                           ConsistencyProof(t.tree, m, n));
      for (size_t j = 0; j < proof.size(); ++j) {
        std::vector<std::string> bad = proof;
        bad[j] = FlipBit(bad[j], m + j);
        EXPECT_EQ(VerifyConsistency(m, n, t.roots[m], t.roots[n], bad).code(),
                  StatusCode::kUnauthenticated)
            << m << " to " << n << ", hash " << j;
      }
    }
  }
}

TEST(MerkleConsistencyTest, WrongOldRootIsRejected) {
  const SmallTrees& t = Small();
  for (uint64_t n = 1; n <= kMaxSmall; ++n) {
    for (uint64_t m = 1; m <= n; ++m) {
      ASSERT_OK_AND_ASSIGN(std::vector<std::string> proof,
                           ConsistencyProof(t.tree, m, n));
      EXPECT_EQ(
          VerifyConsistency(m, n, FlipBit(t.roots[m], 7), t.roots[n], proof)
              .code(),
          StatusCode::kUnauthenticated)
          << m << " to " << n;
      for (uint64_t other = 1; other <= kMaxSmall; ++other) {
        if (other == m) continue;
        EXPECT_EQ(
            VerifyConsistency(m, n, t.roots[other], t.roots[n], proof).code(),
            StatusCode::kUnauthenticated)
            << m << " to " << n << " with the root of " << other;
      }
    }
  }
}

TEST(MerkleConsistencyTest, WrongNewRootIsRejected) {
  const SmallTrees& t = Small();
  for (uint64_t n = 1; n <= kMaxSmall; ++n) {
    for (uint64_t m = 1; m <= n; ++m) {
      ASSERT_OK_AND_ASSIGN(std::vector<std::string> proof,
                           ConsistencyProof(t.tree, m, n));
      EXPECT_EQ(
          VerifyConsistency(m, n, t.roots[m], FlipBit(t.roots[n], 30), proof)
              .code(),
          StatusCode::kUnauthenticated)
          << m << " to " << n;
      for (uint64_t other = 1; other <= kMaxSmall; ++other) {
        if (other == n) continue;
        EXPECT_EQ(
            VerifyConsistency(m, n, t.roots[m], t.roots[other], proof).code(),
            StatusCode::kUnauthenticated)
            << m << " to " << n << " with the root of " << other;
      }
    }
  }
}

TEST(MerkleConsistencyTest, WrongOldSizeIsRejected) {
  const SmallTrees& t = Small();
  for (uint64_t n = 1; n <= kMaxSmall; ++n) {
    for (uint64_t m = 1; m <= n; ++m) {
      ASSERT_OK_AND_ASSIGN(std::vector<std::string> proof,
                           ConsistencyProof(t.tree, m, n));
      for (uint64_t other = 1; other <= n; ++other) {
        if (other == m) continue;
        EXPECT_EQ(VerifyConsistency(other, n, t.roots[other], t.roots[n], proof)
                      .code(),
                  StatusCode::kUnauthenticated)
            << m << " to " << n << " claimed from " << other;
      }
    }
  }
}

TEST(MerkleConsistencyTest, TruncatedOrExtendedProofIsRejected) {
  const SmallTrees& t = Small();
  const std::string extra = t.roots[1];
  for (uint64_t n = 1; n <= kMaxSmall; ++n) {
    for (uint64_t m = 1; m <= n; ++m) {
      ASSERT_OK_AND_ASSIGN(std::vector<std::string> proof,
                           ConsistencyProof(t.tree, m, n));
      const auto verify = [&](const std::vector<std::string>& p) {
        return VerifyConsistency(m, n, t.roots[m], t.roots[n], p).code();
      };
      if (!proof.empty()) {
        std::vector<std::string> no_last(proof.begin(), proof.end() - 1);
        EXPECT_EQ(verify(no_last), StatusCode::kUnauthenticated)
            << m << " to " << n;
        std::vector<std::string> no_first(proof.begin() + 1, proof.end());
        EXPECT_EQ(verify(no_first), StatusCode::kUnauthenticated)
            << m << " to " << n;
      }
      std::vector<std::string> appended = proof;
      appended.push_back(extra);
      EXPECT_EQ(verify(appended), StatusCode::kUnauthenticated)
          << m << " to " << n;
    }
  }
}

TEST(MerkleConsistencyTest, ExtraHashIsRefusedEvenAgainstRootsBuiltToMatch) {
  const SmallTrees& t = Small();
  const std::string x = t.leaf_hashes[0];
  for (uint64_t n = 2; n <= kMaxSmall; ++n) {
    for (uint64_t m = 1; m < n; ++m) {
      ASSERT_OK_AND_ASSIGN(std::vector<std::string> proof,
                           ConsistencyProof(t.tree, m, n));
      proof.push_back(x);
      EXPECT_EQ(VerifyConsistency(m, n, Node(x, t.roots[m]),
                                  Node(x, t.roots[n]), proof)
                    .code(),
                StatusCode::kUnauthenticated)
          << m << " to " << n;
    }
  }
}

TEST(MerkleConsistencyTest, ProofThatStopsShortIsRefusedEvenWithGenuineHashes) {
  // The proof from 1 to 2 leads to the genuine roots of sizes 1 and 2; it
  // must not pass as a proof from 1 to 4 (RFC 9162 step 7: sn is 0).
  const SmallTrees& t = Small();
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> proof,
                       ConsistencyProof(t.tree, 1, 2));
  ASSERT_OK(VerifyConsistency(1, 2, t.roots[1], t.roots[2], proof));
  EXPECT_EQ(VerifyConsistency(1, 4, t.roots[1], t.roots[2], proof).code(),
            StatusCode::kUnauthenticated);
}

TEST(MerkleConsistencyTest, EqualSizesNeedEqualRootsAndAnEmptyProof) {
  const SmallTrees& t = Small();
  EXPECT_OK(VerifyConsistency(5, 5, t.roots[5], t.roots[5], {}));
  EXPECT_EQ(VerifyConsistency(5, 5, t.roots[5], t.roots[4], {}).code(),
            StatusCode::kUnauthenticated);
  EXPECT_EQ(
      VerifyConsistency(5, 5, t.roots[5], t.roots[5], {t.roots[5]}).code(),
      StatusCode::kUnauthenticated);
}

TEST(MerkleConsistencyTest, EmptyOldTreeIsConsistentOnlyWithAnEmptyProof) {
  const SmallTrees& t = Small();
  EXPECT_OK(VerifyConsistency(0, 9, EmptyTreeHash(), t.roots[9], {}));
  EXPECT_OK(VerifyConsistency(0, 0, EmptyTreeHash(), EmptyTreeHash(), {}));
  EXPECT_EQ(
      VerifyConsistency(0, 9, EmptyTreeHash(), t.roots[9], {t.roots[9]}).code(),
      StatusCode::kUnauthenticated);
  // A size-0 tree head whose root is not the empty-tree hash is bogus.
  EXPECT_EQ(VerifyConsistency(0, 9, t.roots[1], t.roots[9], {}).code(),
            StatusCode::kUnauthenticated);
}

TEST(MerkleConsistencyTest, EmptyProofBetweenDifferentSizesIsRejected) {
  const SmallTrees& t = Small();
  EXPECT_EQ(VerifyConsistency(4, 8, t.roots[4], t.roots[8], {}).code(),
            StatusCode::kUnauthenticated);
  EXPECT_EQ(VerifyConsistency(5, 8, t.roots[5], t.roots[8], {}).code(),
            StatusCode::kUnauthenticated);
}

// ---------------------------------------------------------------------------
// Malformed input.

TEST(MerkleMalformedTest, LeafIndexOutsideTheTreeIsInvalid) {
  const SmallTrees& t = Small();
  EXPECT_EQ(InclusionProof(t.tree, 5, 5).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(InclusionProof(t.tree, 0, 0).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(VerifyInclusion(5, 5, t.leaf_hashes[4], {}, t.roots[5]).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(VerifyInclusion(0, 0, t.leaf_hashes[0], {}, EmptyTreeHash()).code(),
            StatusCode::kInvalidArgument);
}

TEST(MerkleMalformedTest, HashesOfTheWrongLengthAreInvalid) {
  const SmallTrees& t = Small();
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> incl,
                       InclusionProof(t.tree, 2, 9));
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> cons,
                       ConsistencyProof(t.tree, 3, 9));
  ASSERT_FALSE(incl.empty());
  ASSERT_FALSE(cons.empty());
  ASSERT_OK(VerifyInclusion(2, 9, t.leaf_hashes[2], incl, t.roots[9]));
  ASSERT_OK(VerifyConsistency(3, 9, t.roots[3], t.roots[9], cons));
  for (size_t len : {size_t{0}, size_t{31}, size_t{33}, size_t{64}}) {
    SCOPED_TRACE(absl::StrCat(len, " bytes"));
    const auto resize = [len](std::string h) {
      h.resize(len, '\x5a');
      return h;
    };
    EXPECT_EQ(VerifyInclusion(2, 9, resize(t.leaf_hashes[2]), incl, t.roots[9])
                  .code(),
              StatusCode::kInvalidArgument);
    EXPECT_EQ(VerifyInclusion(2, 9, t.leaf_hashes[2], incl, resize(t.roots[9]))
                  .code(),
              StatusCode::kInvalidArgument);
    std::vector<std::string> bad_incl = incl;
    bad_incl.back() = resize(bad_incl.back());
    EXPECT_EQ(
        VerifyInclusion(2, 9, t.leaf_hashes[2], bad_incl, t.roots[9]).code(),
        StatusCode::kInvalidArgument);

    EXPECT_EQ(
        VerifyConsistency(3, 9, resize(t.roots[3]), t.roots[9], cons).code(),
        StatusCode::kInvalidArgument);
    EXPECT_EQ(
        VerifyConsistency(3, 9, t.roots[3], resize(t.roots[9]), cons).code(),
        StatusCode::kInvalidArgument);
    std::vector<std::string> bad_cons = cons;
    bad_cons.front() = resize(bad_cons.front());
    EXPECT_EQ(VerifyConsistency(3, 9, t.roots[3], t.roots[9], bad_cons).code(),
              StatusCode::kInvalidArgument);
    // Even where nothing needs proving, malformed hashes are refused.
    EXPECT_EQ(
        VerifyConsistency(9, 9, resize(t.roots[9]), t.roots[9], {}).code(),
        StatusCode::kInvalidArgument);
  }
}

TEST(MerkleMalformedTest, ProofsLongerThanTheLimitAreInvalid) {
  const SmallTrees& t = Small();
  const std::vector<std::string> at_limit(kMaxProofHashes, t.roots[1]);
  const std::vector<std::string> over_limit(kMaxProofHashes + 1, t.roots[1]);
  // At the limit the proof is merely wrong; past it, malformed.
  EXPECT_EQ(
      VerifyInclusion(0, 9, t.leaf_hashes[0], at_limit, t.roots[9]).code(),
      StatusCode::kUnauthenticated);
  EXPECT_EQ(
      VerifyInclusion(0, 9, t.leaf_hashes[0], over_limit, t.roots[9]).code(),
      StatusCode::kInvalidArgument);
  EXPECT_EQ(VerifyConsistency(3, 9, t.roots[3], t.roots[9], at_limit).code(),
            StatusCode::kUnauthenticated);
  EXPECT_EQ(VerifyConsistency(3, 9, t.roots[3], t.roots[9], over_limit).code(),
            StatusCode::kInvalidArgument);
}

TEST(MerkleMalformedTest, OldSizeAboveNewSizeIsInvalid) {
  const SmallTrees& t = Small();
  EXPECT_EQ(ConsistencyProof(t.tree, 6, 5).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(VerifyConsistency(6, 5, t.roots[6], t.roots[5], {}).code(),
            StatusCode::kInvalidArgument);
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> proof,
                       ConsistencyProof(t.tree, 5, 6));
  EXPECT_EQ(VerifyConsistency(6, 5, t.roots[6], t.roots[5], proof).code(),
            StatusCode::kInvalidArgument);
}

TEST(MerkleMalformedTest, ConsistencyProofFromTheEmptyTreeIsInvalid) {
  const SmallTrees& t = Small();
  EXPECT_EQ(ConsistencyProof(t.tree, 0, 5).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ConsistencyProof(t.tree, 0, 0).status().code(),
            StatusCode::kInvalidArgument);
}

// ---------------------------------------------------------------------------
// The 2^63 limit and the cost of large trees.

TEST(MerkleLimitTest, TreeSizesOf2To63OrMoreAreInvalid) {
  const UniformHashes hashes(kLargestSize);
  const std::string h = hashes.at_level(0);
  for (uint64_t size :
       {kMaxTreeSizeExclusive, kMaxTreeSizeExclusive + 1, ~uint64_t{0}}) {
    SCOPED_TRACE(size);
    EXPECT_EQ(RootHash(hashes, size).status().code(),
              StatusCode::kInvalidArgument);
    EXPECT_EQ(InclusionProof(hashes, 0, size).status().code(),
              StatusCode::kInvalidArgument);
    EXPECT_EQ(InclusionProof(hashes, size - 1, size).status().code(),
              StatusCode::kInvalidArgument);
    EXPECT_EQ(ConsistencyProof(hashes, 1, size).status().code(),
              StatusCode::kInvalidArgument);
    EXPECT_EQ(ConsistencyProof(hashes, size, size).status().code(),
              StatusCode::kInvalidArgument);
    EXPECT_EQ(VerifyInclusion(size - 1, size, h, {}, h).code(),
              StatusCode::kInvalidArgument);
    EXPECT_EQ(VerifyConsistency(1, size, h, h, {h}).code(),
              StatusCode::kInvalidArgument);
    EXPECT_EQ(VerifyConsistency(size, size, h, h, {}).code(),
              StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(hashes.lookups(), 0);
  EXPECT_EQ(SubtreesCompletedByAppend(hashes, kLargestSize, h).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(MerkleLimitTest, LargestTreeTakesLogarithmicLookupsAndItsProofsVerify) {
  const UniformHashes hashes(kLargestSize);
  ASSERT_OK_AND_ASSIGN(std::string root, RootHash(hashes, kLargestSize));
  // One perfect subtree per set bit of 2^63 - 1.
  EXPECT_EQ(hashes.lookups(), 63);

  const std::string leaf = hashes.at_level(0);
  for (uint64_t index :
       {uint64_t{0}, kLargestSize / 2, kLargestSize - 2, kLargestSize - 1}) {
    SCOPED_TRACE(index);
    const int before = hashes.lookups();
    ASSERT_OK_AND_ASSIGN(std::vector<std::string> proof,
                         InclusionProof(hashes, index, kLargestSize));
    EXPECT_LE(hashes.lookups() - before, 2 * 63);
    EXPECT_LE(proof.size(), 63u);
    EXPECT_OK(VerifyInclusion(index, kLargestSize, leaf, proof, root));
  }
  for (uint64_t old_size : {uint64_t{1}, uint64_t{3}, uint64_t{1} << 62,
                            (uint64_t{1} << 62) + 1, kLargestSize - 1}) {
    SCOPED_TRACE(old_size);
    ASSERT_OK_AND_ASSIGN(std::string old_root, RootHash(hashes, old_size));
    const int before = hashes.lookups();
    ASSERT_OK_AND_ASSIGN(std::vector<std::string> proof,
                         ConsistencyProof(hashes, old_size, kLargestSize));
    EXPECT_LE(hashes.lookups() - before, 2 * 63);
    EXPECT_LE(proof.size(), 64u);
    EXPECT_OK(VerifyConsistency(old_size, kLargestSize, old_root, root, proof));
  }
}

TEST(MerkleLimitTest, AppendingAtTheEdgeOfThe63BitRangeCompletesEveryLevel) {
  const uint64_t index = (uint64_t{1} << 62) - 1;
  const UniformHashes hashes(index);
  ASSERT_OK_AND_ASSIGN(
      std::vector<CompletedSubtree> completed,
      SubtreesCompletedByAppend(hashes, index, hashes.at_level(0)));
  ASSERT_EQ(completed.size(), 63u);
  EXPECT_EQ(completed.back().level, 62);
  EXPECT_EQ(completed.back().index, 0u);
  EXPECT_EQ(completed.back().hash, hashes.at_level(62));
}

// ---------------------------------------------------------------------------
// Errors from the hash store.

TEST(MerkleStoreErrorTest, EveryLookupErrorIsPropagated) {
  const SmallTrees& t = Small();
  using Op = std::function<absl::Status(const SubtreeHashes&)>;
  const std::vector<std::pair<std::string, Op>> ops = {
      {"RootHash",
       [](const SubtreeHashes& h) { return RootHash(h, 23).status(); }},
      {"InclusionProof",
       [](const SubtreeHashes& h) {
         return InclusionProof(h, 6, 23).status();
       }},
      {"ConsistencyProof",
       [](const SubtreeHashes& h) {
         return ConsistencyProof(h, 11, 23).status();
       }},
      {"SubtreesCompletedByAppend",
       [&t](const SubtreeHashes& h) {
         return SubtreesCompletedByAppend(h, 23, t.leaf_hashes[23]).status();
       }},
  };
  for (const auto& [name, op] : ops) {
    SCOPED_TRACE(name);
    // How many look-ups the operation makes when nothing fails.
    const FaultyHashes counting(t.tree, 0, absl::OkStatus());
    ASSERT_OK(op(counting));
    ASSERT_GT(counting.calls(), 0);
    for (int fail_at = 1; fail_at <= counting.calls(); ++fail_at) {
      SCOPED_TRACE(absl::StrCat("failing look-up ", fail_at));
      for (const absl::Status& error :
           {absl::NotFoundError("gone"), absl::DataLossError("corrupt"),
            absl::UnavailableError("busy")}) {
        const FaultyHashes faulty(t.tree, fail_at, error);
        EXPECT_EQ(op(faulty), error);
      }
      // A store that hands back a hash of the wrong length is corrupt.
      const FaultyHashes short_hash(t.tree, fail_at, absl::OkStatus());
      EXPECT_EQ(op(short_hash).code(), StatusCode::kDataLoss);
    }
  }
}

// ---------------------------------------------------------------------------
// Appends and the in-memory store.

TEST(MerkleAppendTest, CompletedSubtreesAgreeWithInMemoryStore) {
  const SmallTrees& t = Small();
  InMemorySubtreeHashes tree;
  for (uint64_t i = 0; i < kMaxSmall; ++i) {
    ASSERT_OK_AND_ASSIGN(std::vector<CompletedSubtree> completed,
                         SubtreesCompletedByAppend(tree, i, t.leaf_hashes[i]));
    ASSERT_OK(tree.AppendLeafHash(t.leaf_hashes[i]));
    // Leaf i completes the subtree ending at it at every level 2^l divides
    // i + 1, lowest level first.
    std::vector<std::pair<int, uint64_t>> expected;
    for (int l = 0; ((i + 1) >> l) << l == i + 1; ++l) {
      expected.emplace_back(l, ((i + 1) >> l) - 1);
    }
    std::vector<std::pair<int, uint64_t>> got;
    for (const CompletedSubtree& c : completed) {
      got.emplace_back(c.level, c.index);
      ASSERT_OK_AND_ASSIGN(std::string stored,
                           tree.PerfectSubtree(c.level, c.index));
      EXPECT_EQ(Hex(c.hash), Hex(stored)) << "level " << c.level;
    }
    EXPECT_EQ(got, expected) << "appending leaf " << i;
  }
}

TEST(MerkleAppendTest, AppendRefusesHashesOfTheWrongLength) {
  InMemorySubtreeHashes tree = TreeOfLeafHashes({Leaf("a")});
  for (size_t len : {size_t{0}, size_t{31}, size_t{33}}) {
    EXPECT_EQ(tree.AppendLeafHash(std::string(len, 'h')).code(),
              StatusCode::kInvalidArgument);
    EXPECT_EQ(SubtreesCompletedByAppend(tree, 1, std::string(len, 'h'))
                  .status()
                  .code(),
              StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(tree.size(), 1u);
  EXPECT_EQ(tree.PerfectSubtree(0, 1).status().code(), StatusCode::kNotFound);
}

TEST(MerkleInMemoryTest, ServesOnlyCompletedSubtrees) {
  const std::string l0 = Leaf("a"), l1 = Leaf("b"), l2 = Leaf("c"),
                    l3 = Leaf("d"), l4 = Leaf("e");
  const InMemorySubtreeHashes tree = TreeOfLeafHashes({l0, l1, l2, l3, l4});
  EXPECT_EQ(tree.size(), 5u);
  const auto at = [&tree](int level, uint64_t index) {
    absl::StatusOr<std::string> h = tree.PerfectSubtree(level, index);
    return h.ok() ? Hex(*h) : h.status().ToString();
  };
  EXPECT_EQ(at(0, 0), Hex(l0));
  EXPECT_EQ(at(0, 4), Hex(l4));
  EXPECT_EQ(at(1, 0), Hex(Node(l0, l1)));
  EXPECT_EQ(at(1, 1), Hex(Node(l2, l3)));
  EXPECT_EQ(at(2, 0), Hex(Node(Node(l0, l1), Node(l2, l3))));
  for (const auto& [level, index] : std::vector<std::pair<int, uint64_t>>{
           {0, 5}, {1, 2}, {2, 1}, {3, 0}, {62, 0}, {0, ~uint64_t{0}}}) {
    EXPECT_EQ(tree.PerfectSubtree(level, index).status().code(),
              StatusCode::kNotFound)
        << level << "/" << index;
  }
  EXPECT_EQ(tree.PerfectSubtree(-1, 0).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(tree.PerfectSubtree(63, 0).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(MerkleInMemoryTest, EmptyStoreHasNothing) {
  const InMemorySubtreeHashes tree;
  EXPECT_EQ(tree.size(), 0u);
  EXPECT_EQ(tree.PerfectSubtree(0, 0).status().code(), StatusCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(std::string root, RootHash(tree, 0));
  EXPECT_EQ(root, EmptyTreeHash());
  EXPECT_EQ(RootHash(tree, 1).status().code(), StatusCode::kNotFound);
}

TEST(MerkleInMemoryTest, ManyLeavesMatchTheRecursiveDefinition) {
  // A size that exercises many levels at once (2^12 + 2^5 + 1 leaves),
  // checked against MTH computed by plain recursion over the leaf hashes.
  constexpr uint64_t kSize = 4096 + 32 + 1;
  std::vector<std::string> leaves;
  for (uint64_t i = 0; i < kSize; ++i) leaves.push_back(Leaf(absl::StrCat(i)));
  const InMemorySubtreeHashes tree = TreeOfLeafHashes(leaves);
  std::function<std::string(uint64_t, uint64_t)> mth = [&](uint64_t begin,
                                                           uint64_t n) {
    if (n == 1) return leaves[begin];
    const uint64_t k = std::bit_floor(n - 1);
    return Node(mth(begin, k), mth(begin + k, n - k));
  };
  for (uint64_t n :
       {kSize, kSize - 1, uint64_t{4096}, uint64_t{4095}, uint64_t{2049}}) {
    ASSERT_OK_AND_ASSIGN(std::string root, RootHash(tree, n));
    EXPECT_EQ(Hex(root), Hex(mth(0, n))) << n;
  }
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> proof,
                       InclusionProof(tree, 4100, kSize));
  ASSERT_OK_AND_ASSIGN(std::string root, RootHash(tree, kSize));
  EXPECT_OK(VerifyInclusion(4100, kSize, leaves[4100], proof, root));
}

}  // namespace
}  // namespace handover::auditlog

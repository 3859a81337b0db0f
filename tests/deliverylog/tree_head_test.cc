#include "deliverylog/tree_head.h"

#include <string>
#include <vector>

#include "crypto/signing.h"
#include "deliverylog/log_entry_codec.h"
#include "gtest/gtest.h"
#include "status_matchers.h"

namespace handover::deliverylog {
namespace {

namespace v1 = handover::v1;

class TreeHeadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 0; i < 2; ++i) {
      auto id = crypto::SecretIdentity::Generate("stockport-cs");
      ASSERT_TRUE(id.ok()) << id.status();
      ids_.push_back(*std::move(id));
    }
  }
  std::vector<crypto::PublicIdentity> Keys() const {
    return {ids_[0].public_identity(), ids_[1].public_identity()};
  }
  v1::SignedTreeHead Sign(int signer = 1) {
    auto head = SignTreeHead(ids_[signer], "stockport-cs", 42, root_, time_);
    EXPECT_TRUE(head.ok()) << head.status();
    return head.ok() ? *head : v1::SignedTreeHead();
  }

  std::vector<crypto::SecretIdentity> ids_;
  const std::string root_ = std::string(32, '\x5a');
  // 123456789 ns: the head keeps 123456 µs.
  const absl::Time time_ =
      absl::FromUnixSeconds(1767225600) + absl::Nanoseconds(123456789);
};

TEST_F(TreeHeadTest, SignedBytesMatchTheDocumentedLayout) {
  const std::string want =
      std::string("\0\x02id", 4) + std::string("\0\0\0\0\0\0\x01\x00", 8) +
      std::string(32, 'r') + std::string("\0\0\0\0\0\0\0\x05", 8);
  EXPECT_EQ(TreeHeadSignedBytes("id", 256, std::string(32, 'r'),
                                absl::FromUnixMicros(5)),
            want);
  EXPECT_EQ(kTreeHeadContext, std::string("handover/v1/log-tree-head\0", 26));
}

TEST_F(TreeHeadTest, SignsWithTheContextAndVerifies) {
  v1::SignedTreeHead head = Sign();
  EXPECT_EQ(head.log_id(), "stockport-cs");
  EXPECT_EQ(head.tree_size(), 42u);
  EXPECT_EQ(head.root_hash(), root_);
  EXPECT_EQ(head.signer_key_id(), ids_[1].public_identity().sign_key_id());
  EXPECT_EQ(head.timestamp().nanos(), 123456000);
  EXPECT_OK(VerifyTreeHead(head, Keys()));
  // Anyone can check it with the documented bytes alone.
  EXPECT_OK(crypto::VerifyDetached(
      ids_[1].public_identity(), kTreeHeadContext,
      TreeHeadSignedBytes("stockport-cs", 42, root_,
                          absl::FromUnixMicros(1767225600123456)),
      head.signature()));
}

TEST_F(TreeHeadTest, UnknownKeyIsUnauthenticated) {
  v1::SignedTreeHead head = Sign(1);
  absl::Status s = VerifyTreeHead(head, {ids_[0].public_identity()});
  EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated) << s;
  EXPECT_NE(s.message().find("unknown key"), absl::string_view::npos) << s;
  EXPECT_EQ(VerifyTreeHead(head, {}).code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(TreeHeadTest, AnyChangedFieldFailsTheSignature) {
  const v1::SignedTreeHead good = Sign();
  std::vector<v1::SignedTreeHead> bad(5, good);
  bad[0].set_tree_size(43);
  bad[1].mutable_root_hash()->back() ^= 1;
  bad[2].mutable_timestamp()->set_nanos(124000000);
  bad[3].set_log_id("stockport-cx");
  bad[4].mutable_signature()->front() ^= 1;
  for (const v1::SignedTreeHead& h : bad) {
    absl::Status s = VerifyTreeHead(h, Keys());
    EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated) << s;
  }
}

TEST_F(TreeHeadTest, MalformedHeadsAreInvalidArgument) {
  std::vector<v1::SignedTreeHead> bad(4, Sign());
  bad[0].set_root_hash(std::string(31, 'r'));
  bad[1].mutable_timestamp()->set_nanos(1);
  bad[2].set_log_id("Bad Id");
  bad[3].set_tree_size(uint64_t{1} << 63);
  for (const v1::SignedTreeHead& h : bad) {
    EXPECT_EQ(VerifyTreeHead(h, Keys()).code(),
              absl::StatusCode::kInvalidArgument);
  }
}

TEST_F(TreeHeadTest, SigningRefusesMalformedInput) {
  EXPECT_EQ(
      SignTreeHead(ids_[0], "stockport-cs", 1, "short", time_).status().code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(SignTreeHead(ids_[0], "", 1, root_, time_).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(SignTreeHead(ids_[0], "stockport-cs", 1, root_,
                         absl::FromUnixSeconds(253402300800))
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace handover::deliverylog

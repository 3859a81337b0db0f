// Signing and verifying notices: the round trip, and every way a notice can
// be altered, mis-signed or malformed.
#include "notice/notice_signing.h"

#include <string>
#include <vector>

#include "crypto/identity.h"
#include "crypto/signing.h"
#include "gtest/gtest.h"
#include "status_matchers.h"

namespace handover::notice {
namespace {

using crypto::PublicIdentity;
using crypto::SecretIdentity;
using handover::v1::Notice;
using handover::v1::SignedNotice;

Notice MakeReceipt(absl::string_view signer) {
  Notice notice;
  notice.set_signer_id(std::string(signer));
  notice.set_addressee_id("stockport-cs");
  notice.set_transfer_id(std::string(16, '\x5a'));
  notice.mutable_issued_at()->set_seconds(1790000000);
  notice.mutable_receipt()->set_ciphertext_hash(std::string(32, '\x11'));
  notice.mutable_receipt()->mutable_stored_at()->set_seconds(1789999990);
  return notice;
}

Notice MakeNonDelivery(absl::string_view signer) {
  Notice notice = MakeReceipt(signer);
  handover::v1::NonDeliveryReport* report = notice.mutable_non_delivery();
  report->set_undelivered_recipient("manchester-cs");
  report->set_reason(handover::v1::NON_DELIVERY_REASON_EXPIRED);
  report->set_detail("not collected before expiry");
  return notice;
}

class NoticeSigningTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto signer = SecretIdentity::Generate("manchester-cs");
    ASSERT_TRUE(signer.ok()) << signer.status();
    signer_ = std::make_unique<SecretIdentity>(*std::move(signer));
  }

  std::vector<PublicIdentity> Keys() const {
    return {signer_->public_identity()};
  }

  SignedNotice SignOrDie(const Notice& notice) {
    auto signed_notice = SignNotice(*signer_, notice);
    EXPECT_TRUE(signed_notice.ok()) << signed_notice.status();
    return signed_notice.ok() ? *signed_notice : SignedNotice();
  }

  std::unique_ptr<SecretIdentity> signer_;
};

TEST_F(NoticeSigningTest, ReceiptRoundTrips) {
  const Notice notice = MakeReceipt("manchester-cs");
  SignedNotice signed_notice = SignOrDie(notice);
  EXPECT_EQ(signed_notice.signature().size(), crypto::kSignatureBytes);
  EXPECT_EQ(signed_notice.signer_key_id(),
            signer_->public_identity().sign_key_id());
  ASSERT_OK_AND_ASSIGN(Notice verified, VerifyNotice(signed_notice, Keys()));
  EXPECT_EQ(verified.SerializeAsString(), notice.SerializeAsString());
  ASSERT_OK_AND_ASSIGN(Notice peeked, PeekNotice(signed_notice));
  EXPECT_EQ(peeked.signer_id(), "manchester-cs");
}

TEST_F(NoticeSigningTest, NonDeliveryReportRoundTrips) {
  const Notice notice = MakeNonDelivery("manchester-cs");
  ASSERT_OK_AND_ASSIGN(Notice verified,
                       VerifyNotice(SignOrDie(notice), Keys()));
  EXPECT_EQ(verified.non_delivery().reason(),
            handover::v1::NON_DELIVERY_REASON_EXPIRED);
  EXPECT_EQ(verified.non_delivery().undelivered_recipient(), "manchester-cs");
}

TEST_F(NoticeSigningTest, SignatureCoversTheContextString) {
  // A signature over the notice bytes alone, without the context, must not
  // verify: a signature from another document type cannot be replayed.
  SignedNotice signed_notice = SignOrDie(MakeReceipt("manchester-cs"));
  ASSERT_OK_AND_ASSIGN(
      std::string bare,
      crypto::SignDetached(*signer_, "", signed_notice.notice()));
  signed_notice.set_signature(bare);
  EXPECT_EQ(VerifyNotice(signed_notice, Keys()).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(NoticeSigningTest, EveryTamperedNoticeByteIsRefused) {
  const SignedNotice original = SignOrDie(MakeReceipt("manchester-cs"));
  for (size_t i = 0; i < original.notice().size(); ++i) {
    SignedNotice tampered = original;
    (*tampered.mutable_notice())[i] ^= 0x04;
    auto verified = VerifyNotice(tampered, Keys());
    EXPECT_EQ(verified.status().code(), absl::StatusCode::kUnauthenticated)
        << "byte " << i;
  }
}

TEST_F(NoticeSigningTest, TamperedSignatureIsRefused) {
  SignedNotice signed_notice = SignOrDie(MakeReceipt("manchester-cs"));
  (*signed_notice.mutable_signature())[10] ^= 0x01;
  EXPECT_EQ(VerifyNotice(signed_notice, Keys()).status().code(),
            absl::StatusCode::kUnauthenticated);
  signed_notice.mutable_signature()->resize(63);
  EXPECT_EQ(VerifyNotice(signed_notice, Keys()).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(NoticeSigningTest, UnknownKeyIsUnauthenticated) {
  ASSERT_OK_AND_ASSIGN(SecretIdentity other,
                       SecretIdentity::Generate("manchester-cs"));
  const SignedNotice signed_notice = SignOrDie(MakeReceipt("manchester-cs"));
  auto verified = VerifyNotice(signed_notice, {other.public_identity()});
  EXPECT_EQ(verified.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(VerifyNotice(signed_notice, {}).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(NoticeSigningTest, WrongKeyUnderTheRightKeyIdIsRefused) {
  // A key list that claims the signer's key id but holds another key.
  ASSERT_OK_AND_ASSIGN(SecretIdentity other,
                       SecretIdentity::Generate("manchester-cs"));
  SignedNotice signed_notice;
  ASSERT_OK_AND_ASSIGN(signed_notice,
                       SignNotice(other, MakeReceipt("manchester-cs")));
  signed_notice.set_signer_key_id(signer_->public_identity().sign_key_id());
  EXPECT_EQ(VerifyNotice(signed_notice, Keys()).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(NoticeSigningTest, KeyIdPicksTheRightKeyDuringAnOverlap) {
  ASSERT_OK_AND_ASSIGN(SecretIdentity next,
                       SecretIdentity::Generate("manchester-cs"));
  const std::vector<PublicIdentity> both = {signer_->public_identity(),
                                            next.public_identity()};
  // Signed by the old key and by the new: each verifies against both.
  ASSERT_OK(
      VerifyNotice(SignOrDie(MakeReceipt("manchester-cs")), both).status());
  ASSERT_OK_AND_ASSIGN(SignedNotice by_next,
                       SignNotice(next, MakeReceipt("manchester-cs")));
  EXPECT_EQ(by_next.signer_key_id(), next.public_identity().sign_key_id());
  ASSERT_OK(VerifyNotice(by_next, both).status());
  // Reversed order makes no difference.
  ASSERT_OK(VerifyNotice(by_next, {both[1], both[0]}).status());
}

TEST_F(NoticeSigningTest, SignerIdMismatchIsInvalidArgument) {
  // Signing refuses a notice naming another signer.
  EXPECT_EQ(SignNotice(*signer_, MakeReceipt("stockport-cs")).status().code(),
            absl::StatusCode::kInvalidArgument);

  // A validly signed notice whose keys belong to a different agency.
  ASSERT_OK_AND_ASSIGN(SecretIdentity impostor,
                       SecretIdentity::Generate("stockport-cs"));
  ASSERT_OK_AND_ASSIGN(SignedNotice by_impostor,
                       SignNotice(impostor, MakeReceipt("stockport-cs")));
  PublicIdentity relabelled = impostor.public_identity();
  relabelled.agency_id = "manchester-cs";
  auto verified = VerifyNotice(by_impostor, {relabelled});
  EXPECT_EQ(verified.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(NoticeSigningTest, OversizeNoticeIsRefusedBeforeParsing) {
  Notice notice = MakeNonDelivery("manchester-cs");
  notice.mutable_non_delivery()->set_detail(
      std::string(kMaxSignedNoticeBytes, 'x'));
  EXPECT_EQ(SignNotice(*signer_, notice).status().code(),
            absl::StatusCode::kInvalidArgument);

  SignedNotice oversize = SignOrDie(MakeReceipt("manchester-cs"));
  oversize.mutable_notice()->append(kMaxSignedNoticeBytes, '\0');
  EXPECT_EQ(PeekNotice(oversize).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(VerifyNotice(oversize, Keys()).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(NoticeSigningTest, GarbageBytesAreInvalidArgument) {
  SignedNotice garbage;
  garbage.set_notice(std::string("\xff\xff\xff\xff\x0f garbage", 13));
  EXPECT_EQ(PeekNotice(garbage).status().code(),
            absl::StatusCode::kInvalidArgument);
  // Signed garbage gets past the signature and fails the parse.
  ASSERT_OK_AND_ASSIGN(*garbage.mutable_signature(),
                       crypto::SignDetached(*signer_, kNoticeSignatureContext,
                                            garbage.notice()));
  garbage.set_signer_key_id(signer_->public_identity().sign_key_id());
  EXPECT_EQ(VerifyNotice(garbage, Keys()).status().code(),
            absl::StatusCode::kInvalidArgument);
  // A key id of the wrong length is malformed, not merely unknown.
  garbage.set_signer_key_id("short");
  EXPECT_EQ(VerifyNotice(garbage, Keys()).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// Signs `notice` bypassing SignNotice's checks, as a faulty peer might.
SignedNotice SignRaw(const SecretIdentity& signer, const Notice& notice) {
  SignedNotice out;
  out.set_notice(notice.SerializeAsString());
  auto signature =
      crypto::SignDetached(signer, kNoticeSignatureContext, out.notice());
  EXPECT_TRUE(signature.ok());
  out.set_signature(signature.ok() ? *signature : "");
  out.set_signer_key_id(signer.public_identity().sign_key_id());
  return out;
}

TEST_F(NoticeSigningTest, MalformedFieldsAreRefusedEvenWhenSigned) {
  struct Case {
    const char* what;
    void (*mutate)(Notice*);
  };
  const Case cases[] = {
      {"missing body", [](Notice* n) { n->clear_body(); }},
      {"short transfer id", [](Notice* n) { n->set_transfer_id("short"); }},
      {"missing issued_at", [](Notice* n) { n->clear_issued_at(); }},
      {"bad addressee", [](Notice* n) { n->set_addressee_id("Not An Id"); }},
      {"short ciphertext hash",
       [](Notice* n) { n->mutable_receipt()->set_ciphertext_hash("x"); }},
      {"unspecified reason",
       [](Notice* n) {
         n->mutable_non_delivery()->set_undelivered_recipient("a-b");
       }},
      {"bad undelivered recipient",
       [](Notice* n) {
         n->mutable_non_delivery()->set_reason(
             handover::v1::NON_DELIVERY_REASON_EXPIRED);
       }},
  };
  for (const Case& c : cases) {
    Notice notice = MakeReceipt("manchester-cs");
    c.mutate(&notice);
    EXPECT_EQ(SignNotice(*signer_, notice).status().code(),
              absl::StatusCode::kInvalidArgument)
        << c.what;
    const SignedNotice signed_notice = SignRaw(*signer_, notice);
    EXPECT_EQ(PeekNotice(signed_notice).status().code(),
              absl::StatusCode::kInvalidArgument)
        << c.what;
    EXPECT_EQ(VerifyNotice(signed_notice, Keys()).status().code(),
              absl::StatusCode::kInvalidArgument)
        << c.what;
  }
}

TEST_F(NoticeSigningTest, BadSignerIdIsRefusedEvenWhenSigned) {
  ASSERT_OK_AND_ASSIGN(SecretIdentity odd,
                       SecretIdentity::Generate("manchester-cs"));
  Notice notice = MakeReceipt("-bad-id");
  const SignedNotice signed_notice = SignRaw(odd, notice);
  EXPECT_EQ(PeekNotice(signed_notice).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace handover::notice

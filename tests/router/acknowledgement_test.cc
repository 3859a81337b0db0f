// Acknowledgements through SubmitNotice on the real RouterServer over mTLS:
// accepted once the recipient's node holds the envelope and pushed to the
// sender, refused (with the precise code) when anything about them is
// wrong, and queued once per (transfer, recipient).
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "crypto/signing.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "notice/notice_signing.h"
#include "router/router_server_fixture.h"
#include "status_matchers.h"

namespace handover::router {
namespace {

using handover::v1::Ack;
using handover::v1::SignedNotice;
using ::testing::HasSubstr;
using testing::kBirmingham;
using testing::kPolice;
using testing::kStockport;
using testing::MailboxClient;
using testing::Pushed;
using testing::SealedEnvelope;

class AcknowledgementTest : public testing::RouterServerTest {
 protected:
  SignedNotice Acknowledgement(const std::string& signer,
                               const SealedEnvelope& e,
                               const std::string& addressee,
                               const std::string& operator_id = "op-4711",
                               const std::string& alert_id = "") {
    handover::v1::Notice notice;
    notice.set_signer_id(signer);
    notice.set_addressee_id(addressee);
    notice.set_transfer_id(e.transfer_id);
    notice.mutable_issued_at()->set_seconds(absl::ToUnixSeconds(absl::Now()));
    handover::v1::Acknowledgement* ack = notice.mutable_acknowledgement();
    ack->set_ciphertext_hash(e.ciphertext_hash);
    ack->set_operator_id(operator_id);
    ack->mutable_acknowledged_at()->set_seconds(
        absl::ToUnixSeconds(absl::Now()));
    ack->set_alert_id(alert_id);
    return SignRaw(signer, notice);
  }
  // Signs `notice` as a node that skips SignNotice's checks would.
  SignedNotice SignRaw(const std::string& signer,
                       const handover::v1::Notice& notice) {
    SignedNotice signed_notice;
    notice.SerializeToString(signed_notice.mutable_notice());
    absl::StatusOr<std::string> signature = crypto::SignDetached(
        agencies_.Get(signer), notice::kNoticeSignatureContext,
        signed_notice.notice());
    EXPECT_TRUE(signature.ok()) << signature.status();
    signed_notice.set_signature(signature.value_or(""));
    signed_notice.set_signer_key_id(agencies_.Public(signer).sign_key_id());
    return signed_notice;
  }
  // Submits `e` from stockport-cs to `to` and has `to`'s node store it.
  void DeliverTo(const SealedEnvelope& e, const std::string& to) {
    ASSERT_TRUE(Submit(kStockport, e).ok());
    MailboxClient node(Stub(to), 8);
    std::optional<Pushed> pushed = node.NextEnvelope();
    ASSERT_TRUE(pushed.has_value());
    node.Ack(pushed->delivery_id, Ack::RESULT_STORED);
    ASSERT_TRUE(WaitForState(e, to, DeliveryState::kStoredAtNode));
  }
  grpc::StatusCode CodeOf(const std::string& caller, const SignedNotice& n) {
    return SubmitNotice(caller, n).error_code();
  }
};

TEST_F(AcknowledgementTest, AcceptedOnceStoredAndPushedToTheSender) {
  SealedEnvelope e = Seal(kStockport, {kBirmingham}, 100);
  DeliverTo(e, kBirmingham);
  const std::string alert = absl::StrCat("A-", crypto::ToHex(e.transfer_id));
  SignedNotice ack =
      Acknowledgement(kBirmingham, e, kStockport, "op 17", alert);
  grpc::Status s = SubmitNotice(kBirmingham, ack);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(StateOf(e, kBirmingham), DeliveryState::kStoredAtNode);

  MailboxClient stockport(Stub(kStockport), 8);
  uint64_t id = 0;
  handover::v1::Notice pushed = NextNotice(&stockport, kBirmingham, &id);
  EXPECT_EQ(pushed.signer_id(), kBirmingham);
  EXPECT_EQ(pushed.transfer_id(), e.transfer_id);
  ASSERT_TRUE(pushed.has_acknowledgement());
  EXPECT_EQ(pushed.acknowledgement().operator_id(), "op 17");
  EXPECT_EQ(pushed.acknowledgement().alert_id(), alert);
  EXPECT_EQ(pushed.acknowledgement().ciphertext_hash(), e.ciphertext_hash);
  stockport.Ack(id, Ack::RESULT_STORED);

  // After a receipt too; the receipt works as before.
  ASSERT_TRUE(
      SubmitNotice(kBirmingham, Receipt(kBirmingham, e, kStockport)).ok());
  EXPECT_EQ(StateOf(e, kBirmingham), DeliveryState::kReceipted);
  EXPECT_TRUE(SubmitNotice(kBirmingham, ack).ok());
  EXPECT_TRUE(NextNotice(&stockport, kBirmingham).has_receipt());
}

TEST_F(AcknowledgementTest, ADuplicateIsStoredOnce) {
  SealedEnvelope e = Seal(kStockport, {kBirmingham}, 100);
  DeliverTo(e, kBirmingham);
  SignedNotice ack = Acknowledgement(kBirmingham, e, kStockport);
  ASSERT_TRUE(SubmitNotice(kBirmingham, ack).ok());
  ASSERT_TRUE(SubmitNotice(kBirmingham, ack).ok());
  // A second one, signed afresh by another operator: one per recipient.
  ASSERT_TRUE(SubmitNotice(kBirmingham,
                           Acknowledgement(kBirmingham, e, kStockport, "op-2"))
                  .ok());

  MailboxClient stockport(Stub(kStockport), 8);
  EXPECT_EQ(NextNotice(&stockport, kBirmingham).acknowledgement().operator_id(),
            "op-4711");
  // The next item is one queued after all three submissions.
  SealedEnvelope marker = Seal(kPolice, {kStockport}, 100);
  ASSERT_TRUE(Submit(kPolice, marker).ok());
  std::optional<Pushed> next = stockport.NextEnvelope();
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->head.signed_header(), marker.head.signed_header());
}

TEST_F(AcknowledgementTest, NotBeforeTheRecipientHoldsIt) {
  SealedEnvelope e = Seal(kStockport, {kBirmingham}, 100);
  ASSERT_TRUE(Submit(kStockport, e).ok());
  SignedNotice ack = Acknowledgement(kBirmingham, e, kStockport);
  grpc::Status s = SubmitNotice(kBirmingham, ack);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("pending"));

  MailboxClient birmingham(Stub(kBirmingham), 8);
  std::optional<Pushed> pushed = birmingham.NextEnvelope();
  ASSERT_TRUE(pushed.has_value());
  EXPECT_EQ(CodeOf(kBirmingham, ack), grpc::StatusCode::FAILED_PRECONDITION);
  birmingham.Ack(pushed->delivery_id, Ack::RESULT_STORED);
  ASSERT_TRUE(WaitForState(e, kBirmingham, DeliveryState::kStoredAtNode));
  EXPECT_TRUE(SubmitNotice(kBirmingham, ack).ok());
}

TEST_F(AcknowledgementTest, EachWrongFieldHasItsCode) {
  SealedEnvelope e = Seal(kStockport, {kBirmingham}, 100);
  DeliverTo(e, kBirmingham);
  SealedEnvelope other = e;
  other.ciphertext_hash = std::string(32, 'x');
  EXPECT_EQ(
      CodeOf(kBirmingham, Acknowledgement(kBirmingham, other, kStockport)),
      grpc::StatusCode::INVALID_ARGUMENT);
  grpc::Status s =
      SubmitNotice(kBirmingham, Acknowledgement(kBirmingham, e, kPolice));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("not the transfer's sender"));
  // Signed by one agency, submitted by another.
  EXPECT_EQ(CodeOf(kBirmingham, Acknowledgement(kPolice, e, kStockport)),
            grpc::StatusCode::PERMISSION_DENIED);
  // Signed and submitted by an agency that is not a recipient.
  EXPECT_EQ(CodeOf(kPolice, Acknowledgement(kPolice, e, kStockport)),
            grpc::StatusCode::PERMISSION_DENIED);
  // A bad signature.
  SignedNotice forged = Acknowledgement(kBirmingham, e, kStockport);
  forged.mutable_signature()->at(0) ^= 1;
  EXPECT_EQ(CodeOf(kBirmingham, forged), grpc::StatusCode::UNAUTHENTICATED);
  // Operator and alert ids out of bounds.
  for (const std::string& op :
       {std::string(), std::string(65, 'o'), std::string("op\n1"),
        std::string("op\xc3\xa9")}) {
    EXPECT_EQ(
        CodeOf(kBirmingham, Acknowledgement(kBirmingham, e, kStockport, op)),
        grpc::StatusCode::INVALID_ARGUMENT)
        << op;
  }
  EXPECT_TRUE(
      SubmitNotice(kBirmingham, Acknowledgement(kBirmingham, e, kStockport,
                                                std::string(64, 'o')))
          .ok());
  EXPECT_EQ(CodeOf(kBirmingham,
                   Acknowledgement(kBirmingham, e, kStockport, "op", "A-123")),
            grpc::StatusCode::INVALID_ARGUMENT);
  // An unknown transfer.
  SealedEnvelope never = Seal(kStockport, {kBirmingham}, 100);
  EXPECT_EQ(
      CodeOf(kBirmingham, Acknowledgement(kBirmingham, never, kStockport)),
      grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace handover::router

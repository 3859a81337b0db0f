// NoticeHandler with real signed notices: receipts and non-delivery reports
// move the outbox forward, and nothing unverified or mismatched does.
#include "node/notice_handler.h"

#include <string>

#include "gtest/gtest.h"
#include "link_fixture.h"
#include "notice/notice_signing.h"
#include "status_matchers.h"

namespace handover::node {
namespace {

using testing::kOtherId;
using testing::kSenderId;
namespace v1 = handover::v1;

// Here "us" sent a transfer to stockport-cs and bham-cs.
class NoticeHandlerTest : public testing::LinkFixture {
 protected:
  void SetUp() override {
    LinkFixture::SetUp();
    OutboxTransfer t;
    t.transfer_id = std::string(16, '\x42');
    t.client_name = "cms";
    t.idempotency_key = "k";
    t.recipients = {kSenderId, kOtherId};
    t.created_at = clock_.Now();
    t.expires_at = clock_.Now() + absl::Hours(24);
    t.envelope_path = "/outbox/x";
    t.envelope_size = 10;
    t.ciphertext_hash = std::string(32, 'h');
    ASSERT_OK(store_->InsertOutbox(t).status());
    ASSERT_OK(store_
                  ->UpdateAllDeliveries(
                      t.transfer_id,
                      {v1::DELIVERY_STATE_AT_ROUTER, "", clock_.Now(), "", ""})
                  .status());
    transfer_ = t;
  }

  RecipientDelivery StateOf(const std::string& recipient) {
    auto record = store_->GetTransfer(transfer_.transfer_id);
    for (const RecipientDelivery& r : (*record)->recipients) {
      if (r.agency_id == recipient) return r;
    }
    ADD_FAILURE();
    return {};
  }

  v1::Ack Apply(const v1::SignedNotice& notice) {
    NoticeHandler handler(context_);
    AckOrLocalFailure ack = handler.Apply(notice);
    EXPECT_TRUE(ack.ok()) << ack.status();
    return ack.ok() ? *ack : v1::Ack();
  }

  OutboxTransfer transfer_;
};

TEST_F(NoticeHandlerTest, AVerifiedReceiptMarksThatRecipientDelivered) {
  v1::SignedNotice receipt =
      Receipt(sender_, transfer_.transfer_id, transfer_.ciphertext_hash);
  EXPECT_EQ(Apply(receipt).result(), v1::Ack::RESULT_STORED);
  RecipientDelivery delivered = StateOf(kSenderId);
  EXPECT_EQ(delivered.state, v1::DELIVERY_STATE_DELIVERED);
  EXPECT_EQ(delivered.receipt, receipt.SerializeAsString());
  EXPECT_EQ(StateOf(kOtherId).state, v1::DELIVERY_STATE_AT_ROUTER);
  // The same receipt again is fine and changes nothing.
  EXPECT_EQ(Apply(receipt).result(), v1::Ack::RESULT_STORED);
}

TEST_F(NoticeHandlerTest, ALateReportNeverUndoesADelivery) {
  ASSERT_EQ(
      Apply(Receipt(sender_, transfer_.transfer_id, transfer_.ciphertext_hash))
          .result(),
      v1::Ack::RESULT_STORED);
  EXPECT_EQ(Apply(Report(router_, transfer_.transfer_id, kSenderId,
                         v1::NON_DELIVERY_REASON_EXPIRED))
                .result(),
            v1::Ack::RESULT_STORED);
  EXPECT_EQ(StateOf(kSenderId).state, v1::DELIVERY_STATE_DELIVERED);
}

TEST_F(NoticeHandlerTest, RouterReportsExpiryAndFailure) {
  v1::SignedNotice expired = Report(router_, transfer_.transfer_id, kSenderId,
                                    v1::NON_DELIVERY_REASON_EXPIRED);
  EXPECT_EQ(Apply(expired).result(), v1::Ack::RESULT_STORED);
  RecipientDelivery s = StateOf(kSenderId);
  EXPECT_EQ(s.state, v1::DELIVERY_STATE_EXPIRED);
  EXPECT_EQ(s.reason, "recipient offline until expiry");
  EXPECT_EQ(s.report, expired.SerializeAsString());

  EXPECT_EQ(Apply(Report(router_, transfer_.transfer_id, kOtherId,
                         v1::NON_DELIVERY_REASON_RECIPIENT_REVOKED))
                .result(),
            v1::Ack::RESULT_STORED);
  EXPECT_EQ(StateOf(kOtherId).state, v1::DELIVERY_STATE_FAILED);
}

TEST_F(NoticeHandlerTest, RefusesAReportNotSignedByTheRouter) {
  v1::Ack ack = Apply(Report(other_, transfer_.transfer_id, kSenderId,
                             v1::NON_DELIVERY_REASON_EXPIRED));
  EXPECT_EQ(ack.result(), v1::Ack::RESULT_REJECTED);
  EXPECT_EQ(ack.reason(), "non-delivery report is not signed by the router");
  EXPECT_EQ(StateOf(kSenderId).state, v1::DELIVERY_STATE_AT_ROUTER);
}

TEST_F(NoticeHandlerTest, RefusesABadSignature) {
  v1::SignedNotice receipt =
      Receipt(sender_, transfer_.transfer_id, transfer_.ciphertext_hash);
  receipt.mutable_signature()->at(3) ^= 1;
  v1::Ack ack = Apply(receipt);
  EXPECT_EQ(ack.result(), v1::Ack::RESULT_REJECTED);
  EXPECT_EQ(ack.reason(), "notice signature does not verify");
  EXPECT_EQ(StateOf(kSenderId).state, v1::DELIVERY_STATE_AT_ROUTER);
}

TEST_F(NoticeHandlerTest, RefusesAReceiptSignedByAnImpostor) {
  crypto::SecretIdentity impostor =
      *crypto::SecretIdentity::Generate(kSenderId);
  EXPECT_EQ(
      Apply(Receipt(impostor, transfer_.transfer_id, transfer_.ciphertext_hash))
          .result(),
      v1::Ack::RESULT_REJECTED);
  EXPECT_EQ(StateOf(kSenderId).state, v1::DELIVERY_STATE_AT_ROUTER);
}

TEST_F(NoticeHandlerTest, RefusesMismatchedReceipts) {
  v1::Ack wrong_hash =
      Apply(Receipt(sender_, transfer_.transfer_id, std::string(32, 'z')));
  EXPECT_EQ(wrong_hash.result(), v1::Ack::RESULT_REJECTED);
  EXPECT_EQ(wrong_hash.reason(), "receipt names other ciphertext");

  // A valid agency that is not a recipient of this transfer.
  v1::Ack not_recipient =
      Apply(Receipt(router_, transfer_.transfer_id, transfer_.ciphertext_hash));
  EXPECT_EQ(not_recipient.result(), v1::Ack::RESULT_REJECTED);
  EXPECT_EQ(not_recipient.reason(),
            "receipt is not from a recipient of the transfer");

  v1::Ack unknown = Apply(
      Receipt(sender_, std::string(16, '\x01'), transfer_.ciphertext_hash));
  EXPECT_EQ(unknown.result(), v1::Ack::RESULT_REJECTED);
  EXPECT_EQ(unknown.reason(),
            "notice is for a transfer this agency did not send");
  EXPECT_EQ(StateOf(kSenderId).state, v1::DELIVERY_STATE_AT_ROUTER);
}

TEST_F(NoticeHandlerTest, RefusesANoticeForAnotherAgency) {
  v1::Notice notice;
  notice.set_signer_id(kSenderId);
  notice.set_addressee_id(kOtherId);
  notice.set_transfer_id(transfer_.transfer_id);
  *notice.mutable_issued_at() = ToTimestamp(clock_.Now());
  notice.mutable_receipt()->set_ciphertext_hash(transfer_.ciphertext_hash);
  *notice.mutable_receipt()->mutable_stored_at() = ToTimestamp(clock_.Now());
  auto signed_notice = handover::notice::SignNotice(sender_, notice);
  ASSERT_TRUE(signed_notice.ok()) << signed_notice.status();
  v1::Ack ack = Apply(*signed_notice);
  EXPECT_EQ(ack.result(), v1::Ack::RESULT_REJECTED);
  EXPECT_EQ(ack.reason(), "notice is not addressed to this agency");
}

}  // namespace
}  // namespace handover::node

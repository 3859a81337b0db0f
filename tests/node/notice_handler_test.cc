// NoticeHandler with real signed notices: receipts and non-delivery reports
// move the outbox forward, and nothing unverified or mismatched does.
#include "node/notice_handler.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "deliverylog/delivery_proof.h"
#include "deliverylog/event_recorder.h"
#include "deliverylog/sqlite_delivery_log.h"
#include "deliverylog/unwritable_log.h"
#include "gtest/gtest.h"
#include "link_fixture.h"
#include "notice/notice_signing.h"
#include "status_matchers.h"

namespace handover::node {
namespace {

using testing::CopyOf;
using testing::kOtherId;
using testing::kRouterId;
using testing::kSenderId;
using testing::kUsId;
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

// ---- Our delivery log, and the recipient's proofs ----

// Our log (we sent the transfer) behind context_.log and context_.events,
// and stockport-cs's own log, from which its receipts carry their proofs.
class NoticeHandlerLogTest : public NoticeHandlerTest {
 protected:
  void SetUp() override {
    NoticeHandlerTest::SetUp();
    ASSERT_OK_AND_ASSIGN(
        log_, OpenLog("log.db", kUsId,
                      std::make_shared<crypto::SecretIdentity>(CopyOf(us_))));
    events_ = std::make_unique<deliverylog::EventRecorder>(log_.get());
    context_.log = log_.get();
    context_.events = events_.get();

    ASSERT_OK_AND_ASSIGN(
        recipient_log_,
        OpenLog("stockport-log.db", kSenderId,
                std::make_shared<crypto::SecretIdentity>(CopyOf(sender_))));
    // Earlier events in the recipient's log, so a proof has hashes.
    for (int i = 0; i < 3; ++i) {
      ASSERT_OK(recipient_log_
                    ->Append(deliverylog::LogEvent(v1::LOG_EVENT_KIND_QUEUED)
                                 .Sender(kSenderId)
                                 .entry())
                    .status());
    }
  }

  absl::StatusOr<std::unique_ptr<deliverylog::SqliteDeliveryLog>> OpenLog(
      const std::string& file, const std::string& log_id,
      std::shared_ptr<const crypto::SecretIdentity> signer) {
    deliverylog::SqliteDeliveryLogOptions options;
    options.path = absl::StrCat(dir_.path(), "/", file);
    options.log_id = log_id;
    options.signer = std::move(signer);
    options.clock = &clock_;
    return deliverylog::SqliteDeliveryLog::Open(options);
  }

  // stockport-cs's receipt as its node sends it: DELIVERED in its log, and
  // the entry, a head and the proof in the receipt. `bend` may change the
  // receipt before it is signed by `signer`.
  v1::SignedNotice ProvenReceipt(
      const crypto::SecretIdentity& signer,
      const std::function<void(v1::DeliveryReceipt&)>& bend = nullptr) {
    deliverylog::LogEvent delivered(v1::LOG_EVENT_KIND_DELIVERED);
    delivered.Transfer(transfer_.transfer_id)
        .Sender(kUsId)
        .Recipient(kSenderId)
        .Size(transfer_.envelope_size)
        .EnvelopeHash(transfer_.ciphertext_hash)
        .Actor("router")
        .Time(clock_.Now());
    absl::StatusOr<uint64_t> index = recipient_log_->Append(delivered.entry());
    EXPECT_TRUE(index.ok()) << index.status();
    v1::LogEntry entry = delivered.entry();
    entry.set_index(index.value_or(0));

    v1::Notice notice;
    notice.set_signer_id(signer.agency_id());
    notice.set_addressee_id(kUsId);
    notice.set_transfer_id(transfer_.transfer_id);
    *notice.mutable_issued_at() = ToTimestamp(clock_.Now());
    v1::DeliveryReceipt* receipt = notice.mutable_receipt();
    receipt->set_ciphertext_hash(transfer_.ciphertext_hash);
    *receipt->mutable_stored_at() = ToTimestamp(clock_.Now());
    EXPECT_OK(
        deliverylog::AttachDeliveryProof(*recipient_log_, entry, receipt));
    if (bend) bend(*receipt);
    auto signed_notice = notice::SignNotice(signer, notice);
    EXPECT_TRUE(signed_notice.ok()) << signed_notice.status();
    return signed_notice.ok() ? *signed_notice : v1::SignedNotice();
  }

  v1::SignedNotice Acknowledgement(const crypto::SecretIdentity& signer,
                                   const std::string& operator_id,
                                   const std::string& alert_id) {
    v1::Notice notice;
    notice.set_signer_id(signer.agency_id());
    notice.set_addressee_id(kUsId);
    notice.set_transfer_id(transfer_.transfer_id);
    *notice.mutable_issued_at() = ToTimestamp(clock_.Now());
    v1::Acknowledgement* ack = notice.mutable_acknowledgement();
    ack->set_ciphertext_hash(transfer_.ciphertext_hash);
    ack->set_operator_id(operator_id);
    *ack->mutable_acknowledged_at() = ToTimestamp(clock_.Now());
    ack->set_alert_id(alert_id);
    auto signed_notice = notice::SignNotice(signer, notice);
    EXPECT_TRUE(signed_notice.ok()) << signed_notice.status();
    return signed_notice.ok() ? *signed_notice : v1::SignedNotice();
  }

  // Our log's entries of one kind.
  std::vector<v1::LogEntry> Logged(v1::LogEventKind kind) {
    deliverylog::LogQuery q;
    q.events = {kind};
    q.limit = deliverylog::kMaxPageSize;
    auto page = log_->Query(q);
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? page->entries : std::vector<v1::LogEntry>{};
  }
  uint64_t LogSize() {
    auto size = log_->Size();
    EXPECT_TRUE(size.ok()) << size.status();
    return size.value_or(~uint64_t{0});
  }

  std::unique_ptr<deliverylog::SqliteDeliveryLog> log_;
  std::unique_ptr<deliverylog::EventRecorder> events_;
  std::unique_ptr<deliverylog::SqliteDeliveryLog> recipient_log_;
};

TEST_F(NoticeHandlerLogTest, AReceiptWithAValidProofIsRecordedAsProven) {
  v1::SignedNotice receipt = ProvenReceipt(sender_);
  EXPECT_EQ(Apply(receipt).result(), v1::Ack::RESULT_STORED);
  RecipientDelivery delivered = StateOf(kSenderId);
  EXPECT_EQ(delivered.state, v1::DELIVERY_STATE_DELIVERED);
  EXPECT_EQ(delivered.receipt, receipt.SerializeAsString());

  std::vector<v1::LogEntry> verified =
      Logged(v1::LOG_EVENT_KIND_RECEIPT_VERIFIED);
  ASSERT_EQ(verified.size(), 1u);
  const v1::LogEntry& e = verified[0];
  EXPECT_EQ(e.transfer_id(), transfer_.transfer_id);
  EXPECT_EQ(e.sender(), kUsId);
  EXPECT_EQ(e.recipient(), kSenderId);
  EXPECT_EQ(e.size(), transfer_.envelope_size);
  EXPECT_EQ(e.envelope_hash(), transfer_.ciphertext_hash);
  EXPECT_EQ(e.actor(), kSenderId);
  EXPECT_TRUE(absl::StartsWith(
      e.detail(),
      "signature verified; delivery proven in stockport-cs's log: entry 3 of "
      "a tree of 4 signed at "))
      << e.detail();
  EXPECT_EQ(LogSize(), 1u);
  EXPECT_EQ(events_->failures(), 0u);
}

TEST_F(NoticeHandlerLogTest, AReceiptWithoutProofIsRecordedAsCarryingNone) {
  EXPECT_EQ(
      Apply(Receipt(sender_, transfer_.transfer_id, transfer_.ciphertext_hash))
          .result(),
      v1::Ack::RESULT_STORED);
  EXPECT_EQ(StateOf(kSenderId).state, v1::DELIVERY_STATE_DELIVERED);
  std::vector<v1::LogEntry> verified =
      Logged(v1::LOG_EVENT_KIND_RECEIPT_VERIFIED);
  ASSERT_EQ(verified.size(), 1u);
  EXPECT_EQ(verified[0].detail(),
            "signature verified; the receipt carries no log proof");
  EXPECT_EQ(verified[0].recipient(), kSenderId);
}

TEST_F(NoticeHandlerLogTest, AReceiptWithACorruptedProofIsAppliedAndFlagged) {
  v1::SignedNotice receipt = ProvenReceipt(sender_, [](v1::DeliveryReceipt& r) {
    ASSERT_GT(r.log_inclusion().hashes_size(), 0);
    (*r.mutable_log_inclusion()->mutable_hashes(0))[0] ^= 1;
  });
  EXPECT_EQ(Apply(receipt).result(), v1::Ack::RESULT_STORED);
  // The signed receipt stands: the delivery is applied.
  RecipientDelivery delivered = StateOf(kSenderId);
  EXPECT_EQ(delivered.state, v1::DELIVERY_STATE_DELIVERED);
  EXPECT_EQ(delivered.receipt, receipt.SerializeAsString());
  std::vector<v1::LogEntry> verified =
      Logged(v1::LOG_EVENT_KIND_RECEIPT_VERIFIED);
  ASSERT_EQ(verified.size(), 1u);
  EXPECT_TRUE(absl::StartsWith(verified[0].detail(),
                               "signature verified; its log proof does NOT: "))
      << verified[0].detail();
  EXPECT_FALSE(absl::StrContains(verified[0].detail(), "proven"))
      << verified[0].detail();
}

TEST_F(NoticeHandlerLogTest, AProofOfAnotherRecipientsDeliveryIsFlagged) {
  // bham-cs signs a receipt carrying stockport-cs's genuine proof.
  v1::SignedNotice stockport = ProvenReceipt(sender_);
  v1::SignedNotice replayed = ProvenReceipt(other_);
  v1::Notice original;
  ASSERT_TRUE(original.ParseFromString(stockport.notice()));
  v1::Notice bham;
  ASSERT_TRUE(bham.ParseFromString(replayed.notice()));
  *bham.mutable_receipt() = original.receipt();
  ASSERT_OK_AND_ASSIGN(v1::SignedNotice signed_bham,
                       notice::SignNotice(other_, bham));

  EXPECT_EQ(Apply(signed_bham).result(), v1::Ack::RESULT_STORED);
  EXPECT_EQ(StateOf(kOtherId).state, v1::DELIVERY_STATE_DELIVERED);
  std::vector<v1::LogEntry> verified =
      Logged(v1::LOG_EVENT_KIND_RECEIPT_VERIFIED);
  ASSERT_EQ(verified.size(), 1u);
  EXPECT_EQ(verified[0].recipient(), kOtherId);
  EXPECT_TRUE(absl::StrContains(verified[0].detail(), "does NOT"))
      << verified[0].detail();
}

TEST_F(NoticeHandlerLogTest, TheSameReceiptTwiceIsRecordedOnce) {
  v1::SignedNotice receipt = ProvenReceipt(sender_);
  EXPECT_EQ(Apply(receipt).result(), v1::Ack::RESULT_STORED);
  EXPECT_EQ(Apply(receipt).result(), v1::Ack::RESULT_STORED);
  EXPECT_EQ(Logged(v1::LOG_EVENT_KIND_RECEIPT_VERIFIED).size(), 1u);
  EXPECT_EQ(LogSize(), 1u);
}

TEST_F(NoticeHandlerLogTest, ARefusedNoticeRecordsNothing) {
  v1::SignedNotice receipt = ProvenReceipt(sender_);
  receipt.mutable_signature()->at(3) ^= 1;
  EXPECT_EQ(Apply(receipt).result(), v1::Ack::RESULT_REJECTED);
  EXPECT_EQ(Apply(Receipt(sender_, transfer_.transfer_id, std::string(32, 'z')))
                .result(),
            v1::Ack::RESULT_REJECTED);
  EXPECT_EQ(Apply(Report(other_, transfer_.transfer_id, kSenderId,
                         v1::NON_DELIVERY_REASON_EXPIRED))
                .result(),
            v1::Ack::RESULT_REJECTED);
  EXPECT_EQ(LogSize(), 0u);
}

TEST_F(NoticeHandlerLogTest, ReportsAreRecordedAsExpiredOrFailed) {
  EXPECT_EQ(Apply(Report(router_, transfer_.transfer_id, kSenderId,
                         v1::NON_DELIVERY_REASON_EXPIRED))
                .result(),
            v1::Ack::RESULT_STORED);
  EXPECT_EQ(Apply(Report(router_, transfer_.transfer_id, kOtherId,
                         v1::NON_DELIVERY_REASON_RECIPIENT_REVOKED))
                .result(),
            v1::Ack::RESULT_STORED);

  std::vector<v1::LogEntry> expired = Logged(v1::LOG_EVENT_KIND_EXPIRED);
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_EQ(expired[0].transfer_id(), transfer_.transfer_id);
  EXPECT_EQ(expired[0].sender(), kUsId);
  EXPECT_EQ(expired[0].recipient(), kSenderId);
  EXPECT_EQ(expired[0].envelope_hash(), transfer_.ciphertext_hash);
  EXPECT_EQ(expired[0].actor(), kRouterId);
  EXPECT_EQ(expired[0].detail(), "recipient offline until expiry");

  std::vector<v1::LogEntry> failed = Logged(v1::LOG_EVENT_KIND_FAILED);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].recipient(), kOtherId);
  EXPECT_EQ(failed[0].actor(), kRouterId);
  EXPECT_EQ(LogSize(), 2u);
}

TEST_F(NoticeHandlerLogTest, AWithdrawalIsRecordedAsSuperseded) {
  EXPECT_EQ(Apply(Report(router_, transfer_.transfer_id, kOtherId,
                         v1::NON_DELIVERY_REASON_WITHDRAWN))
                .result(),
            v1::Ack::RESULT_STORED);
  EXPECT_EQ(StateOf(kOtherId).state, v1::DELIVERY_STATE_WITHDRAWN);
  std::vector<v1::LogEntry> superseded = Logged(v1::LOG_EVENT_KIND_SUPERSEDED);
  ASSERT_EQ(superseded.size(), 1u);
  EXPECT_EQ(superseded[0].recipient(), kOtherId);
  EXPECT_EQ(LogSize(), 1u);
}

TEST_F(NoticeHandlerLogTest, ALateReportRecordsNothing) {
  ASSERT_EQ(Apply(ProvenReceipt(sender_)).result(), v1::Ack::RESULT_STORED);
  ASSERT_EQ(LogSize(), 1u);
  EXPECT_EQ(Apply(Report(router_, transfer_.transfer_id, kSenderId,
                         v1::NON_DELIVERY_REASON_EXPIRED))
                .result(),
            v1::Ack::RESULT_STORED);
  EXPECT_TRUE(Logged(v1::LOG_EVENT_KIND_EXPIRED).empty());
  EXPECT_EQ(LogSize(), 1u);
}

TEST_F(NoticeHandlerLogTest, AnAcknowledgementIsRecordedOnce) {
  const std::string alert = "A-" + std::string(32, 'f');
  v1::SignedNotice ack = Acknowledgement(sender_, "CR-1234", alert);
  EXPECT_EQ(Apply(ack).result(), v1::Ack::RESULT_STORED);
  EXPECT_EQ(Apply(ack).result(), v1::Ack::RESULT_STORED);
  EXPECT_EQ(Apply(Acknowledgement(other_, "desk 7", "")).result(),
            v1::Ack::RESULT_STORED);

  std::vector<v1::LogEntry> acks =
      Logged(v1::LOG_EVENT_KIND_ACKNOWLEDGEMENT_VERIFIED);
  ASSERT_EQ(acks.size(), 2u);
  EXPECT_EQ(acks[0].transfer_id(), transfer_.transfer_id);
  EXPECT_EQ(acks[0].sender(), kUsId);
  EXPECT_EQ(acks[0].recipient(), kSenderId);
  EXPECT_EQ(acks[0].envelope_hash(), transfer_.ciphertext_hash);
  EXPECT_EQ(acks[0].actor(), "CR-1234");
  EXPECT_EQ(acks[0].detail(), absl::StrCat("alert ", alert, " acknowledged"));
  EXPECT_EQ(acks[1].recipient(), kOtherId);
  EXPECT_EQ(acks[1].actor(), "desk 7");
  EXPECT_EQ(acks[1].detail(), "acknowledged");
  EXPECT_EQ(LogSize(), 2u);
}

TEST_F(NoticeHandlerLogTest, AHostileAlertIdIsRecordedAsOneLine) {
  // The alert id is the recipient's text; the log keeps it to one line.
  EXPECT_EQ(Apply(Acknowledgement(sender_, "CR-1",
                                  "A-1\nDELIVERED to everyone\x1b[0m"))
                .result(),
            v1::Ack::RESULT_STORED);
  std::vector<v1::LogEntry> acks =
      Logged(v1::LOG_EVENT_KIND_ACKNOWLEDGEMENT_VERIFIED);
  ASSERT_EQ(acks.size(), 1u);
  EXPECT_EQ(acks[0].detail(),
            "alert A-1?DELIVERED to everyone?[0m acknowledged");
  EXPECT_EQ(events_->failures(), 0u);
}

TEST_F(NoticeHandlerLogTest, AnUnwritableLogNeverRefusesANotice) {
  deliverylog::testing::UnwritableLog broken;
  deliverylog::EventRecorder events(&broken);
  context_.log = &broken;
  context_.events = &events;
  EXPECT_EQ(Apply(ProvenReceipt(sender_)).result(), v1::Ack::RESULT_STORED);
  EXPECT_EQ(StateOf(kSenderId).state, v1::DELIVERY_STATE_DELIVERED);
  EXPECT_EQ(Apply(Report(router_, transfer_.transfer_id, kOtherId,
                         v1::NON_DELIVERY_REASON_EXPIRED))
                .result(),
            v1::Ack::RESULT_STORED);
  EXPECT_EQ(StateOf(kOtherId).state, v1::DELIVERY_STATE_EXPIRED);
  EXPECT_EQ(events.failures(), 2u);
}

}  // namespace
}  // namespace handover::node

// Delivery across the real network: router and three nodes on loopback, real
// TLS, real SQLite. A transfer reaches every recipient with a receipt the
// sender can verify; an offline recipient gets it when it comes back; an
// undeliverable transfer expires into the router's signed report; and an
// idempotency key never sends twice.
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "harness/network_test.h"

namespace handover::integration {
namespace {

namespace v1 = handover::v1;

using DeliveryTest = NetworkTest;

TEST_F(DeliveryTest, DeliversToEveryRecipientWithVerifiedReceipts) {
  ASSERT_NO_FATAL_FAILURE(StartNetwork());
  const std::string attachment = Scratch("care-plan.pdf");
  ASSERT_OK(WriteTestFile(attachment, 300 * 1024 + 7, 1));

  SubmitRequest request;
  request.idempotency_key = "delivery-1";
  request.recipients = {kBirmingham, kPolice};
  request.bundle = MinimalBundle("REF-DELIVERY-1");
  request.attachments = {{attachment, "care-plan.pdf", "application/pdf"}};
  auto sender = net().Client(kStockport, Role::kSubmitter);
  ASSERT_OK_AND_ASSIGN(v1::SubmitTransferResponse submitted,
                       sender->Submit(request));
  const std::string id = submitted.transfer_id();
  EXPECT_FALSE(submitted.duplicate());
  ASSERT_EQ(id.size(), 32u) << id;
  ASSERT_OK_AND_ASSIGN(const std::string raw_id, FromHex(id));

  ASSERT_OK_AND_ASSIGN(
      v1::TransferStatusResponse status,
      sender->WaitForState(id, v1::DELIVERY_STATE_DELIVERED, Wait()));
  ASSERT_EQ(status.recipients_size(), 2);
  std::string ciphertext_hash;
  for (const v1::RecipientStatus& r : status.recipients()) {
    SCOPED_TRACE(r.agency_id());
    EXPECT_EQ(r.state(), v1::DELIVERY_STATE_DELIVERED);
    ASSERT_TRUE(r.has_receipt());
    // The receipt is signed by the recipient with its directory key.
    ASSERT_OK_AND_ASSIGN(v1::Notice notice,
                         net().VerifyNoticeFrom(r.receipt(), r.agency_id()));
    ASSERT_TRUE(notice.has_receipt());
    EXPECT_EQ(notice.addressee_id(), kStockport);
    EXPECT_EQ(notice.transfer_id(), raw_id);
    EXPECT_EQ(notice.receipt().ciphertext_hash().size(), 32u);
    if (ciphertext_hash.empty())
      ciphertext_hash = notice.receipt().ciphertext_hash();
    // Both recipients hold the same envelope bytes.
    EXPECT_EQ(notice.receipt().ciphertext_hash(), ciphertext_hash);
    // A receipt with a changed byte does not verify, nor as someone else's.
    v1::SignedNotice forged = r.receipt();
    forged.mutable_signature()->at(0) ^= 1;
    EXPECT_FALSE(net().VerifyNoticeFrom(forged, r.agency_id()).ok());
    EXPECT_FALSE(net().VerifyNoticeFrom(r.receipt(), kStockport).ok());
  }
  std::set<std::string> recipients;
  for (const auto& r : status.recipients()) recipients.insert(r.agency_id());
  EXPECT_EQ(recipients, (std::set<std::string>{kBirmingham, kPolice}));

  ASSERT_OK_AND_ASSIGN(const std::string sent_hash, Sha256OfFile(attachment));
  for (const char* recipient : {kBirmingham, kPolice}) {
    SCOPED_TRACE(recipient);
    auto reader = net().Client(recipient, Role::kReceiver);
    ASSERT_OK_AND_ASSIGN(std::vector<v1::InboxEntry> inbox,
                         reader->ListInbox());
    ASSERT_EQ(inbox.size(), 1u);
    EXPECT_EQ(inbox[0].transfer_id(), id);
    EXPECT_EQ(inbox[0].sender_id(), kStockport);
    ASSERT_OK_AND_ASSIGN(
        FetchedTransfer fetched,
        reader->Fetch(id, Scratch(std::string("fetched-") + recipient)));
    EXPECT_TRUE(fetched.ended);
    EXPECT_EQ(fetched.header.sender_id(), kStockport);
    EXPECT_EQ(fetched.header.transfer_id(), id);
    EXPECT_EQ(fetched.header.bundle().metadata().sender_reference(),
              "REF-DELIVERY-1");
    ASSERT_EQ(fetched.header.attachments_size(), 1);
    EXPECT_EQ(fetched.header.attachments(0).name(), "care-plan.pdf");
    EXPECT_EQ(fetched.header.attachments(0).size(), 300u * 1024 + 7);
    ASSERT_EQ(fetched.attachment_paths.size(), 1u);
    ASSERT_OK_AND_ASSIGN(const std::string got_hash,
                         Sha256OfFile(fetched.attachment_paths[0]));
    EXPECT_EQ(got_hash, sent_hash);
  }
  // The sender is not a recipient: nothing in its own inbox.
  ASSERT_OK_AND_ASSIGN(std::vector<v1::InboxEntry> own,
                       net().Client(kStockport, Role::kReceiver)->ListInbox());
  EXPECT_TRUE(own.empty());
}

TEST_F(DeliveryTest, OfflineRecipientGetsTheTransferWhenItComesOnline) {
  ASSERT_NO_FATAL_FAILURE(StartNetwork());
  ASSERT_OK(net().StopNode(kBirmingham));

  ASSERT_OK_AND_ASSIGN(const std::string id,
                       Send(kStockport, {kBirmingham}, "REF-OFFLINE"));
  auto sender = net().Client(kStockport, Role::kSubmitter);
  // Stored by the router, which cannot deliver it yet.
  ASSERT_OK_AND_ASSIGN(
      v1::TransferStatusResponse status,
      sender->WaitForState(id, v1::DELIVERY_STATE_AT_ROUTER, Wait()));
  ASSERT_EQ(status.recipients_size(), 1);
  EXPECT_EQ(status.recipients(0).state(), v1::DELIVERY_STATE_AT_ROUTER);

  ASSERT_OK(net().StartNode(kBirmingham));
  ASSERT_OK_AND_ASSIGN(
      status, sender->WaitForState(id, v1::DELIVERY_STATE_DELIVERED, Wait()));
  ASSERT_TRUE(status.recipients(0).has_receipt());
  EXPECT_OK(net()
                .VerifyNoticeFrom(status.recipients(0).receipt(), kBirmingham)
                .status());
  EXPECT_EQ(InboxCount(kBirmingham, id), 1);
  ASSERT_OK_AND_ASSIGN(FetchedTransfer fetched,
                       net()
                           .Client(kBirmingham, Role::kReceiver)
                           ->Fetch(id, Scratch("fetched")));
  EXPECT_TRUE(fetched.ended);
  EXPECT_EQ(fetched.header.bundle().metadata().sender_reference(),
            "REF-OFFLINE");
}

TEST_F(DeliveryTest, ExpiryBecomesSignedNonDeliveryReport) {
  ASSERT_NO_FATAL_FAILURE(StartNetwork());
  ASSERT_OK(net().StopNode(kBirmingham));

  ASSERT_OK_AND_ASSIGN(
      const std::string id,
      Send(kStockport, {kBirmingham}, "REF-EXPIRES", {}, /*ttl=*/2));
  ASSERT_OK_AND_ASSIGN(const std::string raw_id, FromHex(id));
  auto sender = net().Client(kStockport, Role::kSubmitter);
  ASSERT_OK_AND_ASSIGN(
      v1::TransferStatusResponse status,
      sender->WaitForState(id, v1::DELIVERY_STATE_EXPIRED, Wait()));
  ASSERT_EQ(status.recipients_size(), 1);
  const v1::RecipientStatus& r = status.recipients(0);
  EXPECT_EQ(r.agency_id(), kBirmingham);
  EXPECT_EQ(r.state(), v1::DELIVERY_STATE_EXPIRED);
  EXPECT_FALSE(r.reason().empty());
  ASSERT_TRUE(r.has_report()) << "no non-delivery report from the router";
  ASSERT_OK_AND_ASSIGN(v1::Notice report,
                       net().VerifyNoticeFrom(r.report(), kRouterId));
  ASSERT_TRUE(report.has_non_delivery());
  EXPECT_EQ(report.non_delivery().reason(), v1::NON_DELIVERY_REASON_EXPIRED);
  EXPECT_EQ(report.non_delivery().undelivered_recipient(), kBirmingham);
  EXPECT_EQ(report.addressee_id(), kStockport);
  EXPECT_EQ(report.transfer_id(), raw_id);

  // The recipient comes back too late: nothing arrives, and the state stays.
  ASSERT_OK(net().StartNode(kBirmingham));
  absl::SleepFor(Scaled(absl::Seconds(1)));
  EXPECT_EQ(InboxCount(kBirmingham, id), 0);
  ASSERT_OK_AND_ASSIGN(status, sender->Status(id));
  EXPECT_EQ(status.state(), v1::DELIVERY_STATE_EXPIRED);
}

TEST_F(DeliveryTest, DuplicateIdempotencyKeyReturnsSameIdAndDeliversOnce) {
  ASSERT_NO_FATAL_FAILURE(StartNetwork());
  SubmitRequest request;
  request.idempotency_key = "case-system/STK-000123/1";
  request.recipients = {kBirmingham};
  request.bundle = MinimalBundle("REF-IDEMPOTENT");
  auto sender = net().Client(kStockport, Role::kSubmitter);
  ASSERT_OK_AND_ASSIGN(v1::SubmitTransferResponse first,
                       sender->Submit(request));
  EXPECT_FALSE(first.duplicate());
  ASSERT_OK_AND_ASSIGN(v1::SubmitTransferResponse second,
                       sender->Submit(request));
  EXPECT_TRUE(second.duplicate());
  EXPECT_EQ(second.transfer_id(), first.transfer_id());

  // The same key sent by several connections at once: one transfer.
  SubmitRequest racing = request;
  racing.idempotency_key = "case-system/STK-000123/2";
  constexpr int kRacers = 4;
  std::vector<absl::StatusOr<v1::SubmitTransferResponse>> results(
      kRacers, absl::UnknownError("not run"));
  std::vector<std::unique_ptr<NodeClient>> clients;
  for (int i = 0; i < kRacers; ++i) {
    clients.push_back(net().Client(kStockport, Role::kSubmitter));
  }
  std::vector<std::thread> threads;
  for (int i = 0; i < kRacers; ++i) {
    threads.emplace_back([&, i] { results[i] = clients[i]->Submit(racing); });
  }
  for (std::thread& t : threads) t.join();
  int originals = 0;
  for (const auto& result : results) {
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(result->transfer_id(), results[0]->transfer_id());
    if (!result->duplicate()) ++originals;
  }
  EXPECT_EQ(originals, 1);
  const std::string raced_id = results[0]->transfer_id();
  EXPECT_NE(raced_id, first.transfer_id());

  for (const std::string& id : {first.transfer_id(), raced_id}) {
    ASSERT_OK(sender->WaitForState(id, v1::DELIVERY_STATE_DELIVERED, Wait())
                  .status());
  }
  // The key is remembered durably, across a restart of the sender. (Close
  // our connections first: an idle client connection holds a daemon's
  // SIGTERM drain open to its limit.)
  sender.reset();
  clients.clear();
  ASSERT_OK(net().StopNode(kStockport));
  ASSERT_OK(net().StartNode(kStockport));
  ASSERT_OK_AND_ASSIGN(
      v1::SubmitTransferResponse third,
      net().Client(kStockport, Role::kSubmitter)->Submit(request));
  EXPECT_TRUE(third.duplicate());
  EXPECT_EQ(third.transfer_id(), first.transfer_id());

  ASSERT_OK_AND_ASSIGN(std::vector<v1::InboxEntry> inbox,
                       net().Client(kBirmingham, Role::kReceiver)->ListInbox());
  EXPECT_EQ(inbox.size(), 2u);
  EXPECT_EQ(InboxCount(kBirmingham, first.transfer_id()), 1);
  EXPECT_EQ(InboxCount(kBirmingham, raced_id), 1);
}

}  // namespace
}  // namespace handover::integration

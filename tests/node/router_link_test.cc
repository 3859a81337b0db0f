// RouterLink and NoticeSender against a stand-in router over real TLS: the
// hello, envelopes and notices pushed on the mailbox stream and the acks
// that answer them, reconnection, and receipts handed back to the router.
#include "node/router_link.h"

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>

#include "directory/signed_directory.h"
#include "fake_router.h"
#include "gtest/gtest.h"
#include "link_fixture.h"
#include "node/notice_sender.h"
#include "status_matchers.h"

namespace handover::node {
namespace {

using testing::kSenderId;
using testing::kUsId;
using testing::PushedEnvelope;
namespace v1 = handover::v1;

constexpr char kClientCert[] = "greater-manchester-police";

class RouterLinkTest : public testing::LinkFixture {
 protected:
  void SetUp() override {
    LinkFixture::SetUp();
    fake_ = testing::FakeRouter::Start();
    ASSERT_NE(fake_, nullptr);
  }
  void TearDown() override {
    if (link_ != nullptr) link_->Stop();
  }

  void StartLink() {
    RouterLinkOptions options;
    options.context = context_;
    options.retry.initial_backoff = absl::Milliseconds(20);
    options.retry.max_backoff = absl::Milliseconds(200);
    options.on_receipt_queued = [this] { ++receipts_queued_; };
    link_ = std::make_unique<RouterLink>(fake_->Channel(kClientCert), options);
    link_->Start();
    ASSERT_TRUE(fake_->WaitForHellos(1));
  }

  void PushEnvelope(uint64_t delivery_id, const PushedEnvelope& envelope,
                    bool end = true) {
    v1::RouterMessage head;
    head.set_delivery_id(delivery_id);
    *head.mutable_envelope_head() = envelope.head;
    fake_->Push(head);
    for (size_t at = 0; at < envelope.ciphertext.size(); at += 1000) {
      v1::RouterMessage chunk;
      chunk.set_delivery_id(delivery_id);
      chunk.mutable_ciphertext()->set_data(
          envelope.ciphertext.substr(at, 1000));
      fake_->Push(chunk);
    }
    if (!end) return;
    v1::RouterMessage done;
    done.set_delivery_id(delivery_id);
    done.mutable_envelope_end()->set_ciphertext_size(
        envelope.ciphertext.size());
    fake_->Push(done);
  }

  v1::Ack AckNumber(size_t n) {
    EXPECT_TRUE(fake_->WaitForAcks(n));
    std::vector<v1::Ack> acks = fake_->acks();
    return acks.size() >= n ? acks[n - 1] : v1::Ack();
  }

  std::unique_ptr<testing::FakeRouter> fake_;
  std::unique_ptr<RouterLink> link_;
  std::atomic<int> receipts_queued_{0};
};

TEST_F(RouterLinkTest, SaysHelloWithTheDirectoryVersion) {
  StartLink();
  EXPECT_EQ(fake_->hellos()[0].directory_version(), 1u);
  for (int i = 0; i < 2000 && !link_->connected(); ++i) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_TRUE(link_->connected());
  link_->Stop();
  EXPECT_FALSE(link_->connected());
}

TEST_F(RouterLinkTest, StoresAPushedEnvelopeThenAcks) {
  StartLink();
  PushedEnvelope envelope = Seal(sender_, {kUsId}, std::string(4500, 'c'));
  PushEnvelope(7, envelope);
  v1::Ack ack = AckNumber(1);
  EXPECT_EQ(ack.delivery_id(), 7u);
  EXPECT_EQ(ack.result(), v1::Ack::RESULT_STORED);
  EXPECT_TRUE(*store_->InboxContains(envelope.header.transfer_id));
  EXPECT_EQ(receipts_queued_.load(), 1);

  // The router pushes it again (say, our ack was lost): acked, kept once.
  PushEnvelope(8, envelope);
  v1::Ack again = AckNumber(2);
  EXPECT_EQ(again.delivery_id(), 8u);
  EXPECT_EQ(again.result(), v1::Ack::RESULT_STORED);
  EXPECT_EQ(store_->Counts()->inbox_count, 1u);
  EXPECT_EQ(InboxFiles().size(), 1u);
}

TEST_F(RouterLinkTest, RejectsATamperedEnvelope) {
  StartLink();
  PushedEnvelope envelope = Seal(sender_, {kUsId}, std::string(4500, 'c'));
  envelope.ciphertext[100] ^= 1;
  PushEnvelope(3, envelope);
  v1::Ack ack = AckNumber(1);
  EXPECT_EQ(ack.delivery_id(), 3u);
  EXPECT_EQ(ack.result(), v1::Ack::RESULT_REJECTED);
  EXPECT_EQ(ack.reason(),
            "ciphertext does not match the signed length or hash");
  EXPECT_FALSE(*store_->InboxContains(envelope.header.transfer_id));
  EXPECT_TRUE(InboxFiles().empty());
}

TEST_F(RouterLinkTest, AppliesAPushedReceipt) {
  OutboxTransfer t;
  t.transfer_id = std::string(16, '\x07');
  t.client_name = "cms";
  t.idempotency_key = "k";
  t.recipients = {kSenderId};
  t.created_at = clock_.Now();
  t.expires_at = clock_.Now() + absl::Hours(1);
  t.envelope_path = "/gone";
  t.ciphertext_hash = std::string(32, 'q');
  ASSERT_OK(store_->InsertOutbox(t).status());
  StartLink();

  v1::RouterMessage message;
  message.set_delivery_id(11);
  *message.mutable_notice() =
      Receipt(sender_, t.transfer_id, t.ciphertext_hash);
  fake_->Push(message);
  v1::Ack ack = AckNumber(1);
  EXPECT_EQ(ack.delivery_id(), 11u);
  EXPECT_EQ(ack.result(), v1::Ack::RESULT_STORED);
  EXPECT_EQ((*store_->GetTransfer(t.transfer_id))->OverallState(),
            v1::DELIVERY_STATE_DELIVERED);
}

TEST_F(RouterLinkTest, ReconnectsAndForgetsAnUnfinishedEnvelope) {
  StartLink();
  PushedEnvelope envelope = Seal(sender_, {kUsId}, std::string(4500, 'c'));
  PushEnvelope(5, envelope, /*end=*/false);
  // Let the partial envelope arrive before the stream drops.
  absl::SleepFor(absl::Milliseconds(200));
  fake_->DropStream();
  ASSERT_TRUE(fake_->WaitForHellos(2));
  EXPECT_TRUE(fake_->acks().empty());
  EXPECT_FALSE(*store_->InboxContains(envelope.header.transfer_id));
  EXPECT_TRUE(InboxFiles().empty());

  // The router pushes it again in full on the new stream.
  PushEnvelope(6, envelope);
  EXPECT_EQ(AckNumber(1).result(), v1::Ack::RESULT_STORED);
  EXPECT_TRUE(*store_->InboxContains(envelope.header.transfer_id));
}

TEST_F(RouterLinkTest, FetchesTheDirectoryFromTheRouter) {
  std::unique_ptr<DirectoryFetcher> fetcher = MakeRouterDirectoryFetcher(
      fake_->Channel(kClientCert), absl::Seconds(20));
  EXPECT_TRUE(absl::IsUnavailable(fetcher->Fetch().status()));

  v1::Directory newer = directory_->Current()->directory();
  newer.set_version(2);
  ASSERT_OK_AND_ASSIGN(std::string signed_newer,
                       directory::SignDirectory(newer, authority_));
  fake_->ServeDirectory(signed_newer);
  ASSERT_OK_AND_ASSIGN(std::string fetched, fetcher->Fetch());
  ASSERT_OK(directory_->Adopt(fetched));
  EXPECT_EQ(directory_->version(), 2u);
}

class NoticeSenderTest : public RouterLinkTest {
 protected:
  std::unique_ptr<NoticeSender> NewSender() {
    NoticeSenderOptions options;
    options.clock = &clock_;
    options.retry.initial_backoff = absl::Seconds(10);
    options.retry.multiplier = 2;
    options.retry.max_backoff = absl::Minutes(1);
    return std::make_unique<NoticeSender>(store_.get(),
                                          fake_->Channel(kClientCert), options);
  }
  std::string ReceiptBytes(char id) {
    return Receipt(us_, std::string(16, id), std::string(32, 'h'))
        .SerializeAsString();
  }
};

TEST_F(NoticeSenderTest, SendsQueuedReceiptsAndRetriesFailures) {
  const std::string a = ReceiptBytes('a');
  const std::string b = ReceiptBytes('b');
  ASSERT_OK(store_->EnqueueNotice(a, clock_.Now()));
  ASSERT_OK(store_->EnqueueNotice(b, clock_.Now()));
  fake_->FailNextNotices(
      {grpc::Status(grpc::StatusCode::UNAVAILABLE, "router busy")});
  std::unique_ptr<NoticeSender> sender = NewSender();
  EXPECT_EQ(sender->SendDue(), 1);
  ASSERT_EQ(fake_->notices().size(), 1u);
  EXPECT_EQ(fake_->notices()[0].SerializeAsString(), b);

  // The failed one waits out its backoff.
  EXPECT_EQ(sender->SendDue(), 0);
  clock_.Advance(absl::Seconds(10));
  EXPECT_EQ(sender->SendDue(), 1);
  ASSERT_EQ(fake_->notices().size(), 2u);
  EXPECT_EQ(fake_->notices()[1].SerializeAsString(), a);
  EXPECT_TRUE(store_->ListDueNotices(absl::InfiniteFuture(), 10)->empty());
}

TEST_F(NoticeSenderTest, DropsAReceiptTheRouterRefusesForGood) {
  ASSERT_OK(store_->EnqueueNotice(ReceiptBytes('a'), clock_.Now()));
  fake_->FailNextNotices(
      {grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "malformed notice")});
  std::unique_ptr<NoticeSender> sender = NewSender();
  EXPECT_EQ(sender->SendDue(), 0);
  EXPECT_TRUE(store_->ListDueNotices(absl::InfiniteFuture(), 10)->empty());
}

TEST_F(NoticeSenderTest, BackgroundThreadSendsOnNotify) {
  std::unique_ptr<NoticeSender> sender = NewSender();
  sender->Start();
  ASSERT_OK(store_->EnqueueNotice(ReceiptBytes('c'), clock_.Now()));
  sender->Notify();
  EXPECT_TRUE(fake_->WaitForNotices(1));
  sender->Stop();
  EXPECT_EQ(fake_->notices().size(), 1u);
}

}  // namespace
}  // namespace handover::node

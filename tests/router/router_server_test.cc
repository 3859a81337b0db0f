// RouterServer in-process over real mTLS on loopback, with real SQLite
// files and demo certificates: submission and its refusals, the mailbox
// stream (delivery, redelivery, replacement, rejection), receipts, and the
// directory. The multi-daemon scenarios are in tests/integration.
#include "router/router_server.h"

#include <sys/stat.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/file_util.h"
#include "crypto/identity.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "router/router_server_fixture.h"
#include "router/sweeper.h"
#include "status_matchers.h"
#include "tls/test_certs.h"

namespace handover::router {
namespace {

using handover::testing::WriteTestFile;
using handover::v1::Ack;
using handover::v1::RouterMessage;
using ::testing::HasSubstr;
using testing::kBirmingham;
using testing::kPolice;
using testing::kRouterId;
using testing::kStockport;
using testing::MailboxClient;
using testing::Pushed;
using testing::RouterServerTest;
using testing::SealedEnvelope;

TEST_F(RouterServerTest, DeliveryWithAReceipt) {
  // One envelope stored inline, one in the spool.
  SealedEnvelope small = Seal(kStockport, {kBirmingham}, 1000);
  SealedEnvelope large = Seal(kStockport, {kBirmingham}, 300 * 1024);
  bool already = true;
  ASSERT_TRUE(Submit(kStockport, small, &already).ok());
  EXPECT_FALSE(already);
  ASSERT_TRUE(Submit(kStockport, large, &already, 100 * 1024).ok());
  EXPECT_FALSE(already);
  auto stored = server_->store()->FindEnvelope(large.transfer_id);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->location, CiphertextLocation::kSpool);

  // The same envelope again: stored once, delivered once.
  ASSERT_TRUE(Submit(kStockport, small, &already).ok());
  EXPECT_TRUE(already);

  MailboxClient birmingham(Stub(kBirmingham), 8);
  std::optional<Pushed> first = birmingham.NextEnvelope();
  std::optional<Pushed> second = birmingham.NextEnvelope();
  ASSERT_TRUE(first && second);
  EXPECT_LT(first->delivery_id, second->delivery_id);
  EXPECT_EQ(first->head.signed_header(), small.head.signed_header());
  EXPECT_EQ(first->head.signature(), small.head.signature());
  EXPECT_EQ(first->head.wrapped_keys(0), small.head.wrapped_keys(0));
  EXPECT_EQ(first->ciphertext, small.ciphertext);
  EXPECT_EQ(second->ciphertext, large.ciphertext);
  birmingham.Ack(first->delivery_id, Ack::RESULT_STORED);
  birmingham.Ack(second->delivery_id, Ack::RESULT_STORED);

  // Receipts come back through the sender's mailbox.
  ASSERT_TRUE(
      SubmitNotice(kBirmingham, Receipt(kBirmingham, small, kStockport)).ok());
  ASSERT_TRUE(
      SubmitNotice(kBirmingham, Receipt(kBirmingham, small, kStockport)).ok());
  ASSERT_TRUE(
      SubmitNotice(kBirmingham, Receipt(kBirmingham, large, kStockport)).ok());
  EXPECT_EQ(StateOf(small, kBirmingham), DeliveryState::kReceipted);
  EXPECT_EQ(StateOf(large, kBirmingham), DeliveryState::kReceipted);
  stored = server_->store()->FindEnvelope(large.transfer_id);
  EXPECT_EQ((*stored)->location, CiphertextLocation::kDeleted);

  MailboxClient stockport(Stub(kStockport), 8);
  handover::v1::Notice receipt = NextNotice(&stockport, kBirmingham);
  EXPECT_EQ(receipt.transfer_id(), small.transfer_id);
  EXPECT_EQ(receipt.receipt().ciphertext_hash(), small.ciphertext_hash);
  EXPECT_EQ(NextNotice(&stockport, kBirmingham).transfer_id(),
            large.transfer_id);
}

TEST_F(RouterServerTest, SubmissionsAreCheckedWithoutDecrypting) {
  // Another agency's envelope.
  SealedEnvelope theirs = Seal(kStockport, {kBirmingham}, 100);
  grpc::Status s = Submit(kBirmingham, theirs);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(s.error_message(), HasSubstr("not the caller's agency"));

  // Signed with a key the directory does not list.
  absl::StatusOr<crypto::SecretIdentity> forger =
      crypto::SecretIdentity::Generate(kStockport);
  ASSERT_TRUE(forger.ok());
  SealedEnvelope forged =
      testing::Seal(*forger, {agencies_.Public(kBirmingham)}, 100, absl::Now());
  EXPECT_EQ(Submit(kStockport, forged).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);

  // Over [limits] max_envelope_bytes (1 MiB here), refused from the head.
  SealedEnvelope big = Seal(kStockport, {kBirmingham}, 1100 * 1024);
  EXPECT_EQ(Submit(kStockport, big).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);

  SealedEnvelope expired = Seal(kStockport, {kBirmingham}, 100,
                                absl::Now() - absl::Hours(2), absl::Hours(1));
  EXPECT_EQ(Submit(kStockport, expired).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  SealedEnvelope future =
      Seal(kStockport, {kBirmingham}, 100, absl::Now() + absl::Minutes(30));
  EXPECT_EQ(Submit(kStockport, future).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  // Dated back with a far expiry, as a forger with an old key would.
  SealedEnvelope too_long =
      Seal(kStockport, {kBirmingham}, 100, absl::Now() - absl::Hours(1),
           absl::Hours(24 * 30) + absl::Hours(2));
  grpc::Status too_long_status = Submit(kStockport, too_long);
  EXPECT_EQ(too_long_status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(too_long_status.error_message(),
            "the envelope's lifetime (expires_at - created_at) is over 30 "
            "days");

  absl::StatusOr<crypto::SecretIdentity> stranger =
      crypto::SecretIdentity::Generate("nobody-known");
  ASSERT_TRUE(stranger.ok());
  SealedEnvelope unknown =
      testing::Seal(agencies_.Get(kStockport), {stranger->public_identity()},
                    100, absl::Now());
  EXPECT_EQ(Submit(kStockport, unknown).error_code(),
            grpc::StatusCode::NOT_FOUND);

  SealedEnvelope to_router = Seal(kStockport, {kRouterId}, 100);
  EXPECT_EQ(Submit(kStockport, to_router).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  // Altered ciphertext and cut-short ciphertext fail the signed hash.
  SealedEnvelope tampered = Seal(kStockport, {kBirmingham}, 100 * 1024);
  tampered.ciphertext[5000] ^= 1;
  EXPECT_EQ(Submit(kStockport, tampered).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  SealedEnvelope cut = Seal(kStockport, {kBirmingham}, 100);
  cut.ciphertext.pop_back();
  EXPECT_EQ(Submit(kStockport, cut).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  // Nothing refused was stored, and the spool holds no leftovers.
  for (const SealedEnvelope* e : {&theirs, &forged, &big, &tampered, &cut}) {
    auto found = server_->store()->FindEnvelope(e->transfer_id);
    ASSERT_TRUE(found.ok());
    EXPECT_FALSE(found->has_value());
  }
  EXPECT_EQ(*server_->spool()->RemoveOrphans({}), 0);
}

TEST_F(RouterServerTest, ASecondHeaderForATransferIdIsRefused) {
  SealedEnvelope first = Seal(kStockport, {kBirmingham}, 100);
  ASSERT_TRUE(Submit(kStockport, first).ok());
  SealedEnvelope second = SealWithId(kStockport, kPolice, first.transfer_id);
  grpc::Status s = Submit(kStockport, second);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS);
}

TEST_F(RouterServerTest, ARetryOfAStoredEnvelopeSucceedsEvenAfterItsExpiry) {
  SealedEnvelope e =
      Seal(kStockport, {kBirmingham}, 100, absl::Now(), absl::Hours(1));
  ASSERT_TRUE(Submit(kStockport, e).ok());
  clock_.Advance(absl::Hours(2));
  bool already = false;
  grpc::Status s = Submit(kStockport, e, &already);
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(already);
  // Another agency cannot learn anything by replaying it.
  EXPECT_EQ(Submit(kBirmingham, e).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(RouterServerTest, CallersAreKnownByTheirCertificate) {
  grpc::ClientContext context;
  handover::v1::SignedDirectory directory;
  ASSERT_TRUE(Stub(kStockport)
                  ->GetDirectory(&context, handover::v1::GetDirectoryRequest(),
                                 &directory)
                  .ok());
  EXPECT_EQ(directory.SerializeAsString(),
            *ReadFileBounded(Path("directory.signed"), 1 << 24));

  // A certificate from the right CA that the directory does not list.
  grpc::ClientContext other;
  grpc::Status s =
      Stub("case-system")
          ->GetDirectory(&other, handover::v1::GetDirectoryRequest(),
                         &directory);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(s.error_message(), "certificate is not in the directory");
}

TEST_F(RouterServerTest, AnUnansweredItemIsPushedAgainAfterTheBackoff) {
  SealedEnvelope e = Seal(kStockport, {kBirmingham}, 100);
  ASSERT_TRUE(Submit(kStockport, e).ok());
  uint64_t id = 0;
  {
    MailboxClient first(Stub(kBirmingham), 4);
    std::optional<Pushed> pushed = first.NextEnvelope();
    ASSERT_TRUE(pushed.has_value());
    id = pushed->delivery_id;
    EXPECT_EQ(StateOf(e, kBirmingham), DeliveryState::kPushed);
  }  // gone without an ack
  // The stream's end is noticed by the router shortly after; the item then
  // waits out the backoff (200ms) on the router's clock.
  for (int i = 0; i < 100 && StateOf(e, kBirmingham) != DeliveryState::kPending;
       ++i) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  auto deliveries = server_->store()->ListDeliveries(e.transfer_id);
  ASSERT_TRUE(deliveries.ok());
  EXPECT_EQ((*deliveries)[0].state, DeliveryState::kPending);
  EXPECT_EQ((*deliveries)[0].attempts, 1);

  clock_.Advance(absl::Seconds(1));
  MailboxClient second(Stub(kBirmingham), 4);
  std::optional<Pushed> again = second.NextEnvelope();
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->delivery_id, id);
  EXPECT_EQ(again->ciphertext, e.ciphertext);
  second.Ack(id, Ack::RESULT_STORED);
  for (int i = 0;
       i < 100 && StateOf(e, kBirmingham) != DeliveryState::kStoredAtNode;
       ++i) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_EQ(StateOf(e, kBirmingham), DeliveryState::kStoredAtNode);
}

TEST_F(RouterServerTest, ANewerStreamReplacesTheOlder) {
  MailboxClient older(Stub(kBirmingham), 4);
  RouterMessage m;
  // Wait until the router holds the first stream.
  for (int i = 0; i < 100 && !server_->hub()->IsConnected(kBirmingham); ++i) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  ASSERT_TRUE(server_->hub()->IsConnected(kBirmingham));
  MailboxClient newer(Stub(kBirmingham), 4);
  EXPECT_FALSE(older.Next(&m));  // ended by the router

  SealedEnvelope e = Seal(kStockport, {kBirmingham}, 100);
  ASSERT_TRUE(Submit(kStockport, e).ok());
  std::optional<Pushed> pushed = newer.NextEnvelope();
  ASSERT_TRUE(pushed.has_value());
  EXPECT_EQ(pushed->ciphertext, e.ciphertext);
  EXPECT_EQ(server_->hub()->live_streams(), 1u);
}

TEST_F(RouterServerTest, ARejectionBecomesASignedReportToTheSender) {
  SealedEnvelope e = Seal(kStockport, {kBirmingham, kPolice}, 100);
  ASSERT_TRUE(Submit(kStockport, e).ok());
  MailboxClient police(Stub(kPolice), 4);
  std::optional<Pushed> pushed = police.NextEnvelope();
  ASSERT_TRUE(pushed.has_value());
  police.Ack(pushed->delivery_id, Ack::RESULT_REJECTED,
             "not_a_recipient\nsecond line");

  MailboxClient stockport(Stub(kStockport), 4);
  handover::v1::Notice report = NextNotice(&stockport, kRouterId);
  EXPECT_EQ(report.signer_id(), kRouterId);
  EXPECT_EQ(report.transfer_id(), e.transfer_id);
  EXPECT_EQ(report.non_delivery().reason(),
            handover::v1::NON_DELIVERY_REASON_REJECTED_BY_RECIPIENT);
  EXPECT_EQ(report.non_delivery().undelivered_recipient(), kPolice);
  EXPECT_EQ(report.non_delivery().detail(), "not_a_recipient second line");
  EXPECT_EQ(StateOf(e, kPolice), DeliveryState::kRejected);
  EXPECT_EQ(StateOf(e, kBirmingham), DeliveryState::kPending);
}

TEST_F(RouterServerTest, ReceiptsAreChecked) {
  SealedEnvelope e = Seal(kStockport, {kBirmingham}, 100);
  ASSERT_TRUE(Submit(kStockport, e).ok());
  // Not a recipient.
  EXPECT_EQ(SubmitNotice(kPolice, Receipt(kPolice, e, kStockport)).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // Signed by one agency, submitted by another.
  EXPECT_EQ(
      SubmitNotice(kPolice, Receipt(kBirmingham, e, kStockport)).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  // Naming other ciphertext.
  SealedEnvelope other = e;
  other.ciphertext_hash = std::string(32, 'x');
  EXPECT_EQ(SubmitNotice(kBirmingham, Receipt(kBirmingham, other, kStockport))
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  // A bad signature.
  handover::v1::SignedNotice forged = Receipt(kBirmingham, e, kStockport);
  forged.mutable_signature()->at(0) ^= 1;
  EXPECT_EQ(SubmitNotice(kBirmingham, forged).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  // An unknown transfer.
  SealedEnvelope never = Seal(kStockport, {kBirmingham}, 100);
  EXPECT_EQ(SubmitNotice(kBirmingham, Receipt(kBirmingham, never, kStockport))
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(StateOf(e, kBirmingham), DeliveryState::kPending);
}

TEST_F(RouterServerTest, ANodeWithAnOlderDirectoryIsToldAtOnce) {
  MailboxClient node(Stub(kStockport), 4, /*directory_version=*/0);
  RouterMessage m;
  ASSERT_TRUE(node.Next(&m));
  ASSERT_TRUE(m.has_directory_changed()) << m.DebugString();
  EXPECT_EQ(m.directory_changed().version(), 1u);

  agencies_.WriteSigned(Path("directory.signed"), 2,
                        absl::Now() - absl::Hours(1));
  ASSERT_OK(server_->ReloadDirectory());
  ASSERT_TRUE(node.Next(&m));
  EXPECT_EQ(m.directory_changed().version(), 2u);
}

TEST_F(RouterServerTest, ExpiryReachesTheSenderAsAReport) {
  SealedEnvelope e =
      Seal(kStockport, {kBirmingham}, 100, absl::Now(), absl::Hours(1));
  ASSERT_TRUE(Submit(kStockport, e).ok());
  clock_.Advance(absl::Hours(1) + absl::Minutes(1));
  ASSERT_OK(server_->sweeper()->RunOnce().status());
  EXPECT_EQ(StateOf(e, kBirmingham), DeliveryState::kExpired);
  MailboxClient stockport(Stub(kStockport), 4);
  handover::v1::Notice report = NextNotice(&stockport, kRouterId);
  EXPECT_EQ(report.non_delivery().reason(),
            handover::v1::NON_DELIVERY_REASON_EXPIRED);
}

TEST_F(RouterServerTest, ARestartKeepsTheQueue) {
  SealedEnvelope small = Seal(kStockport, {kBirmingham}, 100);
  SealedEnvelope large = Seal(kStockport, {kBirmingham}, 200 * 1024);
  ASSERT_TRUE(Submit(kStockport, small).ok());
  ASSERT_TRUE(Submit(kStockport, large).ok());
  server_->Shutdown(absl::Seconds(1));
  server_.reset();
  // A file left by a crash is cleaned up.
  WriteTestFile(Path("data/spool/.stale.tmp-abc"), "x", 0600);
  StartRouter();
  MailboxClient birmingham(Stub(kBirmingham), 4);
  std::optional<Pushed> first = birmingham.NextEnvelope();
  std::optional<Pushed> second = birmingham.NextEnvelope();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->ciphertext, small.ciphertext);
  EXPECT_EQ(second->ciphertext, large.ciphertext);
  struct stat st;
  EXPECT_NE(stat(Path("data/spool/.stale.tmp-abc").c_str(), &st), 0);
}

}  // namespace
}  // namespace handover::router

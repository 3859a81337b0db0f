// The sweeper with a FakeClock: expiry becomes a router-signed
// non-delivery report that verifies against the router's directory entry;
// a revoked recipient likewise; ciphertext goes once nobody needs it or
// past retention, and the routing metadata stays; withdrawals of transfers
// never held are forgotten past retention.
#include "router/sweeper.h"

#include <sys/stat.h>

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "notice/notice_signing.h"
#include "router/router_env_fixture.h"
#include "status_matchers.h"

namespace handover::router {
namespace {

using testing::FakeRecord;
using ::testing::IsEmpty;
using testing::kRouterId;
using testing::kStart;
using ::testing::SizeIs;
using testing::TransferId;

class SweeperTest : public testing::RouterEnvTest {
 protected:
  void Accept(int n, absl::Time expires_at) {
    ASSERT_OK(
        store_
            ->AcceptEnvelope(FakeRecord(TransferId(n), "stockport-cs",
                                        {"birmingham-cs"}, kStart, expires_at),
                             "ciphertext")
            .status());
  }
  // Accepts envelope `n` with its ciphertext in a real spool file; returns
  // the file's path.
  std::string AcceptSpooled(int n, absl::Time expires_at) {
    auto writer = spool_->Create(TransferId(n));
    EXPECT_TRUE(writer.ok()) << writer.status();
    EXPECT_OK((*writer)->Append("ciphertext"));
    EXPECT_OK((*writer)->Commit());
    EnvelopeRecord record = FakeRecord(TransferId(n), "stockport-cs",
                                       {"birmingham-cs"}, kStart, expires_at);
    record.location = CiphertextLocation::kSpool;
    record.spool_name = (*writer)->name();
    EXPECT_OK(store_->AcceptEnvelope(record, "").status());
    return spool_->dir() + "/" + (*writer)->name();
  }
  // The one notice waiting for stockport-cs, verified as the router's.
  handover::v1::Notice TheReportForTheSender() {
    absl::StatusOr<std::vector<MailboxItem>> items =
        store_->ClaimItems("stockport-cs", clock_.Now(), 10);
    EXPECT_TRUE(items.ok()) << items.status();
    if (!items.ok() || items->size() != 1) {
      ADD_FAILURE() << "expected one item for the sender";
      return {};
    }
    EXPECT_EQ((*items)[0].kind, ItemKind::kNonDelivery);
    handover::v1::SignedNotice signed_notice;
    EXPECT_TRUE(signed_notice.ParseFromString((*items)[0].notice));
    auto keys = directory_->Current()->SigningKeysAt(kRouterId, clock_.Now());
    EXPECT_TRUE(keys.ok()) << keys.status();
    absl::StatusOr<handover::v1::Notice> notice =
        notice::VerifyNotice(signed_notice, *keys);
    EXPECT_TRUE(notice.ok()) << notice.status();
    return notice.ok() ? *notice : handover::v1::Notice();
  }
  SweepCounts Sweep(absl::Duration retention = absl::Hours(24 * 30)) {
    Sweeper sweeper(&env_, retention);
    absl::StatusOr<SweepCounts> counts = sweeper.RunOnce();
    EXPECT_TRUE(counts.ok()) << counts.status();
    return counts.ok() ? *counts : SweepCounts();
  }
  DeliveryState StateOf(int n) {
    auto deliveries = store_->ListDeliveries(TransferId(n));
    EXPECT_TRUE(deliveries.ok() && deliveries->size() == 1);
    return (*deliveries)[0].state;
  }
};

bool Exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

TEST_F(SweeperTest, ExpiryBecomesASignedNonDeliveryReport) {
  const std::string file = AcceptSpooled(1, kStart + absl::Hours(1));
  SweepCounts before = Sweep();
  EXPECT_EQ(before.expired, 0);
  EXPECT_EQ(StateOf(1), DeliveryState::kPending);
  EXPECT_TRUE(Exists(file));

  clock_.Advance(absl::Hours(1));  // now == expires_at: expired
  SweepCounts after = Sweep();
  EXPECT_EQ(after.expired, 1);
  EXPECT_EQ(after.ciphertext_deleted, 1);
  EXPECT_EQ(StateOf(1), DeliveryState::kExpired);
  EXPECT_FALSE(Exists(file));

  handover::v1::Notice report = TheReportForTheSender();
  EXPECT_EQ(report.signer_id(), kRouterId);
  EXPECT_EQ(report.addressee_id(), "stockport-cs");
  EXPECT_EQ(report.transfer_id(), TransferId(1));
  EXPECT_EQ(report.issued_at().seconds(), absl::ToUnixSeconds(clock_.Now()));
  ASSERT_TRUE(report.has_non_delivery());
  EXPECT_EQ(report.non_delivery().undelivered_recipient(), "birmingham-cs");
  EXPECT_EQ(report.non_delivery().reason(),
            handover::v1::NON_DELIVERY_REASON_EXPIRED);

  // A second pass finds nothing more to do.
  SweepCounts again = Sweep();
  EXPECT_EQ(again.expired, 0);
  EXPECT_EQ(again.ciphertext_deleted, 0);
}

TEST_F(SweeperTest, ExpiryAndTheDeletedCiphertextAreLogged) {
  AcceptSpooled(1, kStart + absl::Hours(1));
  clock_.Advance(absl::Hours(1));
  Sweep();
  deliverylog::LogQuery query;
  query.transfer_id = TransferId(1);
  absl::StatusOr<deliverylog::LogPage> page = log_->Query(query);
  ASSERT_TRUE(page.ok()) << page.status();
  std::vector<handover::v1::LogEventKind> kinds;
  for (const handover::v1::LogEntry& e : page->entries) {
    kinds.push_back(e.event());
    EXPECT_EQ(e.actor(), "router");
  }
  EXPECT_THAT(kinds,
              ::testing::ElementsAre(handover::v1::LOG_EVENT_KIND_EXPIRED,
                                     handover::v1::LOG_EVENT_KIND_PRUNED));
  EXPECT_EQ(page->entries[0].sender(), "stockport-cs");
  EXPECT_EQ(page->entries[0].recipient(), "birmingham-cs");
  EXPECT_EQ(events_->failures(), 0u);
}

TEST_F(SweeperTest, ADeliveredEnvelopeDoesNotExpire) {
  Accept(1, kStart + absl::Hours(1));
  ASSERT_OK(
      store_->RecordReceipt(TransferId(1), "birmingham-cs", "receipt", kStart)
          .status());
  clock_.Advance(absl::Hours(2));
  EXPECT_EQ(Sweep().expired, 0);
  EXPECT_EQ(StateOf(1), DeliveryState::kReceipted);
}

TEST_F(SweeperTest, RetentionDeletesCiphertextButKeepsMetadata) {
  const std::string file = AcceptSpooled(1, kStart + absl::Hours(24 * 5));
  std::vector<MailboxItem> pushed =
      *store_->ClaimItems("birmingham-cs", kStart, 10);
  ASSERT_THAT(pushed, SizeIs(1));
  ASSERT_OK(store_->AckStored("birmingham-cs", {pushed[0].delivery_id}, kStart)
                .status());
  // Stored at the node but never receipted: kept until retention.
  clock_.Advance(absl::Hours(2));
  EXPECT_EQ(Sweep(absl::Hours(3)).ciphertext_deleted, 0);
  EXPECT_TRUE(Exists(file));
  clock_.Advance(absl::Hours(2));
  EXPECT_EQ(Sweep(absl::Hours(3)).ciphertext_deleted, 1);
  EXPECT_FALSE(Exists(file));

  ASSERT_OK_AND_ASSIGN(std::optional<EnvelopeRecord> envelope,
                       store_->FindEnvelope(TransferId(1)));
  ASSERT_TRUE(envelope.has_value());
  EXPECT_EQ(envelope->location, CiphertextLocation::kDeleted);
  EXPECT_EQ(envelope->sender_id, "stockport-cs");
  EXPECT_EQ(envelope->ciphertext_size, 5u);
  EXPECT_EQ(StateOf(1), DeliveryState::kStoredAtNode);
}

TEST_F(SweeperTest, ARevokedRecipientGetsARevokedReport) {
  Accept(1, kStart + absl::Hours(24));
  EXPECT_EQ(Sweep().revoked, 0);
  PublishDirectory(2, {"birmingham-cs"});
  ASSERT_EQ(directory_->version(), 2u);
  SweepCounts counts = Sweep();
  EXPECT_EQ(counts.revoked, 1);
  EXPECT_EQ(StateOf(1), DeliveryState::kRevoked);
  handover::v1::Notice report = TheReportForTheSender();
  EXPECT_EQ(report.non_delivery().reason(),
            handover::v1::NON_DELIVERY_REASON_RECIPIENT_REVOKED);
  EXPECT_EQ(report.non_delivery().undelivered_recipient(), "birmingham-cs");
}

TEST_F(SweeperTest, WithdrawalsOfTransfersNeverHeldAreForgottenAfterRetention) {
  ASSERT_OK(store_->WithdrawTransfer(TransferId(1), "stockport-cs", {}, kStart)
                .status());
  clock_.Advance(absl::Hours(2));
  EXPECT_EQ(Sweep(absl::Hours(3)).withdrawals_forgotten, 0);
  EXPECT_TRUE(*store_->IsWithdrawn(TransferId(1), "stockport-cs"));
  clock_.Advance(absl::Hours(2));
  EXPECT_EQ(Sweep(absl::Hours(3)).withdrawals_forgotten, 1);
  EXPECT_FALSE(*store_->IsWithdrawn(TransferId(1), "stockport-cs"));
}

}  // namespace
}  // namespace handover::router

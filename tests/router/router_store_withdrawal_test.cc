// SqliteRouterStore on real SQLite files: withdrawing a transfer (pending
// copies only, one report each, the ciphertext released, the sender
// checked, a race with a new pending copy refused), remembering a
// withdrawal of a transfer not held (and refusing its upload, also after a
// restart), forgetting old ones, and acknowledgements (only once held, once
// per recipient).
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "router/router_test_util.h"
#include "router/sqlite_router_store.h"
#include "status_matchers.h"
#include "temp_dir.h"

namespace handover::router {
namespace {

using testing::FakeRecord;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using testing::TransferId;

const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);
const absl::Time kExpiry = kT0 + absl::Hours(24 * 5);
constexpr char kSender[] = "stockport-cs";
constexpr char kB[] = "birmingham-cs";
constexpr char kP[] = "west-midlands-police";

class RouterStoreWithdrawalTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }
  void Reopen() {
    store_.reset();
    auto store = SqliteRouterStore::Open(tmp_.path() + "/router.sqlite");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(store).value();
  }
  void Accept(int n, const std::vector<std::string>& recipients) {
    ASSERT_OK(store_
                  ->AcceptEnvelope(FakeRecord(TransferId(n), kSender,
                                              recipients, kT0, kExpiry),
                                   "ciphertext")
                  .status());
  }
  std::vector<MailboxItem> Claim(const std::string& agency) {
    auto items = store_->ClaimItems(agency, kT0 + absl::Hours(1), 100);
    EXPECT_TRUE(items.ok()) << items.status();
    return items.ok() ? *items : std::vector<MailboxItem>();
  }
  std::map<std::string, std::string> Reports(
      const std::vector<std::string>& recipients) {
    std::map<std::string, std::string> out;
    for (const std::string& r : recipients) out[r] = "report for " + r;
    return out;
  }
  DeliveryState StateOf(int n, const std::string& recipient) {
    return testing::StateIn(store_.get(), TransferId(n), recipient);
  }

  handover::testing::TempDir tmp_;
  std::unique_ptr<SqliteRouterStore> store_;
};

TEST_F(RouterStoreWithdrawalTest, TheNewStateIsFinalAndNeedsNoCiphertext) {
  EXPECT_TRUE(IsFinal(DeliveryState::kWithdrawn));
  EXPECT_FALSE(NeedsCiphertext(DeliveryState::kWithdrawn));
  EXPECT_EQ(DeliveryStateName(DeliveryState::kWithdrawn), "withdrawn");
  EXPECT_EQ(static_cast<int>(DeliveryState::kWithdrawn), 8);
  EXPECT_EQ(static_cast<int>(ItemKind::kAcknowledgement), 4);
}

TEST_F(RouterStoreWithdrawalTest, OnlyPendingCopiesAreWithdrawn) {
  Accept(1, {kB, kP});
  ASSERT_THAT(Claim(kB), SizeIs(1));  // pushed to birmingham

  ASSERT_OK_AND_ASSIGN(
      WithdrawResult result,
      store_->WithdrawTransfer(TransferId(1), kSender, Reports({kP}), kT0));
  EXPECT_TRUE(result.held);
  ASSERT_THAT(result.deliveries, SizeIs(2));
  EXPECT_EQ(result.deliveries[0].recipient_id, kB);
  EXPECT_EQ(result.deliveries[0].state, DeliveryState::kPushed);
  EXPECT_FALSE(result.deliveries[0].withdrawn_now);
  EXPECT_EQ(result.deliveries[1].state, DeliveryState::kWithdrawn);
  EXPECT_TRUE(result.deliveries[1].withdrawn_now);
  EXPECT_FALSE(result.released.has_value());  // birmingham may still need it
  EXPECT_EQ(StateOf(1, kP), DeliveryState::kWithdrawn);
  EXPECT_THAT(Claim(kP), IsEmpty());

  std::vector<MailboxItem> sender = Claim(kSender);
  ASSERT_THAT(sender, SizeIs(1));
  EXPECT_EQ(sender[0].kind, ItemKind::kNonDelivery);
  EXPECT_EQ(sender[0].notice, "report for west-midlands-police");

  // Again: nothing changes, no second report.
  ASSERT_OK_AND_ASSIGN(
      result, store_->WithdrawTransfer(TransferId(1), kSender, {}, kT0));
  EXPECT_FALSE(result.deliveries[1].withdrawn_now);
  EXPECT_EQ(result.deliveries[1].state, DeliveryState::kWithdrawn);
  EXPECT_THAT(Claim(kSender), IsEmpty());
}

TEST_F(RouterStoreWithdrawalTest, TheLastCopyReleasesTheCiphertext) {
  Accept(1, {kB});
  ASSERT_OK_AND_ASSIGN(
      WithdrawResult result,
      store_->WithdrawTransfer(TransferId(1), kSender, Reports({kB}), kT0));
  ASSERT_TRUE(result.released.has_value());
  EXPECT_EQ(result.released->location, CiphertextLocation::kInline);
  ASSERT_OK_AND_ASSIGN(auto envelope, store_->FindEnvelope(TransferId(1)));
  EXPECT_EQ(envelope->location, CiphertextLocation::kDeleted);
  EXPECT_THAT(*store_->ListDeletableCiphertext(kT0, 10), IsEmpty());
}

TEST_F(RouterStoreWithdrawalTest, AWithdrawnCopyIgnoresLateAnswers) {
  Accept(1, {kB});
  std::vector<MailboxItem> pushed = Claim(kB);
  ASSERT_THAT(pushed, SizeIs(1));
  // The stream ended unanswered: pending again, then withdrawn.
  ASSERT_OK(store_->ReleaseItems(kB, {pushed[0].delivery_id}, kT0,
                                 config::RetryPolicy()));
  ASSERT_OK(store_->WithdrawTransfer(TransferId(1), kSender, Reports({kB}), kT0)
                .status());
  ASSERT_OK_AND_ASSIGN(auto updates,
                       store_->AckStored(kB, {pushed[0].delivery_id}, kT0));
  ASSERT_THAT(updates, SizeIs(1));
  EXPECT_FALSE(updates[0].changed);
  ASSERT_OK(store_->ReleaseAllPushed());
  ASSERT_OK_AND_ASSIGN(
      DeliveryOutcome finished,
      store_->FinishDelivery(TransferId(1), kB, DeliveryState::kExpired, "late",
                             "report", kT0));
  EXPECT_FALSE(finished.changed);
  EXPECT_THAT(*store_->ListExpired(kExpiry + absl::Hours(1), 10), IsEmpty());
  EXPECT_EQ(StateOf(1, kB), DeliveryState::kWithdrawn);
  EXPECT_THAT(Claim(kB), IsEmpty());
}

TEST_F(RouterStoreWithdrawalTest, ACopyWithoutItsReportIsRefusedWhole) {
  Accept(1, {kB, kP});
  // Signed for birmingham only: police's copy is pending too.
  EXPECT_EQ(store_->WithdrawTransfer(TransferId(1), kSender, Reports({kB}), kT0)
                .status()
                .code(),
            absl::StatusCode::kAborted);
  EXPECT_EQ(StateOf(1, kB), DeliveryState::kPending);
  EXPECT_EQ(StateOf(1, kP), DeliveryState::kPending);
  EXPECT_THAT(Claim(kSender), IsEmpty());
}

TEST_F(RouterStoreWithdrawalTest, OnlyTheSenderWithdraws) {
  Accept(1, {kB});
  EXPECT_EQ(store_->WithdrawTransfer(TransferId(1), kB, Reports({kB}), kT0)
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(StateOf(1, kB), DeliveryState::kPending);
}

TEST_F(RouterStoreWithdrawalTest, AWithdrawalBeforeTheUploadRefusesIt) {
  ASSERT_OK_AND_ASSIGN(
      WithdrawResult result,
      store_->WithdrawTransfer(TransferId(1), kSender, {}, kT0));
  EXPECT_FALSE(result.held);
  EXPECT_THAT(result.deliveries, IsEmpty());
  ASSERT_OK_AND_ASSIGN(result, store_->WithdrawTransfer(TransferId(1), kSender,
                                                        {}, kT0));  // again
  EXPECT_TRUE(*store_->IsWithdrawn(TransferId(1), kSender));
  EXPECT_FALSE(*store_->IsWithdrawn(TransferId(1), kB));

  Reopen();  // durable
  absl::Status refused =
      store_
          ->AcceptEnvelope(
              FakeRecord(TransferId(1), kSender, {kB}, kT0, kExpiry), "c")
          .status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.message(), ::testing::HasSubstr("was withdrawn"));
  ASSERT_OK_AND_ASSIGN(auto envelope, store_->FindEnvelope(TransferId(1)));
  EXPECT_FALSE(envelope.has_value());
  EXPECT_THAT(Claim(kB), IsEmpty());

  // Another sender's transfer with the same id is not affected.
  ASSERT_OK(store_
                ->AcceptEnvelope(
                    FakeRecord(TransferId(1), kP, {kB}, kT0, kExpiry), "c")
                .status());
}

TEST_F(RouterStoreWithdrawalTest, OldWithdrawalsAreForgotten) {
  ASSERT_OK(store_->WithdrawTransfer(TransferId(1), kSender, {}, kT0).status());
  ASSERT_OK(
      store_->WithdrawTransfer(TransferId(2), kSender, {}, kT0 + absl::Hours(2))
          .status());
  EXPECT_EQ(*store_->ForgetWithdrawalsBefore(kT0, 10), 0);
  EXPECT_EQ(*store_->ForgetWithdrawalsBefore(kT0 + absl::Hours(1), 10), 1);
  EXPECT_FALSE(*store_->IsWithdrawn(TransferId(1), kSender));
  EXPECT_TRUE(*store_->IsWithdrawn(TransferId(2), kSender));
}

TEST_F(RouterStoreWithdrawalTest, AnAcknowledgementNeedsTheCopyHeld) {
  Accept(1, {kB, kP});
  EXPECT_EQ(store_->RecordAcknowledgement(TransferId(1), kB, "ack", kT0)
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);
  std::vector<MailboxItem> pushed = Claim(kB);
  ASSERT_THAT(pushed, SizeIs(1));
  EXPECT_EQ(store_->RecordAcknowledgement(TransferId(1), kB, "ack", kT0)
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);
  ASSERT_OK(store_->AckStored(kB, {pushed[0].delivery_id}, kT0).status());
  ASSERT_OK_AND_ASSIGN(
      bool first, store_->RecordAcknowledgement(TransferId(1), kB, "ack", kT0));
  ASSERT_OK_AND_ASSIGN(bool second, store_->RecordAcknowledgement(
                                        TransferId(1), kB, "another ack", kT0));
  EXPECT_TRUE(first);
  EXPECT_FALSE(second);
  EXPECT_EQ(StateOf(1, kB), DeliveryState::kStoredAtNode);  // unchanged

  std::vector<MailboxItem> sender = Claim(kSender);
  ASSERT_THAT(sender, SizeIs(1));
  EXPECT_EQ(sender[0].kind, ItemKind::kAcknowledgement);
  EXPECT_EQ(sender[0].notice, "ack");
  // Pushed and acknowledged like any notice.
  ASSERT_OK_AND_ASSIGN(
      auto updates, store_->AckStored(kSender, {sender[0].delivery_id}, kT0));
  ASSERT_THAT(updates, SizeIs(1));
  EXPECT_EQ(updates[0].item.kind, ItemKind::kAcknowledgement);

  // A receipted copy may be acknowledged too; a withdrawn one may not.
  ASSERT_OK(store_->RecordReceipt(TransferId(1), kB, "r", kT0).status());
  Accept(2, {kB});
  ASSERT_OK(store_->WithdrawTransfer(TransferId(2), kSender, Reports({kB}), kT0)
                .status());
  EXPECT_EQ(store_->RecordAcknowledgement(TransferId(2), kB, "ack", kT0)
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->RecordAcknowledgement(TransferId(9), kB, "ack", kT0)
                .status()
                .code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace handover::router

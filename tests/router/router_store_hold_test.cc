// SqliteRouterStore and a recall: a held delivery (sender key compromised)
// is final, never claimed again, keeps its ciphertext until retention,
// survives a restart, and is held only once. ListOpenDeliveriesFrom pages
// through one sender's open deliveries.
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

using ::testing::ElementsAre;
using testing::FakeRecord;
using ::testing::IsEmpty;
using testing::TransferId;

const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);
const absl::Time kExpiry = kT0 + absl::Hours(24 * 5);

class RouterStoreHoldTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }
  void Reopen() {
    store_.reset();
    ASSERT_OK_AND_ASSIGN(
        store_, SqliteRouterStore::Open(tmp_.path() + "/router.sqlite"));
  }
  void Accept(int n, const std::string& sender,
              const std::vector<std::string>& recipients) {
    ASSERT_OK(store_
                  ->AcceptEnvelope(FakeRecord(TransferId(n), sender, recipients,
                                              kT0, kExpiry),
                                   "ciphertext")
                  .status());
  }
  DeliveryState StateOf(int n, const std::string& recipient) {
    return testing::StateIn(store_.get(), TransferId(n), recipient);
  }
  std::vector<std::string> OpenFrom(const std::string& sender, uint64_t after,
                                    size_t limit) {
    absl::StatusOr<std::vector<OpenDelivery>> open =
        store_->ListOpenDeliveriesFrom(sender, after, limit);
    EXPECT_TRUE(open.ok()) << open.status();
    std::vector<std::string> out;
    if (!open.ok()) return out;
    for (const OpenDelivery& d : *open) {
      out.push_back(absl::StrCat(d.transfer_id == TransferId(1)   ? "1"
                                 : d.transfer_id == TransferId(2) ? "2"
                                                                  : "3",
                                 ":", d.recipient_id));
    }
    return out;
  }

  handover::testing::TempDir tmp_;
  std::unique_ptr<SqliteRouterStore> store_;
};

TEST_F(RouterStoreHoldTest, AHeldDeliveryIsFinalAndKeepsItsCiphertext) {
  Accept(1, "stockport-cs", {"birmingham-cs"});
  ASSERT_OK_AND_ASSIGN(DeliveryOutcome held,
                       store_->FinishDelivery(
                           TransferId(1), "birmingham-cs", DeliveryState::kHeld,
                           "signing key compromised", "report", kT0));
  EXPECT_TRUE(held.changed);
  // Not released: the copy is held, not thrown away.
  EXPECT_FALSE(held.released.has_value());
  EXPECT_EQ(StateOf(1, "birmingham-cs"), DeliveryState::kHeld);
  EXPECT_TRUE(IsFinal(DeliveryState::kHeld));
  EXPECT_EQ(DeliveryStateName(DeliveryState::kHeld), "held");
  // Never pushed; the sender's report is queued once.
  ASSERT_OK_AND_ASSIGN(std::vector<MailboxItem> recipient_items,
                       store_->ClaimItems("birmingham-cs", kT0, 10));
  EXPECT_THAT(recipient_items, IsEmpty());
  ASSERT_OK_AND_ASSIGN(std::vector<MailboxItem> sender_items,
                       store_->ClaimItems("stockport-cs", kT0, 10));
  ASSERT_EQ(sender_items.size(), 1u);
  EXPECT_EQ(sender_items[0].kind, ItemKind::kNonDelivery);
  // The same hold again changes nothing and queues nothing.
  ASSERT_OK_AND_ASSIGN(
      DeliveryOutcome again,
      store_->FinishDelivery(TransferId(1), "birmingham-cs",
                             DeliveryState::kHeld, "again", "report2", kT0));
  EXPECT_FALSE(again.changed);
  // The ciphertext stays until retention, then goes as usual.
  ASSERT_OK_AND_ASSIGN(std::vector<CiphertextRef> early,
                       store_->ListDeletableCiphertext(kT0, 10));
  EXPECT_THAT(early, IsEmpty());
  ASSERT_OK_AND_ASSIGN(
      std::vector<CiphertextRef> late,
      store_->ListDeletableCiphertext(kT0 + absl::Seconds(1), 10));
  ASSERT_EQ(late.size(), 1u);
  EXPECT_EQ(late[0].transfer_id, TransferId(1));
}

TEST_F(RouterStoreHoldTest, AHoldSurvivesARestart) {
  Accept(1, "stockport-cs", {"birmingham-cs"});
  ASSERT_OK(store_
                ->FinishDelivery(TransferId(1), "birmingham-cs",
                                 DeliveryState::kHeld, "compromised", "report",
                                 kT0)
                .status());
  Reopen();
  ASSERT_OK(store_->ReleaseAllPushed());
  EXPECT_EQ(StateOf(1, "birmingham-cs"), DeliveryState::kHeld);
  ASSERT_OK_AND_ASSIGN(std::vector<MailboxItem> items,
                       store_->ClaimItems("birmingham-cs", kT0, 10));
  EXPECT_THAT(items, IsEmpty());
}

TEST_F(RouterStoreHoldTest, ListsOneSendersOpenDeliveriesAPageAtATime) {
  Accept(1, "stockport-cs", {"birmingham-cs", "west-midlands-police"});
  Accept(2, "gmp", {"birmingham-cs"});
  Accept(3, "stockport-cs", {"birmingham-cs"});
  ASSERT_OK(store_
                ->FinishDelivery(TransferId(3), "birmingham-cs",
                                 DeliveryState::kExpired, "expired", "r", kT0)
                .status());
  EXPECT_THAT(OpenFrom("stockport-cs", 0, 10),
              ElementsAre("1:birmingham-cs", "1:west-midlands-police"));
  ASSERT_OK_AND_ASSIGN(std::vector<OpenDelivery> first,
                       store_->ListOpenDeliveriesFrom("stockport-cs", 0, 1));
  ASSERT_EQ(first.size(), 1u);
  EXPECT_THAT(OpenFrom("stockport-cs", first[0].delivery_id, 10),
              ElementsAre("1:west-midlands-police"));
  EXPECT_THAT(OpenFrom("gmp", 0, 10), ElementsAre("2:birmingham-cs"));
}

}  // namespace
}  // namespace handover::router

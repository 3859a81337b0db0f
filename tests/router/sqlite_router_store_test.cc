// SqliteRouterStore on real SQLite files: accepting envelopes (and the same
// one again), mailbox order and claims, acks, receipts, the end of a
// delivery, expiry queries, ciphertext deletion and a restart.
#include "router/sqlite_router_store.h"

#include <algorithm>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "router/backoff.h"
#include "router/router_test_util.h"
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

class SqliteRouterStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }
  void Reopen() {
    store_.reset();
    absl::StatusOr<std::unique_ptr<SqliteRouterStore>> store =
        SqliteRouterStore::Open(tmp_.path() + "/router.sqlite");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(store).value();
  }
  void Accept(int n, const std::string& sender,
              const std::vector<std::string>& recipients,
              absl::Time expires_at = kExpiry) {
    absl::StatusOr<AcceptResult> result = store_->AcceptEnvelope(
        FakeRecord(TransferId(n), sender, recipients, kT0, expires_at),
        "ciphertext");
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_FALSE(result->already_stored);
  }
  std::vector<uint64_t> Claim(const std::string& agency, absl::Time now,
                              size_t limit = 100) {
    absl::StatusOr<std::vector<MailboxItem>> items =
        store_->ClaimItems(agency, now, limit);
    EXPECT_TRUE(items.ok()) << items.status();
    std::vector<uint64_t> ids;
    if (items.ok()) {
      for (const MailboxItem& item : *items) ids.push_back(item.delivery_id);
    }
    return ids;
  }
  DeliveryState StateOf(int n, const std::string& recipient) {
    return testing::StateIn(store_.get(), TransferId(n), recipient);
  }

  handover::testing::TempDir tmp_;
  std::unique_ptr<SqliteRouterStore> store_;
};

TEST_F(SqliteRouterStoreTest, AcceptStoresTheEnvelopeAndOneDeliveryEach) {
  Accept(1, "stockport-cs", {"birmingham-cs", "west-midlands-police"});
  ASSERT_OK_AND_ASSIGN(std::optional<EnvelopeRecord> found,
                       store_->FindEnvelope(TransferId(1)));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->sender_id, "stockport-cs");
  EXPECT_THAT(found->recipients,
              ElementsAre("birmingham-cs", "west-midlands-police"));
  EXPECT_EQ(found->wrapped_keys.size(), 2u);
  EXPECT_EQ(found->wrapped_keys[1], std::string(80, 'b'));
  EXPECT_EQ(found->expires_at, kExpiry);
  EXPECT_EQ(found->location, CiphertextLocation::kInline);
  EXPECT_EQ(*store_->ReadInlineCiphertext(TransferId(1)), "ciphertext");
  ASSERT_OK_AND_ASSIGN(std::vector<DeliveryRecord> deliveries,
                       store_->ListDeliveries(TransferId(1)));
  ASSERT_EQ(deliveries.size(), 2u);
  EXPECT_EQ(deliveries[0].recipient_id, "birmingham-cs");
  EXPECT_EQ(deliveries[0].state, DeliveryState::kPending);
  EXPECT_LT(deliveries[0].delivery_id, deliveries[1].delivery_id);
  ASSERT_OK_AND_ASSIGN(std::optional<EnvelopeRecord> missing,
                       store_->FindEnvelope(TransferId(2)));
  EXPECT_FALSE(missing.has_value());
}

TEST_F(SqliteRouterStoreTest, TheSameEnvelopeAgainIsAlreadyStored) {
  Accept(1, "stockport-cs", {"birmingham-cs"});
  EnvelopeRecord again = FakeRecord(TransferId(1), "stockport-cs",
                                    {"birmingham-cs"}, kT0, kExpiry);
  ASSERT_OK_AND_ASSIGN(AcceptResult result,
                       store_->AcceptEnvelope(again, "ciphertext"));
  EXPECT_TRUE(result.already_stored);
  EXPECT_THAT(Claim("birmingham-cs", kT0), ::testing::SizeIs(1));

  again.signed_header = "another header";
  EXPECT_EQ(store_->AcceptEnvelope(again, "x").status().code(),
            absl::StatusCode::kAlreadyExists);
  again = FakeRecord(TransferId(1), "stockport-cs", {"birmingham-cs"}, kT0,
                     kExpiry);
  again.signature = std::string(64, 'z');
  EXPECT_EQ(store_->AcceptEnvelope(again, "x").status().code(),
            absl::StatusCode::kAlreadyExists);
}

TEST_F(SqliteRouterStoreTest, ClaimsGoInDeliveryIdOrderAndOnlyOnce) {
  Accept(1, "stockport-cs", {"birmingham-cs"});
  Accept(2, "stockport-cs", {"west-midlands-police"});
  Accept(3, "stockport-cs", {"birmingham-cs"});
  Accept(4, "stockport-cs", {"birmingham-cs"});
  std::vector<uint64_t> first = Claim("birmingham-cs", kT0, 2);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_LT(first[0], first[1]);
  std::vector<uint64_t> rest = Claim("birmingham-cs", kT0);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_GT(rest[0], first[1]);
  EXPECT_THAT(Claim("birmingham-cs", kT0), IsEmpty());  // all pushed
  EXPECT_EQ(StateOf(1, "birmingham-cs"), DeliveryState::kPushed);
  EXPECT_EQ(StateOf(2, "west-midlands-police"), DeliveryState::kPending);
}

TEST_F(SqliteRouterStoreTest, NoticesShareTheMailboxOrder) {
  Accept(1, "stockport-cs", {"birmingham-cs"});
  Accept(2, "birmingham-cs", {"stockport-cs"});  // an envelope for stockport
  ASSERT_OK_AND_ASSIGN(DeliveryOutcome receipt,
                       store_->RecordReceipt(TransferId(1), "birmingham-cs",
                                             "signed receipt", kT0));
  EXPECT_TRUE(receipt.changed);
  ASSERT_OK_AND_ASSIGN(std::vector<MailboxItem> items,
                       store_->ClaimItems("stockport-cs", kT0, 10));
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].kind, ItemKind::kEnvelope);
  EXPECT_EQ(items[0].transfer_id, TransferId(2));
  EXPECT_EQ(items[1].kind, ItemKind::kReceipt);
  EXPECT_EQ(items[1].transfer_id, TransferId(1));
  EXPECT_EQ(items[1].notice, "signed receipt");
  EXPECT_GT(items[1].delivery_id, items[0].delivery_id);
}

TEST_F(SqliteRouterStoreTest, AckStoredMovesForwardOnlyAndSkipsOthersItems) {
  Accept(1, "stockport-cs", {"birmingham-cs"});
  std::vector<uint64_t> ids = Claim("birmingham-cs", kT0);
  ASSERT_EQ(ids.size(), 1u);
  // Another agency cannot acknowledge birmingham's item.
  ASSERT_OK_AND_ASSIGN(std::vector<ItemUpdate> none,
                       store_->AckStored("stockport-cs", ids, kT0));
  EXPECT_THAT(none, IsEmpty());
  EXPECT_EQ(StateOf(1, "birmingham-cs"), DeliveryState::kPushed);

  ASSERT_OK_AND_ASSIGN(std::vector<ItemUpdate> updates,
                       store_->AckStored("birmingham-cs", ids, kT0));
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_TRUE(updates[0].changed);
  EXPECT_EQ(updates[0].item.transfer_id, TransferId(1));
  EXPECT_EQ(StateOf(1, "birmingham-cs"), DeliveryState::kStoredAtNode);

  // A receipt is final: a late duplicate ack does not undo it.
  ASSERT_OK(
      store_->RecordReceipt(TransferId(1), "birmingham-cs", "r", kT0).status());
  ASSERT_OK_AND_ASSIGN(updates, store_->AckStored("birmingham-cs", ids, kT0));
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_FALSE(updates[0].changed);
  EXPECT_EQ(StateOf(1, "birmingham-cs"), DeliveryState::kReceipted);
}

TEST_F(SqliteRouterStoreTest, AReceiptBeforeTheAckSaysItStoredTheCopyFirst) {
  // The receipt overtakes the node's ack: it is the first word of storage.
  Accept(1, "stockport-cs", {"birmingham-cs"});
  std::vector<uint64_t> ids = Claim("birmingham-cs", kT0);
  ASSERT_EQ(ids.size(), 1u);
  ASSERT_OK_AND_ASSIGN(
      DeliveryOutcome first,
      store_->RecordReceipt(TransferId(1), "birmingham-cs", "r", kT0));
  EXPECT_TRUE(first.stored_now);
  ASSERT_OK_AND_ASSIGN(std::vector<ItemUpdate> late,
                       store_->AckStored("birmingham-cs", ids, kT0));
  ASSERT_EQ(late.size(), 1u);
  EXPECT_FALSE(late[0].changed);  // so the ack logs no second DELIVERED

  // The usual order: the ack first, then the receipt adds nothing new.
  Accept(2, "stockport-cs", {"birmingham-cs"});
  std::vector<uint64_t> second_ids = Claim("birmingham-cs", kT0);
  ASSERT_EQ(second_ids.size(), 1u);
  ASSERT_OK_AND_ASSIGN(std::vector<ItemUpdate> acked,
                       store_->AckStored("birmingham-cs", second_ids, kT0));
  ASSERT_EQ(acked.size(), 1u);
  EXPECT_TRUE(acked[0].changed);
  ASSERT_OK_AND_ASSIGN(
      DeliveryOutcome receipt,
      store_->RecordReceipt(TransferId(2), "birmingham-cs", "r", kT0));
  EXPECT_FALSE(receipt.stored_now);
  EXPECT_TRUE(receipt.changed);
}

TEST_F(SqliteRouterStoreTest, ReceiptIsQueuedOnce) {
  Accept(1, "stockport-cs", {"birmingham-cs"});
  ASSERT_OK_AND_ASSIGN(
      DeliveryOutcome first,
      store_->RecordReceipt(TransferId(1), "birmingham-cs", "r", kT0));
  ASSERT_OK_AND_ASSIGN(
      DeliveryOutcome second,
      store_->RecordReceipt(TransferId(1), "birmingham-cs", "r", kT0));
  EXPECT_TRUE(first.changed);
  EXPECT_FALSE(second.changed);
  // The one recipient has it: the ciphertext goes in the same commit, once.
  ASSERT_TRUE(first.released.has_value());
  EXPECT_EQ(first.released->transfer_id, TransferId(1));
  EXPECT_EQ(first.released->location, CiphertextLocation::kInline);
  EXPECT_FALSE(second.released.has_value());
  EXPECT_THAT(Claim("stockport-cs", kT0), ::testing::SizeIs(1));
  EXPECT_EQ(store_->RecordReceipt(TransferId(9), "birmingham-cs", "r", kT0)
                .status()
                .code(),
            absl::StatusCode::kNotFound);
}

TEST_F(SqliteRouterStoreTest, ReleasedItemsWaitOutTheBackoff) {
  Accept(1, "stockport-cs", {"birmingham-cs"});
  std::vector<uint64_t> ids = Claim("birmingham-cs", kT0);
  ASSERT_EQ(ids.size(), 1u);
  config::RetryPolicy retry;  // 1s, doubling, at most 5m
  ASSERT_OK(store_->ReleaseItems("birmingham-cs", ids, kT0, retry));
  EXPECT_EQ(StateOf(1, "birmingham-cs"), DeliveryState::kPending);
  EXPECT_THAT(Claim("birmingham-cs", kT0), IsEmpty());
  ASSERT_OK_AND_ASSIGN(std::optional<absl::Time> due,
                       store_->NextDueTime("birmingham-cs", kT0));
  ASSERT_TRUE(due.has_value());
  EXPECT_EQ(*due, kT0 + absl::Seconds(1));

  // Second failure: 2s.
  ids = Claim("birmingham-cs", kT0 + absl::Seconds(1));
  ASSERT_EQ(ids.size(), 1u);
  ASSERT_OK(store_->ReleaseItems("birmingham-cs", ids, kT0 + absl::Seconds(1),
                                 retry));
  ASSERT_OK_AND_ASSIGN(std::vector<DeliveryRecord> d,
                       store_->ListDeliveries(TransferId(1)));
  EXPECT_EQ(d[0].attempts, 2);
  EXPECT_EQ(d[0].next_attempt_at, kT0 + absl::Seconds(3));
  EXPECT_THAT(Claim("birmingham-cs", kT0 + absl::Seconds(2)), IsEmpty());
  EXPECT_THAT(Claim("birmingham-cs", kT0 + absl::Seconds(3)),
              ::testing::SizeIs(1));
}

TEST_F(SqliteRouterStoreTest, BackoffGrowsToItsCeiling) {
  config::RetryPolicy retry;
  retry.initial_backoff = absl::Seconds(1);
  retry.multiplier = 3;
  retry.max_backoff = absl::Seconds(20);
  EXPECT_EQ(RetryBackoff(retry, 0), absl::ZeroDuration());
  EXPECT_EQ(RetryBackoff(retry, 1), absl::Seconds(1));
  EXPECT_EQ(RetryBackoff(retry, 2), absl::Seconds(3));
  EXPECT_EQ(RetryBackoff(retry, 3), absl::Seconds(9));
  EXPECT_EQ(RetryBackoff(retry, 4), absl::Seconds(20));
  EXPECT_EQ(RetryBackoff(retry, 1000), absl::Seconds(20));
}

TEST_F(SqliteRouterStoreTest, FinishDeliveryEndsOnceAndQueuesTheReport) {
  Accept(1, "stockport-cs", {"birmingham-cs", "west-midlands-police"});
  ASSERT_OK_AND_ASSIGN(DeliveryOutcome ended,
                       store_->FinishDelivery(TransferId(1), "birmingham-cs",
                                              DeliveryState::kExpired,
                                              "expired", "report", kT0));
  EXPECT_TRUE(ended.changed);
  EXPECT_FALSE(ended.released.has_value());  // the police still need it
  ASSERT_OK_AND_ASSIGN(
      DeliveryOutcome again,
      store_->FinishDelivery(TransferId(1), "birmingham-cs",
                             DeliveryState::kRejected, "no", "report2", kT0));
  EXPECT_FALSE(again.changed);
  EXPECT_EQ(StateOf(1, "birmingham-cs"), DeliveryState::kExpired);
  EXPECT_EQ(StateOf(1, "west-midlands-police"), DeliveryState::kPending);
  ASSERT_OK_AND_ASSIGN(std::vector<MailboxItem> items,
                       store_->ClaimItems("stockport-cs", kT0, 10));
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].kind, ItemKind::kNonDelivery);
  EXPECT_EQ(items[0].notice, "report");
  // An expired delivery is not pushed any more.
  EXPECT_THAT(Claim("birmingham-cs", kT0), IsEmpty());
  EXPECT_EQ(store_
                ->FinishDelivery(TransferId(1), "west-midlands-police",
                                 DeliveryState::kReceipted, "", "", kT0)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  // The last open delivery ends: the ciphertext is released.
  ASSERT_OK_AND_ASSIGN(
      DeliveryOutcome last,
      store_->FinishDelivery(TransferId(1), "west-midlands-police",
                             DeliveryState::kRevoked, "revoked", "r3", kT0));
  EXPECT_TRUE(last.changed);
  ASSERT_TRUE(last.released.has_value());
  ASSERT_OK_AND_ASSIGN(std::optional<EnvelopeRecord> e,
                       store_->FindEnvelope(TransferId(1)));
  EXPECT_EQ(e->location, CiphertextLocation::kDeleted);
}

TEST_F(SqliteRouterStoreTest, ListExpiredFindsOnlyOpenDeliveriesPastExpiry) {
  Accept(1, "stockport-cs", {"birmingham-cs"}, kT0 + absl::Hours(1));
  Accept(2, "stockport-cs", {"birmingham-cs"}, kT0 + absl::Hours(3));
  Accept(3, "stockport-cs", {"west-midlands-police"}, kT0 + absl::Hours(1));
  ASSERT_OK(
      store_->RecordReceipt(TransferId(3), "west-midlands-police", "r", kT0)
          .status());
  ASSERT_OK_AND_ASSIGN(std::vector<OpenDelivery> none,
                       store_->ListExpired(kT0 + absl::Minutes(59), 10));
  EXPECT_THAT(none, IsEmpty());
  ASSERT_OK_AND_ASSIGN(std::vector<OpenDelivery> due,
                       store_->ListExpired(kT0 + absl::Hours(2), 10));
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].transfer_id, TransferId(1));
  EXPECT_EQ(due[0].sender_id, "stockport-cs");
  EXPECT_EQ(due[0].recipient_id, "birmingham-cs");
  EXPECT_EQ(due[0].expires_at, kT0 + absl::Hours(1));
  // Pushed (in flight) counts as open too.
  Claim("birmingham-cs", kT0);
  ASSERT_OK_AND_ASSIGN(due, store_->ListExpired(kT0 + absl::Hours(4), 10));
  EXPECT_EQ(due.size(), 2u);
}

TEST_F(SqliteRouterStoreTest, CiphertextGoesWithTheReceiptOrPastRetention) {
  Accept(1, "stockport-cs", {"birmingham-cs"});
  Accept(2, "stockport-cs", {"birmingham-cs"});
  const absl::Time long_ago = kT0 - absl::Hours(1);
  ASSERT_OK_AND_ASSIGN(std::vector<CiphertextRef> refs,
                       store_->ListDeletableCiphertext(long_ago, 10));
  EXPECT_THAT(refs, IsEmpty());
  // Stored at the node is not enough: the router waits for the receipt.
  std::vector<uint64_t> ids = Claim("birmingham-cs", kT0);
  ASSERT_OK(store_->AckStored("birmingham-cs", ids, kT0).status());
  ASSERT_OK_AND_ASSIGN(refs, store_->ListDeletableCiphertext(long_ago, 10));
  EXPECT_THAT(refs, IsEmpty());
  ASSERT_OK_AND_ASSIGN(
      DeliveryOutcome receipt,
      store_->RecordReceipt(TransferId(1), "birmingham-cs", "r", kT0));
  ASSERT_TRUE(receipt.released.has_value());
  ASSERT_OK_AND_ASSIGN(std::optional<EnvelopeRecord> e,
                       store_->FindEnvelope(TransferId(1)));
  ASSERT_TRUE(e.has_value());  // the metadata stays
  EXPECT_EQ(e->location, CiphertextLocation::kDeleted);
  EXPECT_EQ(e->sender_id, "stockport-cs");
  EXPECT_EQ(store_->ReadInlineCiphertext(TransferId(1)).status().code(),
            absl::StatusCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(refs, store_->ListDeletableCiphertext(long_ago, 10));
  EXPECT_THAT(refs, IsEmpty());

  // Past retention, regardless of the deliveries.
  ASSERT_OK_AND_ASSIGN(
      refs, store_->ListDeletableCiphertext(kT0 + absl::Seconds(1), 10));
  ASSERT_EQ(refs.size(), 1u);
  EXPECT_EQ(refs[0].transfer_id, TransferId(2));
  ASSERT_OK(store_->MarkCiphertextDeleted(TransferId(2), kT0));
  ASSERT_OK_AND_ASSIGN(
      refs, store_->ListDeletableCiphertext(kT0 + absl::Seconds(1), 10));
  EXPECT_THAT(refs, IsEmpty());
  EXPECT_EQ(StateOf(2, "birmingham-cs"), DeliveryState::kStoredAtNode);
}

TEST_F(SqliteRouterStoreTest, RejectNoticeClosesANoticeOnly) {
  Accept(1, "stockport-cs", {"birmingham-cs"});
  Accept(2, "stockport-cs", {"birmingham-cs"});
  ASSERT_OK(
      store_->RecordReceipt(TransferId(1), "birmingham-cs", "r", kT0).status());
  ASSERT_OK_AND_ASSIGN(std::vector<MailboxItem> items,
                       store_->ClaimItems("stockport-cs", kT0, 10));
  ASSERT_EQ(items.size(), 1u);
  ASSERT_OK(store_->RejectNotice("stockport-cs", items[0].delivery_id,
                                 "unreadable", kT0));
  ASSERT_OK(store_->ReleasePushedOf("stockport-cs"));
  EXPECT_THAT(Claim("stockport-cs", kT0), IsEmpty());
  std::vector<uint64_t> envelope = Claim("birmingham-cs", kT0);
  ASSERT_EQ(envelope.size(), 1u);
  EXPECT_EQ(store_->RejectNotice("birmingham-cs", envelope[0], "x", kT0).code(),
            absl::StatusCode::kNotFound);
}

TEST_F(SqliteRouterStoreTest, ARestartKeepsEverything) {
  Accept(1, "stockport-cs", {"birmingham-cs"});
  Accept(2, "stockport-cs", {"birmingham-cs"});
  EnvelopeRecord spooled = FakeRecord(TransferId(3), "stockport-cs",
                                      {"birmingham-cs"}, kT0, kExpiry);
  spooled.location = CiphertextLocation::kSpool;
  spooled.spool_name = "t3.ciphertext";
  ASSERT_OK(store_->AcceptEnvelope(spooled, "").status());
  std::vector<uint64_t> claimed = Claim("birmingham-cs", kT0, 1);
  ASSERT_OK(store_->AckStored("birmingham-cs", claimed, kT0).status());
  Claim("birmingham-cs", kT0, 1);  // item 2 in flight when we "crash"
  ASSERT_OK(store_->RecordDirectoryVersion(7));

  Reopen();
  ASSERT_OK(store_->ReleaseAllPushed());
  EXPECT_EQ(StateOf(1, "birmingham-cs"), DeliveryState::kStoredAtNode);
  EXPECT_EQ(StateOf(2, "birmingham-cs"), DeliveryState::kPending);
  EXPECT_EQ(*store_->DirectoryVersion(), 7u);
  EXPECT_THAT(*store_->ListSpoolNames(), ElementsAre("t3.ciphertext"));
  // The envelope in flight is pushed again, with the one never pushed.
  std::vector<uint64_t> again = Claim("birmingham-cs", kT0);
  EXPECT_EQ(again.size(), 2u);
}

TEST_F(SqliteRouterStoreTest, DirectoryVersionOnlyRises) {
  EXPECT_EQ(*store_->DirectoryVersion(), 0u);
  ASSERT_OK(store_->RecordDirectoryVersion(5));
  ASSERT_OK(store_->RecordDirectoryVersion(3));
  EXPECT_EQ(*store_->DirectoryVersion(), 5u);
}

TEST_F(SqliteRouterStoreTest, ConcurrentWritersAllCommit) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 40;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, t] {
      for (int i = 0; i < kPerThread; ++i) {
        int n = t * 1000 + i;
        absl::StatusOr<AcceptResult> r =
            store_->AcceptEnvelope(FakeRecord(TransferId(n), "stockport-cs",
                                              {"birmingham-cs"}, kT0, kExpiry),
                                   "c");
        EXPECT_TRUE(r.ok()) << r.status();
        // A conflicting write in the same batch fails alone.
        EnvelopeRecord clash = FakeRecord(TransferId(n), "stockport-cs",
                                          {"birmingham-cs"}, kT0, kExpiry);
        clash.signature = std::string(64, 'q');
        EXPECT_EQ(store_->AcceptEnvelope(clash, "c").status().code(),
                  absl::StatusCode::kAlreadyExists);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  Reopen();
  std::vector<uint64_t> all = Claim("birmingham-cs", kT0, 1000);
  EXPECT_EQ(all.size(), size_t{kThreads * kPerThread});
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end()));
}

}  // namespace
}  // namespace handover::router

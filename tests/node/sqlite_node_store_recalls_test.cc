// SqliteNodeStore and a recall: FlagRecalled flags exactly the inbox
// transfers one compromised key signed (or that arrived) since the
// compromise, once each and durably; the flag shows wherever the inbox
// record is read, and ListRecalled is the admins' report.
#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "node/node_store.h"
#include "node_test_util.h"
#include "status_matchers.h"
#include "temp_dir.h"

namespace handover::node {
namespace {

using ::handover::node::testing::kT0;
using ::handover::node::testing::MakeInbox;
using ::handover::node::testing::TransferId;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

const std::string kOldKey(16, 'o');
const std::string kNewKey(16, 'n');

class NodeStoreRecallsTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }
  void Reopen() {
    store_.reset();
    ASSERT_OK_AND_ASSIGN(store_, OpenSqliteNodeStore(dir_.path() + "/node.db"));
  }
  // Transfer `n` from stockport-cs, signed by `key`, sealed a minute
  // before `received_at`.
  void Receive(int n, const std::string& key, absl::Time received_at) {
    InboxRecord r = MakeInbox(n, received_at);
    r.sender_key_id = key;
    ASSERT_OK(store_->InsertInbox(r, "", received_at).status());
  }
  RecallRequest Request(absl::Time since) {
    RecallRequest request;
    request.sender_id = "stockport-cs";
    request.sender_key_id = kOldKey;
    request.since = since;
    request.reason = "signing key 6f6f compromised since then";
    request.directory_version = 8;
    request.now = kT0 + absl::Hours(5);
    return request;
  }
  // Inbox transfer `n` as stored (an empty record if it is not there).
  InboxRecord Get(int n) {
    absl::StatusOr<std::optional<InboxRecord>> got =
        store_->GetInbox(TransferId(n));
    EXPECT_TRUE(got.ok()) << got.status();
    if (!got.ok() || !got->has_value()) {
      ADD_FAILURE() << "transfer " << n << " is not in the inbox";
      return InboxRecord();
    }
    return **got;
  }
  std::vector<std::string> Flag(const RecallRequest& request) {
    absl::StatusOr<std::vector<InboxRecord>> flagged =
        store_->FlagRecalled(request);
    EXPECT_TRUE(flagged.ok()) << flagged.status();
    std::vector<std::string> ids;
    if (flagged.ok()) {
      for (const InboxRecord& r : *flagged) ids.push_back(r.transfer_id);
    }
    return ids;
  }

  handover::testing::TempDir dir_;
  std::unique_ptr<NodeStore> store_;
};

TEST_F(NodeStoreRecallsTest, FlagsWhatTheKeySignedSinceTheCompromiseOnce) {
  Receive(1, kOldKey, kT0);                   // before: kept clean
  Receive(2, kOldKey, kT0 + absl::Hours(2));  // after: flagged
  Receive(3, kNewKey, kT0 + absl::Hours(2));  // the replacement key
  InboxRecord other = MakeInbox(4, kT0 + absl::Hours(2));
  other.sender_id = "gmp";
  other.sender_key_id = kOldKey;
  ASSERT_OK(store_->InsertInbox(other, "", kT0).status());

  const RecallRequest request = Request(kT0 + absl::Hours(1));
  EXPECT_THAT(Flag(request), ElementsAre(TransferId(2)));
  // Idempotent: the same directory again flags nothing new.
  EXPECT_THAT(Flag(request), IsEmpty());

  const InboxRecord flagged = Get(2);
  ASSERT_TRUE(flagged.recall.has_value());
  EXPECT_EQ(flagged.recall->reason, request.reason);
  EXPECT_EQ(flagged.recall->directory_version, 8u);
  EXPECT_EQ(flagged.recall->flagged_at, request.now);
  EXPECT_EQ(flagged.sender_key_id, kOldKey);
  for (int clean : {1, 3, 4}) {
    EXPECT_FALSE(Get(clean).recall.has_value()) << clean;
  }
}

TEST_F(NodeStoreRecallsTest, AcceptedAfterTheCompromiseIsFlaggedToo) {
  // Sealed before T (by its claim) but stored here after T: suspect, since
  // whoever held the key could have back-dated it.
  InboxRecord late = MakeInbox(1, kT0 + absl::Hours(2));
  late.created_at = kT0;
  late.sender_key_id = kOldKey;
  ASSERT_OK(store_->InsertInbox(late, "", kT0).status());
  EXPECT_THAT(Flag(Request(kT0 + absl::Hours(1))), ElementsAre(TransferId(1)));
}

TEST_F(NodeStoreRecallsTest,
       ATransferWithNoRecordedKeyIsFlaggedRatherThanMissed) {
  Receive(1, "", kT0 + absl::Hours(2));
  EXPECT_THAT(Flag(Request(kT0)), ElementsAre(TransferId(1)));
}

TEST_F(NodeStoreRecallsTest, TheFlagShowsInTheInboxAndTheReportAndSurvives) {
  Receive(1, kOldKey, kT0 + absl::Hours(2));
  Receive(2, kOldKey, kT0 + absl::Hours(3));
  ASSERT_OK(store_->RecordInboxFetch(TransferId(2)));
  ASSERT_OK(store_
                ->AcknowledgeInbox(TransferId(2), "SW-1", "",
                                   kT0 + absl::Hours(4), "ack-notice")
                .status());
  EXPECT_THAT(Flag(Request(kT0)), ElementsAre(TransferId(1), TransferId(2)));
  Reopen();

  ASSERT_OK_AND_ASSIGN(InboxPage page, store_->ListInbox(10, ""));
  ASSERT_EQ(page.entries.size(), 2u);
  EXPECT_TRUE(page.entries[0].recall.has_value());
  EXPECT_TRUE(page.entries[1].recall.has_value());

  ASSERT_OK_AND_ASSIGN(std::vector<RecalledInbox> report,
                       store_->ListRecalled(100));
  ASSERT_EQ(report.size(), 2u);
  // Same flag time: the newer transfer first.
  EXPECT_EQ(report[0].record.transfer_id, TransferId(2));
  EXPECT_TRUE(report[0].acknowledged);
  EXPECT_EQ(report[0].record.fetch_count, 1u);
  EXPECT_EQ(report[1].record.transfer_id, TransferId(1));
  EXPECT_FALSE(report[1].acknowledged);
  EXPECT_EQ(report[1].record.fetch_count, 0u);
  EXPECT_THAT(Flag(Request(kT0)), IsEmpty());
}

TEST_F(NodeStoreRecallsTest, RefusesAMalformedKeyId) {
  RecallRequest request = Request(kT0);
  request.sender_key_id = "short";
  EXPECT_EQ(store_->FlagRecalled(request).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace handover::node

#include "deliverylog/sqlite_delivery_log.h"

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "auditlog/merkle.h"
#include "deliverylog/log_entry_codec.h"
#include "deliverylog/log_query_sql.h"
#include "deliverylog/log_verifier.h"
#include "deliverylog/tree_head.h"
#include "gtest/gtest.h"
#include "log_test_util.h"
#include "status_matchers.h"

namespace handover::deliverylog {
namespace {

namespace v1 = handover::v1;
using testing::kStart;
using testing::LogFixture;
using testing::SampleEntry;
using testing::TransferId;

class SqliteDeliveryLogTest : public LogFixture {
 protected:
  std::vector<v1::LogEntry> All() {
    LogQuery q;
    q.limit = kMaxPageSize;
    auto page = log_->Query(q);
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? page->entries : std::vector<v1::LogEntry>{};
  }
  // The root rebuilt from the entries alone.
  std::string RebuiltRoot(uint64_t size) {
    auditlog::InMemorySubtreeHashes tree;
    for (const v1::LogEntry& e : All()) {
      if (e.index() < size)
        EXPECT_OK(tree.AppendLeafHash(auditlog::LeafHash(EncodeLeaf(e))));
    }
    auto root = auditlog::RootHash(tree, size);
    EXPECT_TRUE(root.ok()) << root.status();
    return root.ok() ? *root : "";
  }
  int64_t CountRows(absl::string_view sql) {
    auto db = sqlite::SqliteDb::Open(path());
    EXPECT_TRUE(db.ok()) << db.status();
    auto count = (*db)->Prepare(sql);
    EXPECT_TRUE(count.ok()) << count.status();
    auto row = count->Step();
    EXPECT_TRUE(row.ok() && *row);
    return count->ColumnInt(0);
  }
};

TEST_F(SqliteDeliveryLogTest, AppendAssignsIndexAndTime) {
  AppendRange(0, 2);
  v1::LogEntry timed = SampleEntry(2);
  *timed.mutable_time() = MicrosToTimestamp(5);
  timed.mutable_time()->set_nanos(timed.time().nanos() + 999);  // kept as µs
  timed.set_index(77);  // the log's to set
  ASSERT_OK_AND_ASSIGN(uint64_t index, log_->Append(timed));
  EXPECT_EQ(index, 2u);
  std::vector<v1::LogEntry> all = All();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].index(), 0u);
  EXPECT_EQ(TimestampMicros(all[0].time()),
            absl::ToUnixMicros(kStart + absl::Seconds(1)));
  EXPECT_EQ(all[1].detail(), SampleEntry(1).detail());
  EXPECT_EQ(all[2].index(), 2u);
  EXPECT_EQ(TimestampMicros(all[2].time()), 5);
  EXPECT_EQ(all[2].time().nanos() % 1000, 0);
  ASSERT_OK_AND_ASSIGN(uint64_t size, log_->Size());
  EXPECT_EQ(size, 3u);
}

TEST_F(SqliteDeliveryLogTest, OutOfBoundsAppendsAreRefusedAndStoreNothing) {
  AppendRange(0, 1);
  std::vector<v1::LogEntry> bad(9, SampleEntry(1));
  bad[0].set_view(std::string(kMaxViewBytes + 1, 'v'));
  bad[1].set_actor(std::string(kMaxActorBytes + 1, 'a'));
  bad[2].set_detail(std::string(kMaxDetailBytes + 1, 'd'));
  bad[3].set_sender(std::string(kMaxIdBytes + 1, 's'));
  bad[4].set_recipient("UPPER");
  bad[5].set_detail("line one\nline two");
  bad[6].set_transfer_id(std::string(15, 't'));
  bad[7].set_event(v1::LOG_EVENT_KIND_UNSPECIFIED);
  bad[8].set_envelope_hash(std::string(33, 'h'));
  for (const v1::LogEntry& e : bad) {
    EXPECT_EQ(log_->Append(e).status().code(),
              absl::StatusCode::kInvalidArgument);
  }
  ASSERT_OK_AND_ASSIGN(uint64_t size, log_->Size());
  EXPECT_EQ(size, 1u);
  Reopen();
  ASSERT_OK_AND_ASSIGN(size, log_->Size());
  EXPECT_EQ(size, 1u);
  EXPECT_EQ(CountRows("SELECT count(*) FROM log_entries"), 1);
}

TEST_F(SqliteDeliveryLogTest, StoresEveryCompletedSubtree) {
  AppendRange(0, 8);
  // Levels 1, 2 and 3 of an 8-leaf tree: 4 + 2 + 1 nodes.
  EXPECT_EQ(CountRows("SELECT count(*) FROM log_nodes"), 7);
  EXPECT_EQ(CountRows("SELECT max(level) FROM log_nodes"), 3);
}

TEST_F(SqliteDeliveryLogTest, PublishedHeadsSignTheRebuiltRoot) {
  ASSERT_OK_AND_ASSIGN(std::optional<v1::SignedTreeHead> none,
                       log_->LatestTreeHead());
  EXPECT_FALSE(none.has_value());
  v1::SignedTreeHead empty = Publish();
  EXPECT_EQ(empty.tree_size(), 0u);
  EXPECT_EQ(empty.root_hash(), auditlog::EmptyTreeHash());
  for (int size : {1, 2, 3, 7, 8, 13}) {
    AppendRange(static_cast<int>(All().size()), size);
    v1::SignedTreeHead head = Publish();
    EXPECT_EQ(head.tree_size(), static_cast<uint64_t>(size));
    EXPECT_EQ(head.root_hash(), RebuiltRoot(size)) << size;
    EXPECT_OK(VerifyTreeHead(head, Keys()));
    EXPECT_EQ(TimestampMicros(head.timestamp()),
              absl::ToUnixMicros(clock_.Now()));
    ASSERT_OK_AND_ASSIGN(std::optional<v1::SignedTreeHead> latest,
                         log_->LatestTreeHead());
    ASSERT_TRUE(latest.has_value());
    EXPECT_EQ(latest->SerializeAsString(), head.SerializeAsString());
  }
}

TEST_F(SqliteDeliveryLogTest, RepublishingWithoutAppendsSignsAFreshHead) {
  AppendRange(0, 3);
  v1::SignedTreeHead first = Publish();
  v1::SignedTreeHead second = Publish();
  EXPECT_EQ(second.tree_size(), first.tree_size());
  EXPECT_EQ(second.root_hash(), first.root_hash());
  EXPECT_NE(second.timestamp().seconds(), first.timestamp().seconds());
  // The same moment twice is stored once and still returned.
  clock_.Advance(absl::Seconds(1));
  ASSERT_OK_AND_ASSIGN(v1::SignedTreeHead again, log_->PublishTreeHead());
  ASSERT_OK_AND_ASSIGN(v1::SignedTreeHead same, log_->PublishTreeHead());
  EXPECT_EQ(again.SerializeAsString(), same.SerializeAsString());
  EXPECT_EQ(CountRows("SELECT count(*) FROM tree_heads"), 3);
}

TEST_F(SqliteDeliveryLogTest, PublishWithoutASignerIsFailedPrecondition) {
  log_.reset();
  SqliteDeliveryLogOptions o = Options();
  o.signer = nullptr;
  ASSERT_OK_AND_ASSIGN(auto unsigned_log, SqliteDeliveryLog::Open(o));
  EXPECT_OK(unsigned_log->Append(SampleEntry(0)).status());
  EXPECT_EQ(unsigned_log->PublishTreeHead().status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(SqliteDeliveryLogTest, ReopeningKeepsSizeAndRoot) {
  AppendRange(0, 11);
  v1::SignedTreeHead before = Publish();
  Reopen();
  ASSERT_OK_AND_ASSIGN(uint64_t size, log_->Size());
  EXPECT_EQ(size, 11u);
  ASSERT_OK_AND_ASSIGN(std::optional<v1::SignedTreeHead> latest,
                       log_->LatestTreeHead());
  ASSERT_TRUE(latest.has_value());
  EXPECT_EQ(latest->SerializeAsString(), before.SerializeAsString());
  v1::SignedTreeHead after = Publish();
  EXPECT_EQ(after.tree_size(), 11u);
  EXPECT_EQ(after.root_hash(), before.root_hash());
  AppendRange(11, 12);  // appends continue at the next index
}

TEST_F(SqliteDeliveryLogTest, AnotherLogsFileIsRefused) {
  AppendRange(0, 1);
  log_.reset();
  SqliteDeliveryLogOptions o = Options();
  o.log_id = "birmingham-cs";
  absl::Status s = SqliteDeliveryLog::Open(o).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  EXPECT_NE(s.message().find("stockport-cs"), absl::string_view::npos) << s;
  EXPECT_NE(s.message().find("birmingham-cs"), absl::string_view::npos) << s;
  o.log_id = "Not An Id";
  EXPECT_EQ(SqliteDeliveryLog::Open(o).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(SqliteDeliveryLogTest, InclusionAndConsistencyProofsVerify) {
  std::vector<v1::SignedTreeHead> heads;
  for (int size : {1, 2, 5, 8, 13, 16, 17}) {
    AppendRange(static_cast<int>(All().size()), size);
    heads.push_back(Publish());
  }
  const std::vector<v1::LogEntry> entries = All();
  for (const v1::SignedTreeHead& head : heads) {
    for (uint64_t i = 0; i < head.tree_size(); ++i) {
      ASSERT_OK_AND_ASSIGN(v1::InclusionProof proof,
                           log_->ProveInclusion(i, head.tree_size()));
      EXPECT_EQ(proof.leaf_index(), i);
      EXPECT_EQ(proof.tree_size(), head.tree_size());
      const std::vector<std::string> path(proof.hashes().begin(),
                                          proof.hashes().end());
      EXPECT_OK(auditlog::VerifyInclusion(
          i, head.tree_size(), auditlog::LeafHash(EncodeLeaf(entries[i])), path,
          head.root_hash()));
      // And not for a neighbouring entry.
      const v1::LogEntry& other = entries[(i + 1) % entries.size()];
      EXPECT_FALSE(
          auditlog::VerifyInclusion(i, head.tree_size(),
                                    auditlog::LeafHash(EncodeLeaf(other)), path,
                                    head.root_hash())
              .ok());
    }
    for (const v1::SignedTreeHead& older : heads) {
      if (older.tree_size() > head.tree_size()) continue;
      ASSERT_OK_AND_ASSIGN(
          v1::ConsistencyProof proof,
          log_->ProveConsistency(older.tree_size(), head.tree_size()));
      const std::vector<std::string> path(proof.hashes().begin(),
                                          proof.hashes().end());
      EXPECT_OK(auditlog::VerifyConsistency(older.tree_size(), head.tree_size(),
                                            older.root_hash(), head.root_hash(),
                                            path));
    }
  }
}

TEST_F(SqliteDeliveryLogTest, ProofsOutOfRangeAreInvalidArgument) {
  AppendRange(0, 5);
  for (auto [index, size] : {std::pair<uint64_t, uint64_t>{5, 5},
                             {0, 6},
                             {0, 0},
                             {uint64_t{1} << 63, 5}}) {
    EXPECT_EQ(log_->ProveInclusion(index, size).status().code(),
              absl::StatusCode::kInvalidArgument);
  }
  for (auto [old_size, new_size] :
       {std::pair<uint64_t, uint64_t>{0, 5}, {4, 3}, {3, 6}}) {
    EXPECT_EQ(log_->ProveConsistency(old_size, new_size).status().code(),
              absl::StatusCode::kInvalidArgument);
  }
}

TEST_F(SqliteDeliveryLogTest, ConcurrentAppendsGetDistinctIndexes) {
  constexpr int kThreads = 4;
  constexpr int kEach = 25;
  std::vector<std::thread> threads;
  std::vector<std::vector<uint64_t>> got(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        auto index = log_->Append(SampleEntry(t * kEach + i));
        if (index.ok()) got[t].push_back(*index);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  std::vector<uint64_t> all;
  for (const auto& g : got) all.insert(all.end(), g.begin(), g.end());
  std::sort(all.begin(), all.end());
  ASSERT_EQ(all.size(), static_cast<size_t>(kThreads * kEach));
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i], i);
  Publish();
  ASSERT_OK_AND_ASSIGN(VerifyReport report,
                       VerifyLogDatabase(path(), Keys(), std::nullopt));
  EXPECT_TRUE(report.ok) << report.problem;
}

}  // namespace
}  // namespace handover::deliverylog

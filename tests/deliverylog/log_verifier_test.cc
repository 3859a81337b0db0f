// Tamper detection: each kind of edit made directly in the database file
// with plain SQL, as someone with the file but not the log's key could.
#include "deliverylog/log_verifier.h"

#include <sys/stat.h>

#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "auditlog/merkle.h"
#include "crypto/identity.h"
#include "deliverylog/log_entry_codec.h"
#include "deliverylog/tree_head.h"
#include "gtest/gtest.h"
#include "log_test_util.h"
#include "status_matchers.h"

namespace handover::deliverylog {
namespace {

namespace v1 = handover::v1;
using testing::LogFixture;
using testing::SampleEntry;

bool Contains(absl::string_view text, absl::string_view part) {
  return text.find(part) != absl::string_view::npos;
}

// 12 entries with heads at sizes 4, 8 and 12.
class LogVerifierTest : public LogFixture {
 protected:
  void SetUp() override {
    LogFixture::SetUp();
    for (int size : {4, 8, 12}) {
      AppendRange(size - 4, size);
      heads_.push_back(Publish());
    }
  }

  VerifyReport Verify(
      const std::optional<v1::SignedTreeHead>& trusted = std::nullopt) {
    log_.reset();
    auto report = VerifyLogDatabase(path(), Keys(), trusted);
    EXPECT_TRUE(report.ok()) << report.status();
    return report.ok() ? *report : VerifyReport{};
  }

  // Rewrites entry `index`'s detail AND its leaf hash, as a careful editor
  // who knows the leaf format would.
  void EditConsistently(int index, absl::string_view detail) {
    log_.reset();
    v1::LogEntry e = SampleEntry(index);
    e.set_index(index);
    e.set_detail(std::string(detail));
    auto db = sqlite::SqliteDb::Open(path());
    ASSERT_TRUE(db.ok()) << db.status();
    auto time =
        (*db)->Prepare("SELECT time_us FROM log_entries WHERE idx = ?1");
    ASSERT_TRUE(time.ok());
    time->Bind(1, int64_t{index});
    ASSERT_OK_AND_ASSIGN(bool has_row, time->Step());
    ASSERT_TRUE(has_row);
    *e.mutable_time() = MicrosToTimestamp(time->ColumnInt(0));
    auto update = (*db)->Prepare(
        "UPDATE log_entries SET detail = ?1, leaf_hash = ?2 WHERE idx = ?3");
    ASSERT_TRUE(update.ok());
    update->Bind(1, detail)
        .BindBlob(2, auditlog::LeafHash(EncodeLeaf(e)))
        .Bind(3, int64_t{index});
    ASSERT_OK(update->Run());
  }

  // Starts again with an untouched log in a new file.
  void Fresh() {
    log_.reset();
    heads_.clear();
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::remove((path() + suffix).c_str());
    }
    SetUp();
  }

  std::vector<v1::SignedTreeHead> heads_;
};

TEST_F(LogVerifierTest, AnUntouchedLogVerifies) {
  VerifyReport r = Verify(heads_[1]);
  EXPECT_TRUE(r.ok) << r.problem;
  EXPECT_EQ(r.entries, 12u);
  EXPECT_EQ(r.tree_heads, 4u);  // three stored, one trusted
  EXPECT_TRUE(r.problem.empty());
  EXPECT_FALSE(r.first_bad_index.has_value());
  ASSERT_TRUE(r.latest_verified_head.has_value());
  EXPECT_EQ(r.latest_verified_head->SerializeAsString(),
            heads_[2].SerializeAsString());
}

TEST_F(LogVerifierTest, AnEditedColumnIsFound) {
  Tamper("UPDATE log_entries SET recipient = 'agency-9' WHERE idx = 5");
  VerifyReport r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_index, 5u);
  EXPECT_TRUE(Contains(r.problem, "entry 5 was edited")) << r.problem;
  EXPECT_EQ(r.entries, 5u);
}

TEST_F(LogVerifierTest, EachEditedColumnIsFound) {
  for (const char* set :
       {"time_us = time_us + 1", "event = 13", "transfer_id = x''",
        "sender = 'agency-9'", "view = 'health'", "size = size + 1",
        "envelope_hash = zeroblob(32)", "actor = 'operator'",
        "detail = 'nothing happened'", "event = 4294967298"}) {
    Fresh();
    Tamper(absl::StrCat("UPDATE log_entries SET ", set, " WHERE idx = 5"));
    VerifyReport r = Verify();
    EXPECT_FALSE(r.ok) << set;
    EXPECT_EQ(r.first_bad_index, 5u) << set;
  }
}

TEST_F(LogVerifierTest, ADeletedEntryIsFound) {
  Tamper("DELETE FROM log_entries WHERE idx = 5");
  VerifyReport r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_index, 5u);
  EXPECT_TRUE(Contains(r.problem, "entry 5 is missing")) << r.problem;
}

TEST_F(LogVerifierTest, SwappedEntriesAreFound) {
  // Swap every column but idx, stored leaf hashes included.
  Tamper(R"sql(
    CREATE TEMP TABLE a AS SELECT * FROM log_entries WHERE idx = 3;
    CREATE TEMP TABLE b AS SELECT * FROM log_entries WHERE idx = 6;
    DELETE FROM log_entries WHERE idx IN (3, 6);
    INSERT INTO log_entries SELECT 3, time_us, event, transfer_id, sender,
      recipient, view, size, envelope_hash, actor, detail, leaf_hash FROM b;
    INSERT INTO log_entries SELECT 6, time_us, event, transfer_id, sender,
      recipient, view, size, envelope_hash, actor, detail, leaf_hash FROM a;
  )sql");
  VerifyReport r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_index, 3u);
  EXPECT_TRUE(Contains(r.problem, "entry 3 was edited")) << r.problem;
}

TEST_F(LogVerifierTest, ATruncatedLogIsFound) {
  Tamper("DELETE FROM log_entries WHERE idx >= 10");
  VerifyReport r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_index, 10u);
  EXPECT_TRUE(Contains(r.problem,
                       "the log holds 10 entries but a tree head "
                       "signed at"))
      << r.problem;
  EXPECT_TRUE(Contains(r.problem, "covers 12")) << r.problem;
  EXPECT_EQ(r.latest_verified_head->tree_size(), 8u);
}

TEST_F(LogVerifierTest, AConsistentEditIsFoundThroughTheTreeHead) {
  EditConsistently(5, "nothing happened");
  VerifyReport r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.entries, 12u);         // each entry matches its own leaf hash
  EXPECT_EQ(r.first_bad_index, 4u);  // the last head still proven
  EXPECT_TRUE(Contains(r.problem,
                       "entries before 8 no longer match the tree "
                       "head signed at " +
                           TreeHeadTimeText(heads_[1])))
      << r.problem;
}

TEST_F(LogVerifierTest, EditedStoredNodesAreNotTrusted) {
  // The verifier rebuilds the tree; the stored nodes do not matter.
  Tamper("UPDATE log_nodes SET hash = zeroblob(32)");
  VerifyReport r = Verify();
  EXPECT_TRUE(r.ok) << r.problem;
}

TEST_F(LogVerifierTest, AnAlteredTreeHeadIsFound) {
  for (const char* set :
       {"root_hash = zeroblob(32)", "signature = zeroblob(64)",
        "time_us = time_us + 1", "tree_size = 7"}) {
    Fresh();
    Tamper(absl::StrCat("UPDATE tree_heads SET ", set, " WHERE tree_size = 8"));
    VerifyReport r = Verify();
    EXPECT_FALSE(r.ok) << set;
    EXPECT_TRUE(Contains(r.problem, "does not verify")) << set << r.problem;
    EXPECT_FALSE(r.first_bad_index.has_value());
  }
}

TEST_F(LogVerifierTest, AHeadSignedByAnotherKeyIsFound) {
  // Someone edits entry 5 and signs a matching head with their own key.
  EditConsistently(5, "nothing happened");
  ASSERT_OK_AND_ASSIGN(crypto::SecretIdentity forger,
                       crypto::SecretIdentity::Generate(kLogId));
  SqliteDeliveryLogOptions o = Options();
  o.signer = std::make_shared<crypto::SecretIdentity>(std::move(forger));
  ASSERT_OK_AND_ASSIGN(auto forged_log, SqliteDeliveryLog::Open(o));
  clock_.Advance(absl::Seconds(1));
  ASSERT_OK(forged_log->PublishTreeHead().status());
  forged_log.reset();
  Tamper(
      "DELETE FROM tree_heads WHERE signer_key_id != (SELECT signer_key_id "
      "FROM tree_heads ORDER BY rowid DESC LIMIT 1)");
  VerifyReport r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(Contains(r.problem, "unknown key")) << r.problem;
}

TEST_F(LogVerifierTest, DeletedHeadsAreCaughtByATrustedHead) {
  EditConsistently(5, "nothing happened");
  Tamper("DELETE FROM tree_heads");
  // With nothing signed left, the edit cannot be seen from the file alone,
  VerifyReport alone = Verify();
  EXPECT_TRUE(alone.ok) << alone.problem;
  EXPECT_FALSE(alone.latest_verified_head.has_value());
  // but a head kept elsewhere (a receipt, an earlier export) shows it.
  VerifyReport r = Verify(heads_[2]);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_index, 0u);
  EXPECT_TRUE(Contains(r.problem,
                       "entries before 12 no longer match the "
                       "trusted tree head"))
      << r.problem;
}

TEST_F(LogVerifierTest, ATrustedHeadCatchesTruncation) {
  Tamper("DELETE FROM tree_heads; DELETE FROM log_entries WHERE idx >= 9");
  VerifyReport r = Verify(heads_[2]);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_index, 9u);
  EXPECT_TRUE(Contains(r.problem,
                       "the log holds 9 entries but the trusted "
                       "tree head"))
      << r.problem;
}

TEST_F(LogVerifierTest, ATrustedHeadMustBeForThisLogAndVerify) {
  v1::SignedTreeHead other = heads_[1];
  other.set_log_id("birmingham-cs");
  VerifyReport r = Verify(other);
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(Contains(r.problem, "another log")) << r.problem;
  v1::SignedTreeHead forged = heads_[1];
  forged.mutable_root_hash()->front() ^= 1;
  r = Verify(forged);
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(Contains(r.problem, "does not verify")) << r.problem;
}

// Runs `then` once, after the first entry is read.
class ThenGrow final : public EntrySource {
 public:
  ThenGrow(EntrySource& inner, std::function<void()> then)
      : inner_(inner), then_(std::move(then)) {}
  absl::StatusOr<bool> Next(v1::LogEntry* e,
                            std::optional<std::string>* leaf) override {
    absl::StatusOr<bool> more = inner_.Next(e, leaf);
    if (then_) std::exchange(then_, nullptr)();
    return more;
  }

 private:
  EntrySource& inner_;
  std::function<void()> then_;
};

TEST_F(LogVerifierTest, ReadsOneSnapshotWhileTheLogGrows) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<LogDatabaseReader> reader,
                       LogDatabaseReader::Open(path()));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<EntrySource> entries, reader->Entries());
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<TreeHeadSource> heads,
                       reader->TreeHeads());
  // The daemon appends and signs a head while the verifier reads.
  ThenGrow growing(*entries, [this] {
    AppendRange(12, 14);
    Publish();
  });
  ASSERT_OK_AND_ASSIGN(
      VerifyReport r,
      VerifyEntries(reader->log_id(), growing, *heads, Keys(), std::nullopt));
  EXPECT_TRUE(r.ok) << r.problem;
  EXPECT_EQ(r.entries, 12u);
  EXPECT_EQ(r.tree_heads, 3u);
}

TEST_F(LogVerifierTest, AMissingFileIsNotFoundAndNotCreated) {
  const std::string missing = dir_.path() + "/no-such.db";
  EXPECT_EQ(VerifyLogDatabase(missing, Keys(), std::nullopt).status().code(),
            absl::StatusCode::kNotFound);
  struct stat st;
  EXPECT_NE(::stat(missing.c_str(), &st), 0);
}

TEST_F(LogVerifierTest, AnotherDatabaseIsFailedPrecondition) {
  const std::string other = dir_.path() + "/other.db";
  {
    ASSERT_OK_AND_ASSIGN(auto db, sqlite::SqliteDb::Open(other));
    ASSERT_OK(db->Exec("CREATE TABLE alerts(x)"));
  }
  EXPECT_EQ(VerifyLogDatabase(other, Keys(), std::nullopt).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

// VerifyEntries over sources in memory: the cases a database's primary
// key cannot hold.
class VectorEntries final : public EntrySource {
 public:
  explicit VectorEntries(std::vector<v1::LogEntry> entries)
      : entries_(std::move(entries)) {}
  absl::StatusOr<bool> Next(v1::LogEntry* e,
                            std::optional<std::string>* leaf) override {
    leaf->reset();
    if (next_ == entries_.size()) return false;
    *e = entries_[next_++];
    return true;
  }

 private:
  std::vector<v1::LogEntry> entries_;
  size_t next_ = 0;
};

class NoHeads final : public TreeHeadSource {
 public:
  absl::StatusOr<bool> Next(v1::SignedTreeHead*) override { return false; }
};

TEST(VerifyEntriesTest, ARepeatedIndexIsFound) {
  std::vector<v1::LogEntry> entries;
  for (int i : {0, 1, 2, 2, 3}) {
    v1::LogEntry e = SampleEntry(i);
    e.set_index(i);
    *e.mutable_time() = MicrosToTimestamp(i);
    entries.push_back(e);
  }
  VectorEntries source(entries);
  NoHeads heads;
  ASSERT_OK_AND_ASSIGN(VerifyReport r, VerifyEntries("stockport-cs", source,
                                                     heads, {}, std::nullopt));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_index, 2u);
  EXPECT_TRUE(Contains(r.problem, "entry 2 appears again")) << r.problem;
}

TEST(VerifyEntriesTest, AMalformedEntryIsFound) {
  v1::LogEntry e = SampleEntry(0);
  *e.mutable_time() = MicrosToTimestamp(0);
  e.set_detail("two\nlines");
  VectorEntries source({e});
  NoHeads heads;
  ASSERT_OK_AND_ASSIGN(VerifyReport r, VerifyEntries("stockport-cs", source,
                                                     heads, {}, std::nullopt));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_index, 0u);
  EXPECT_TRUE(Contains(r.problem, "entry 0 was edited")) << r.problem;
}

}  // namespace
}  // namespace handover::deliverylog

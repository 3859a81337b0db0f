#include "deliverylog/sqlite_delivery_log.h"

#include <algorithm>
#include <limits>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "auditlog/merkle.h"
#include "common/status_macros.h"
#include "deliverylog/log_entry_codec.h"
#include "deliverylog/tree_head.h"

namespace handover::deliverylog {
namespace {

namespace v1 = handover::v1;

// The schema, a contract with log_verifier.cc, log_export.cc and the
// tests; change it only with a new 'format'.
// - log_meta: 'format' = '1' and 'log_id', the log's owner;
//   'time_regression_us' (see kTimeRegressionKey).
// - log_entries: one row per entry; idx is its leaf index; times are Unix
//   microseconds; leaf_hash = auditlog::LeafHash(EncodeLeaf(entry)).
// - log_nodes: the hash of every perfect subtree of level >= 1 (level 0 is
//   log_entries.leaf_hash), written with the append that completes it.
// - tree_heads: every head PublishTreeHead signed.
// The secondary indexes end in idx (explicitly, or as the rowid), so each
// equality filter walks its matches in log order and a page stops early.
constexpr absl::string_view kSchema = R"sql(
CREATE TABLE IF NOT EXISTS log_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS log_entries(idx INTEGER PRIMARY KEY, time_us INTEGER NOT NULL, event INTEGER NOT NULL, transfer_id BLOB NOT NULL, sender TEXT NOT NULL, recipient TEXT NOT NULL, view TEXT NOT NULL, size INTEGER NOT NULL, envelope_hash BLOB NOT NULL, actor TEXT NOT NULL, detail TEXT NOT NULL, leaf_hash BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS log_entries_transfer ON log_entries(transfer_id) WHERE length(transfer_id) > 0;
CREATE INDEX IF NOT EXISTS log_entries_time ON log_entries(time_us);
CREATE INDEX IF NOT EXISTS log_entries_event ON log_entries(event, idx);
CREATE INDEX IF NOT EXISTS log_entries_sender ON log_entries(sender, idx);
CREATE INDEX IF NOT EXISTS log_entries_recipient ON log_entries(recipient, idx);
CREATE TABLE IF NOT EXISTS log_nodes(level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL, PRIMARY KEY(level, idx)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS tree_heads(tree_size INTEGER NOT NULL, time_us INTEGER NOT NULL, root_hash BLOB NOT NULL, signature BLOB NOT NULL, signer_key_id BLOB NOT NULL, log_id TEXT NOT NULL, PRIMARY KEY(tree_size, time_us));
)sql";

constexpr absl::string_view kFormat = "1";
// The most any entry's time lies before the newest time of the entries
// before it, in decimal microseconds; absent while times never decrease.
// Written with the entry that raises it (rare: a clock stepped back, a
// caller's own time). It lets a query turn a time range into an index
// range (sqlite_delivery_log_query.cc). A query hint only: verification
// ignores it.
constexpr absl::string_view kTimeRegressionKey = "time_regression_us";

constexpr absl::string_view kEntryColumns =
    "idx, time_us, event, transfer_id, sender, recipient, view, size, "
    "envelope_hash, actor, detail";

constexpr absl::string_view kHeadColumns =
    "tree_size, time_us, root_hash, signature, signer_key_id, log_id";

// Reads kHeadColumns.
v1::SignedTreeHead ReadHead(const sqlite::Statement& row) {
  v1::SignedTreeHead h;
  h.set_tree_size(static_cast<uint64_t>(row.ColumnInt(0)));
  *h.mutable_timestamp() = MicrosToTimestamp(row.ColumnInt(1));
  h.set_root_hash(row.ColumnBlob(2));
  h.set_signature(row.ColumnBlob(3));
  h.set_signer_key_id(row.ColumnBlob(4));
  h.set_log_id(row.ColumnText(5));
  return h;
}

// Steps a one-row look-up and rewinds it, so no statement is left holding
// a read transaction. nullopt if there is no row.
absl::StatusOr<std::optional<std::string>> LookupBlob(sqlite::Statement& s) {
  absl::StatusOr<bool> has_row = s.Step();
  std::optional<std::string> out;
  if (has_row.ok() && *has_row) out = s.ColumnBlob(0);
  s.Reset();
  if (!has_row.ok()) return has_row.status();
  return out;
}

absl::Status CheckMeta(sqlite::SqliteDb& db, const std::string& log_id) {
  ASSIGN_OR_RETURN(sqlite::Statement get,
                   db.Prepare("SELECT value FROM log_meta WHERE key = ?1"));
  ASSIGN_OR_RETURN(
      sqlite::Statement put,
      db.Prepare("INSERT OR IGNORE INTO log_meta(key, value) VALUES(?1, ?2)"));
  const std::pair<absl::string_view, absl::string_view> want[] = {
      {"format", kFormat}, {"log_id", log_id}};
  for (const auto& [key, value] : want) {
    put.Reset();
    put.Bind(1, key).Bind(2, value);
    RETURN_IF_ERROR(put.Run());
    get.Reset();
    get.Bind(1, key);
    ASSIGN_OR_RETURN(bool has_row, get.Step());
    const std::string stored = has_row ? get.ColumnText(0) : "";
    get.Reset();
    if (stored == value) continue;
    if (key == "format") {
      return absl::FailedPreconditionError(
          absl::StrCat("delivery log ", db.path(), " has format \"", stored,
                       "\"; this build reads format ", kFormat));
    }
    return absl::FailedPreconditionError(
        absl::StrCat("delivery log ", db.path(), " belongs to log \"", stored,
                     "\", not \"", log_id, "\""));
  }
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> ReadSize(sqlite::SqliteDb& db) {
  ASSIGN_OR_RETURN(sqlite::Statement max,
                   db.Prepare("SELECT max(idx) FROM log_entries"));
  ASSIGN_OR_RETURN(bool has_row, max.Step());
  if (!has_row || max.ColumnIsNull(0)) return 0;
  const int64_t last = max.ColumnInt(0);
  if (last < 0) {
    return absl::DataLossError(absl::StrCat(
        "delivery log ", db.path(), " holds an entry with a negative index"));
  }
  return static_cast<uint64_t>(last) + 1;
}

// kTimeRegressionKey's value; nullopt if it is unreadable.
absl::StatusOr<std::optional<int64_t>> ReadTimeRegression(
    sqlite::SqliteDb& db) {
  ASSIGN_OR_RETURN(sqlite::Statement get,
                   db.Prepare("SELECT value FROM log_meta WHERE key = ?1"));
  get.Bind(1, kTimeRegressionKey);
  ASSIGN_OR_RETURN(bool has_row, get.Step());
  if (!has_row) return std::optional<int64_t>(0);
  int64_t regression;
  if (!absl::SimpleAtoi(get.ColumnText(0), &regression) || regression < 0) {
    return std::nullopt;
  }
  return regression;
}

// The newest entry time; the earliest time there is for an empty log.
absl::StatusOr<int64_t> ReadMaxTime(sqlite::SqliteDb& db) {
  ASSIGN_OR_RETURN(sqlite::Statement max,
                   db.Prepare("SELECT max(time_us) FROM log_entries"));
  ASSIGN_OR_RETURN(bool has_row, max.Step());
  if (!has_row || max.ColumnIsNull(0)) {
    return std::numeric_limits<int64_t>::min();
  }
  return max.ColumnInt(0);
}

}  // namespace

// Prepared once, reused under the mutex.
struct SqliteDeliveryLog::Statements {
  sqlite::Statement insert_entry;
  sqlite::Statement insert_node;
  sqlite::Statement leaf_hash;
  sqlite::Statement node_hash;
  sqlite::Statement insert_head;
  sqlite::Statement latest_head;
};

// The stored tree as auditlog sees it, limited to the first `size` leaves
// so that nothing beyond the committed size is ever read.
class SqliteDeliveryLog::StoredHashes final : public auditlog::SubtreeHashes {
 public:
  StoredHashes(Statements* statements, uint64_t size)
      : statements_(statements), size_(size) {}

  absl::StatusOr<std::string> PerfectSubtree(int level,
                                             uint64_t index) const override {
    if (level < 0 || level >= 63 || index >= (size_ >> level)) {
      return absl::NotFoundError(absl::StrCat(
          "subtree (level ", level, ", index ", index, ") is not complete"));
    }
    sqlite::Statement& s =
        level == 0 ? statements_->leaf_hash : statements_->node_hash;
    s.Reset();
    if (level == 0) {
      s.Bind(1, static_cast<int64_t>(index));
    } else {
      s.Bind(1, int64_t{level}).Bind(2, static_cast<int64_t>(index));
    }
    ASSIGN_OR_RETURN(std::optional<std::string> hash, LookupBlob(s));
    // Every complete subtree is stored with the append that completed it,
    // so a missing one means a damaged file.
    if (!hash.has_value()) {
      return absl::DataLossError(
          absl::StrCat("delivery log: stored subtree (level ", level,
                       ", index ", index, ") is missing"));
    }
    if (hash->size() != auditlog::kHashBytes) {
      return absl::DataLossError(
          absl::StrCat("delivery log: stored subtree (level ", level,
                       ", index ", index, ") is ", hash->size(), " bytes"));
    }
    return *std::move(hash);
  }

 private:
  Statements* statements_;
  uint64_t size_;
};

absl::StatusOr<std::unique_ptr<SqliteDeliveryLog>> SqliteDeliveryLog::Open(
    const SqliteDeliveryLogOptions& options) {
  if (absl::Status s = crypto::ValidateAgencyId(options.log_id); !s.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("delivery log id is not an agency id: ", s.message()));
  }
  if (options.clock == nullptr) {
    return absl::InvalidArgumentError("delivery log needs a clock");
  }
  ASSIGN_OR_RETURN(std::unique_ptr<sqlite::SqliteDb> db,
                   sqlite::SqliteDb::Open(options.path));
  RETURN_IF_ERROR(db->Exec(kSchema));
  // Durability: appends commit with synchronous=NORMAL. In WAL mode a
  // committed append then survives a crash of the process; only a power
  // loss or kernel crash can drop the newest appends (never corrupt the
  // file). Measured, fsync was about 60% of an append's cost (215 µs vs
  // 81 µs per entry on the development VM; more on disks with real
  // flushes). PublishTreeHead commits with synchronous=FULL, which syncs
  // every earlier append too, so no head that leaves this process can
  // cover an entry a power loss could drop; that would look like
  // truncation to `handover log verify`.
  RETURN_IF_ERROR(db->Exec("PRAGMA synchronous=NORMAL"));
  RETURN_IF_ERROR(CheckMeta(*db, options.log_id));
  ASSIGN_OR_RETURN(uint64_t size, ReadSize(*db));
  ASSIGN_OR_RETURN(int64_t max_time_us, ReadMaxTime(*db));
  ASSIGN_OR_RETURN(std::optional<int64_t> time_regression_us,
                   ReadTimeRegression(*db));
  auto prepare = [&db](absl::string_view sql) { return db->Prepare(sql); };
  ASSIGN_OR_RETURN(
      sqlite::Statement insert_entry,
      prepare(absl::StrCat("INSERT INTO log_entries(", kEntryColumns,
                           ", leaf_hash) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, "
                           "?8, ?9, ?10, ?11, ?12)")));
  ASSIGN_OR_RETURN(
      sqlite::Statement insert_node,
      prepare("INSERT INTO log_nodes(level, idx, hash) VALUES(?1, ?2, ?3)"));
  ASSIGN_OR_RETURN(sqlite::Statement leaf_hash,
                   prepare("SELECT leaf_hash FROM log_entries WHERE idx = ?1"));
  ASSIGN_OR_RETURN(
      sqlite::Statement node_hash,
      prepare("SELECT hash FROM log_nodes WHERE level = ?1 AND idx = ?2"));
  // Signing the same size at the same microsecond twice yields the same
  // head (Ed25519 is deterministic), so a repeat is simply kept once.
  ASSIGN_OR_RETURN(
      sqlite::Statement insert_head,
      prepare(absl::StrCat("INSERT OR IGNORE INTO tree_heads(", kHeadColumns,
                           ") VALUES(?1, ?2, ?3, ?4, ?5, ?6)")));
  // The newest is the last one stored.
  ASSIGN_OR_RETURN(sqlite::Statement latest_head,
                   prepare(absl::StrCat("SELECT ", kHeadColumns,
                                        " FROM tree_heads ORDER BY rowid DESC "
                                        "LIMIT 1")));
  auto statements = std::make_unique<Statements>(Statements{
      std::move(insert_entry), std::move(insert_node), std::move(leaf_hash),
      std::move(node_hash), std::move(insert_head), std::move(latest_head)});
  return std::unique_ptr<SqliteDeliveryLog>(new SqliteDeliveryLog(
      options, std::move(db), std::move(statements), size, max_time_us,
      time_regression_us.value_or(kUnknownRegression)));
}

SqliteDeliveryLog::SqliteDeliveryLog(SqliteDeliveryLogOptions options,
                                     std::unique_ptr<sqlite::SqliteDb> db,
                                     std::unique_ptr<Statements> statements,
                                     uint64_t size, int64_t max_time_us,
                                     int64_t time_regression_us)
    : options_(std::move(options)),
      db_(std::move(db)),
      statements_(std::move(statements)),
      size_(size),
      max_time_us_(max_time_us),
      time_regression_us_(time_regression_us) {}

SqliteDeliveryLog::~SqliteDeliveryLog() = default;

absl::StatusOr<uint64_t> SqliteDeliveryLog::Append(v1::LogEntry entry) {
  if (!entry.has_time()) {
    *entry.mutable_time() =
        MicrosToTimestamp(absl::ToUnixMicros(options_.clock->Now()));
  } else {
    // The leaf keeps whole microseconds; keep exactly what it commits to.
    *entry.mutable_time() = MicrosToTimestamp(TimestampMicros(entry.time()));
  }
  RETURN_IF_ERROR(ValidateEntry(entry));
  absl::MutexLock lock(&mu_);
  entry.set_index(size_);
  const std::string leaf_hash = auditlog::LeafHash(EncodeLeaf(entry));
  const int64_t time_us = TimestampMicros(entry.time());
  // An edited file could hold any newest time: saturate rather than
  // overflow (the largest regression disables the bounds it gives).
  int64_t regression = 0;
  if (time_us < max_time_us_ &&
      __builtin_sub_overflow(max_time_us_, time_us, &regression)) {
    regression = kUnknownRegression;
  }
  RETURN_IF_ERROR(InsertLocked(entry, leaf_hash, regression));
  time_regression_us_ = std::max(time_regression_us_, regression);
  max_time_us_ = std::max(max_time_us_, time_us);
  return size_++;
}

absl::Status SqliteDeliveryLog::InsertLocked(const v1::LogEntry& entry,
                                             absl::string_view leaf_hash,
                                             int64_t regression) {
  StoredHashes hashes(statements_.get(), size_);
  ASSIGN_OR_RETURN(
      std::vector<auditlog::CompletedSubtree> completed,
      auditlog::SubtreesCompletedByAppend(hashes, entry.index(), leaf_hash));
  sqlite::Transaction txn(db_.get());
  RETURN_IF_ERROR(txn.status());
  sqlite::Statement& insert = statements_->insert_entry;
  insert.Reset();
  insert.Bind(1, static_cast<int64_t>(entry.index()))
      .Bind(2, TimestampMicros(entry.time()))
      .Bind(3, int64_t{entry.event()})
      .BindBlob(4, entry.transfer_id())
      .Bind(5, entry.sender())
      .Bind(6, entry.recipient())
      .Bind(7, entry.view())
      .Bind(8, static_cast<int64_t>(entry.size()))
      .BindBlob(9, entry.envelope_hash())
      .Bind(10, entry.actor())
      .Bind(11, entry.detail())
      .BindBlob(12, leaf_hash);
  absl::Status inserted = insert.Run();
  insert.Reset();
  RETURN_IF_ERROR(inserted);
  sqlite::Statement& node = statements_->insert_node;
  for (const auditlog::CompletedSubtree& subtree : completed) {
    if (subtree.level == 0) continue;  // the leaf hash is in log_entries
    node.Reset();
    node.Bind(1, int64_t{subtree.level})
        .Bind(2, static_cast<int64_t>(subtree.index))
        .BindBlob(3, subtree.hash);
    absl::Status stored = node.Run();
    node.Reset();
    RETURN_IF_ERROR(stored);
  }
  if (regression > time_regression_us_) {
    ASSIGN_OR_RETURN(sqlite::Statement note,
                     db_->Prepare("INSERT OR REPLACE INTO log_meta(key, "
                                  "value) VALUES(?1, ?2)"));
    note.Bind(1, kTimeRegressionKey).Bind(2, absl::StrCat(regression));
    RETURN_IF_ERROR(note.Run());
  }
  return txn.Commit();
}

absl::StatusOr<uint64_t> SqliteDeliveryLog::Size() const {
  absl::MutexLock lock(&mu_);
  return size_;
}

absl::StatusOr<v1::SignedTreeHead> SqliteDeliveryLog::PublishTreeHead() {
  if (options_.signer == nullptr) {
    return absl::FailedPreconditionError(
        "the delivery log has no signing key, so it cannot sign tree heads");
  }
  absl::MutexLock lock(&mu_);
  StoredHashes hashes(statements_.get(), size_);
  ASSIGN_OR_RETURN(std::string root, auditlog::RootHash(hashes, size_));
  ASSIGN_OR_RETURN(v1::SignedTreeHead head,
                   SignTreeHead(*options_.signer, options_.log_id, size_, root,
                                options_.clock->Now()));
  // A synced commit makes the head and every append before it durable
  // (see Open).
  RETURN_IF_ERROR(db_->Exec("PRAGMA synchronous=FULL"));
  sqlite::Statement& insert = statements_->insert_head;
  insert.Reset();
  insert.Bind(1, static_cast<int64_t>(head.tree_size()))
      .Bind(2, TimestampMicros(head.timestamp()))
      .BindBlob(3, head.root_hash())
      .BindBlob(4, head.signature())
      .BindBlob(5, head.signer_key_id())
      .Bind(6, head.log_id());
  absl::Status stored = insert.Run();
  insert.Reset();
  absl::Status relaxed = db_->Exec("PRAGMA synchronous=NORMAL");
  RETURN_IF_ERROR(stored);
  RETURN_IF_ERROR(relaxed);
  return head;
}

absl::StatusOr<std::optional<v1::SignedTreeHead>>
SqliteDeliveryLog::LatestTreeHead() const {
  absl::MutexLock lock(&mu_);
  sqlite::Statement& latest = statements_->latest_head;
  latest.Reset();
  absl::StatusOr<bool> has_row = latest.Step();
  std::optional<v1::SignedTreeHead> head;
  if (has_row.ok() && *has_row) head = ReadHead(latest);
  latest.Reset();
  if (!has_row.ok()) return has_row.status();
  return head;
}

absl::StatusOr<v1::InclusionProof> SqliteDeliveryLog::ProveInclusion(
    uint64_t leaf_index, uint64_t tree_size) const {
  absl::MutexLock lock(&mu_);
  if (leaf_index >= tree_size || tree_size > size_) {
    return absl::InvalidArgumentError(absl::StrCat(
        "no inclusion proof of entry ", leaf_index, " in a tree of size ",
        tree_size, ": need index < tree size <= ", size_));
  }
  StoredHashes hashes(statements_.get(), size_);
  ASSIGN_OR_RETURN(std::vector<std::string> path,
                   auditlog::InclusionProof(hashes, leaf_index, tree_size));
  v1::InclusionProof proof;
  proof.set_leaf_index(leaf_index);
  proof.set_tree_size(tree_size);
  for (std::string& h : path) proof.add_hashes(std::move(h));
  return proof;
}

absl::StatusOr<v1::ConsistencyProof> SqliteDeliveryLog::ProveConsistency(
    uint64_t old_size, uint64_t new_size) const {
  absl::MutexLock lock(&mu_);
  if (old_size == 0 || old_size > new_size || new_size > size_) {
    return absl::InvalidArgumentError(
        absl::StrCat("no consistency proof from size ", old_size, " to size ",
                     new_size, ": need 0 < old size <= new size <= ", size_));
  }
  StoredHashes hashes(statements_.get(), size_);
  ASSIGN_OR_RETURN(std::vector<std::string> path,
                   auditlog::ConsistencyProof(hashes, old_size, new_size));
  v1::ConsistencyProof proof;
  proof.set_old_size(old_size);
  proof.set_new_size(new_size);
  for (std::string& h : path) proof.add_hashes(std::move(h));
  return proof;
}

}  // namespace handover::deliverylog

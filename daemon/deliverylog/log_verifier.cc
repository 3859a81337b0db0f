#include "deliverylog/log_verifier.h"

#include <sys/stat.h>

#include <cerrno>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "auditlog/merkle.h"
#include "common/posix_error.h"
#include "common/status_macros.h"
#include "crypto/secret_bytes.h"
#include "deliverylog/log_entry_codec.h"
#include "deliverylog/tree_head.h"

namespace handover::deliverylog {
namespace {

namespace v1 = handover::v1;

// The verification state shared by the entry and head passes.
class Verification {
 public:
  Verification(absl::string_view log_id,
               const std::vector<crypto::PublicIdentity>& keys)
      : log_id_(log_id), keys_(keys) {}

  // Each returns false once a finding is recorded.
  absl::StatusOr<bool> CheckEntry(
      const v1::LogEntry& entry,
      const std::optional<std::string>& stored_leaf_hash);
  // `trusted` for the head the caller gave, not one read from the log.
  absl::StatusOr<bool> CheckHead(const v1::SignedTreeHead& head, bool trusted);

  VerifyReport& report() { return report_; }

 private:
  bool Fail(std::optional<uint64_t> index, std::string problem) {
    report_.first_bad_index = index;
    report_.problem = std::move(problem);
    return false;
  }

  std::string log_id_;
  const std::vector<crypto::PublicIdentity>& keys_;
  // Rebuilt from recomputed leaf hashes, never from stored nodes.
  auditlog::InMemorySubtreeHashes tree_;
  VerifyReport report_;
};

absl::StatusOr<bool> Verification::CheckEntry(
    const v1::LogEntry& entry,
    const std::optional<std::string>& stored_leaf_hash) {
  const uint64_t want = tree_.size();
  if (entry.index() > want) {
    return Fail(want, absl::StrCat("entry ", want,
                                   " is missing: the next entry has index ",
                                   entry.index()));
  }
  if (entry.index() < want) {
    return Fail(entry.index(), absl::StrCat("entry ", entry.index(),
                                            " appears again after "
                                            "entry ",
                                            want - 1));
  }
  const std::string leaf_hash = auditlog::LeafHash(EncodeLeaf(entry));
  if (stored_leaf_hash.has_value() &&
      !crypto::ConstantTimeEquals(*stored_leaf_hash, leaf_hash)) {
    return Fail(want, absl::StrCat("entry ", want,
                                   " was edited: it no longer "
                                   "matches its stored leaf hash"));
  }
  if (absl::Status valid = ValidateEntry(entry); !valid.ok()) {
    return Fail(want,
                absl::StrCat("entry ", want, " was edited: ", valid.message()));
  }
  RETURN_IF_ERROR(tree_.AppendLeafHash(leaf_hash));
  ++report_.entries;
  return true;
}

absl::StatusOr<bool> Verification::CheckHead(const v1::SignedTreeHead& head,
                                             bool trusted) {
  ++report_.tree_heads;
  const absl::string_view which =
      trusted ? "the trusted tree head" : "the tree head";
  const std::string time = TreeHeadTimeText(head);
  const uint64_t verified = report_.latest_verified_head.has_value()
                                ? report_.latest_verified_head->tree_size()
                                : 0;
  if (head.log_id() != log_id_) {
    return Fail(std::nullopt, absl::StrCat(which, " signed at ", time,
                                           " is for another log"));
  }
  if (absl::Status s = VerifyTreeHead(head, keys_); !s.ok()) {
    return Fail(std::nullopt, absl::StrCat(which, " signed at ", time,
                                           " does not verify: ", s.message()));
  }
  if (head.tree_size() > tree_.size()) {
    return Fail(tree_.size(),
                absl::StrCat("the log holds ", tree_.size(), " entries but ",
                             trusted ? which : "a tree head", " signed at ",
                             time, " covers ", head.tree_size()));
  }
  ASSIGN_OR_RETURN(std::string root,
                   auditlog::RootHash(tree_, head.tree_size()));
  if (!crypto::ConstantTimeEquals(root, head.root_hash())) {
    return Fail(std::min(verified, head.tree_size()),
                absl::StrCat("entries before ", head.tree_size(),
                             " no longer match ", which, " signed at ", time));
  }
  if (head.tree_size() >= verified) report_.latest_verified_head = head;
  return true;
}

// Whether the schema's tables are present.
absl::StatusOr<bool> HasTables(sqlite::SqliteDb& db) {
  ASSIGN_OR_RETURN(sqlite::Statement count,
                   db.Prepare("SELECT count(*) FROM sqlite_master WHERE type "
                              "= 'table' AND name IN ('log_meta', "
                              "'log_entries', 'tree_heads')"));
  ASSIGN_OR_RETURN(bool has_row, count.Step());
  return has_row && count.ColumnInt(0) == 3;
}

absl::StatusOr<std::optional<std::string>> MetaValue(sqlite::SqliteDb& db,
                                                     absl::string_view key) {
  ASSIGN_OR_RETURN(sqlite::Statement get,
                   db.Prepare("SELECT value FROM log_meta WHERE key = ?1"));
  get.Bind(1, key);
  ASSIGN_OR_RETURN(bool has_row, get.Step());
  if (!has_row) return std::nullopt;
  return get.ColumnText(0);
}

class DbEntrySource final : public EntrySource {
 public:
  explicit DbEntrySource(sqlite::Statement select)
      : select_(std::move(select)) {}

  absl::StatusOr<bool> Next(
      v1::LogEntry* e, std::optional<std::string>* stored_leaf_hash) override {
    ASSIGN_OR_RETURN(bool has_row, select_.Step());
    if (!has_row) return false;
    e->Clear();
    e->set_index(static_cast<uint64_t>(select_.ColumnInt(0)));
    *e->mutable_time() = MicrosToTimestamp(select_.ColumnInt(1));
    // A stored event beyond int32 cannot be an enum value: make it one no
    // entry has, rather than let it wrap onto a real one.
    const int64_t event = select_.ColumnInt(2);
    e->set_event(static_cast<v1::LogEventKind>(
        event < std::numeric_limits<int32_t>::min() ||
                event > std::numeric_limits<int32_t>::max()
            ? std::numeric_limits<int32_t>::min()
            : event));
    e->set_transfer_id(select_.ColumnBlob(3));
    e->set_sender(select_.ColumnText(4));
    e->set_recipient(select_.ColumnText(5));
    e->set_view(select_.ColumnText(6));
    e->set_size(static_cast<uint64_t>(select_.ColumnInt(7)));
    e->set_envelope_hash(select_.ColumnBlob(8));
    e->set_actor(select_.ColumnText(9));
    e->set_detail(select_.ColumnText(10));
    *stored_leaf_hash = select_.ColumnBlob(11);
    return true;
  }

 private:
  sqlite::Statement select_;
};

class DbTreeHeadSource final : public TreeHeadSource {
 public:
  explicit DbTreeHeadSource(sqlite::Statement select)
      : select_(std::move(select)) {}

  absl::StatusOr<bool> Next(v1::SignedTreeHead* h) override {
    ASSIGN_OR_RETURN(bool has_row, select_.Step());
    if (!has_row) return false;
    h->Clear();
    h->set_tree_size(static_cast<uint64_t>(select_.ColumnInt(0)));
    *h->mutable_timestamp() = MicrosToTimestamp(select_.ColumnInt(1));
    h->set_root_hash(select_.ColumnBlob(2));
    h->set_signature(select_.ColumnBlob(3));
    h->set_signer_key_id(select_.ColumnBlob(4));
    h->set_log_id(select_.ColumnText(5));
    return true;
  }

 private:
  sqlite::Statement select_;
};

}  // namespace

absl::StatusOr<VerifyReport> VerifyEntries(
    absl::string_view log_id, EntrySource& entries, TreeHeadSource& heads,
    const std::vector<crypto::PublicIdentity>& keys,
    const std::optional<v1::SignedTreeHead>& trusted_head) {
  Verification v(log_id, keys);
  VerifyReport& report = v.report();
  if (!crypto::ValidateAgencyId(log_id).ok()) {
    report.problem = "the log's id is missing or malformed";
    return report;
  }
  v1::LogEntry entry;
  std::optional<std::string> stored_leaf_hash;
  while (true) {
    stored_leaf_hash.reset();
    ASSIGN_OR_RETURN(bool more, entries.Next(&entry, &stored_leaf_hash));
    if (!more) break;
    ASSIGN_OR_RETURN(bool good, v.CheckEntry(entry, stored_leaf_hash));
    if (!good) return report;
  }
  v1::SignedTreeHead head;
  while (true) {
    ASSIGN_OR_RETURN(bool more, heads.Next(&head));
    if (!more) break;
    ASSIGN_OR_RETURN(bool good, v.CheckHead(head, /*trusted=*/false));
    if (!good) return report;
  }
  if (trusted_head.has_value()) {
    ASSIGN_OR_RETURN(bool good, v.CheckHead(*trusted_head, /*trusted=*/true));
    if (!good) return report;
  }
  report.ok = true;
  return report;
}

absl::StatusOr<std::unique_ptr<LogDatabaseReader>> LogDatabaseReader::Open(
    const std::string& path) {
  // SqliteDb::Open would create a missing file.
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) {
      return absl::NotFoundError(absl::StrCat("no delivery log at ", path));
    }
    return PosixError(absl::StrCat("stat ", path), errno);
  }
  if (!S_ISREG(st.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, " is not a regular file"));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<sqlite::SqliteDb> db,
                   sqlite::SqliteDb::Open(path));
  // One read transaction for everything read, so entries and heads come
  // from the same moment even while the daemon appends: a head published
  // after the entries were read must not look like truncation. In WAL mode
  // it does not hold up the writer.
  RETURN_IF_ERROR(db->Exec("BEGIN"));
  ASSIGN_OR_RETURN(bool has_tables, HasTables(*db));
  if (!has_tables) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, " is not a delivery log"));
  }
  ASSIGN_OR_RETURN(std::optional<std::string> format, MetaValue(*db, "format"));
  if (format != "1") {
    return absl::FailedPreconditionError(absl::StrCat(
        "delivery log ", path, " has an unknown format; this build reads 1"));
  }
  ASSIGN_OR_RETURN(std::optional<std::string> log_id, MetaValue(*db, "log_id"));
  return std::unique_ptr<LogDatabaseReader>(
      new LogDatabaseReader(std::move(db), log_id.value_or("")));
}

LogDatabaseReader::LogDatabaseReader(std::unique_ptr<sqlite::SqliteDb> db,
                                     std::string log_id)
    : db_(std::move(db)), log_id_(std::move(log_id)) {}

LogDatabaseReader::~LogDatabaseReader() {
  // Nothing was written; ending the read transaction only releases the
  // snapshot (closing the connection would too).
  db_->Exec("ROLLBACK").IgnoreError();
}

absl::StatusOr<std::unique_ptr<EntrySource>> LogDatabaseReader::Entries() {
  ASSIGN_OR_RETURN(
      sqlite::Statement select,
      db_->Prepare("SELECT idx, time_us, event, transfer_id, sender, "
                   "recipient, view, size, envelope_hash, actor, detail, "
                   "leaf_hash FROM log_entries ORDER BY idx"));
  return std::make_unique<DbEntrySource>(std::move(select));
}

absl::StatusOr<std::unique_ptr<TreeHeadSource>> LogDatabaseReader::TreeHeads() {
  ASSIGN_OR_RETURN(
      sqlite::Statement select,
      db_->Prepare("SELECT tree_size, time_us, root_hash, signature, "
                   "signer_key_id, log_id FROM tree_heads ORDER BY "
                   "tree_size, time_us"));
  return std::make_unique<DbTreeHeadSource>(std::move(select));
}

absl::StatusOr<VerifyReport> VerifyLogDatabase(
    const std::string& path, const std::vector<crypto::PublicIdentity>& keys,
    const std::optional<v1::SignedTreeHead>& trusted_head) {
  ASSIGN_OR_RETURN(std::unique_ptr<LogDatabaseReader> reader,
                   LogDatabaseReader::Open(path));
  ASSIGN_OR_RETURN(std::unique_ptr<EntrySource> entries, reader->Entries());
  ASSIGN_OR_RETURN(std::unique_ptr<TreeHeadSource> heads, reader->TreeHeads());
  return VerifyEntries(reader->log_id(), *entries, *heads, keys, trusted_head);
}

}  // namespace handover::deliverylog

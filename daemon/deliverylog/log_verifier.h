// Offline verification of a delivery log (`handover log verify`), trusting
// nothing derived: every leaf hash is recomputed from the entry's fields,
// the tree is rebuilt from those leaves (the stored log_nodes are never
// read), and each signed tree head is checked against the rebuilt tree.
// So an edited, deleted, inserted, reordered or truncated entry is found
// unless the editor could also sign a new head with the log's key.
//
// A tamper finding is not an error: it is reported in VerifyReport with
// ok = false. Errors are kept for I/O problems and unreadable input.
//
// Free functions; the sources are used by one call at a time.
#ifndef HANDOVER_DELIVERYLOG_LOG_VERIFIER_H_
#define HANDOVER_DELIVERYLOG_LOG_VERIFIER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "crypto/identity.h"
#include "handover/v1/log.pb.h"
#include "sqlite/sqlite_db.h"

namespace handover::deliverylog {

struct VerifyReport {
  uint64_t entries = 0;     // entries read (up to the first finding)
  uint64_t tree_heads = 0;  // tree heads checked, the trusted one included
  bool ok = false;
  // The earliest entry index that may be wrong, when a finding implicates
  // entries (not for a head that is itself forged or misattributed).
  std::optional<uint64_t> first_bad_index;
  std::string problem;  // one line for people; empty when ok
  // The largest verified head: everything before its tree_size is proven.
  std::optional<handover::v1::SignedTreeHead> latest_verified_head;
};

// Entries in stored order.
class EntrySource {
 public:
  virtual ~EntrySource() = default;
  // Fills the next entry and returns true, or returns false at the end.
  // `stored_leaf_hash` is set when the source keeps one (the database
  // does, an export does not); it is only compared, never trusted.
  virtual absl::StatusOr<bool> Next(
      handover::v1::LogEntry* entry,
      std::optional<std::string>* stored_leaf_hash) = 0;
};

// Tree heads, smallest tree_size first.
class TreeHeadSource {
 public:
  virtual ~TreeHeadSource() = default;
  virtual absl::StatusOr<bool> Next(handover::v1::SignedTreeHead* head) = 0;
};

// Reads every entry, then every head, and reports the first finding:
// - an entry whose index is not the next one: "entry N is missing" (a
//   deletion) or "entry N appears again" (a duplicate or reordering);
// - an entry whose recomputed leaf hash differs from its stored one, or
//   that is malformed: "entry N was edited";
// - a head (then `trusted_head`, if given) that is not for `log_id`, does
//   not verify against `keys`, covers more entries than there are
//   (truncation), or whose root is not the rebuilt tree's root at its
//   size: "entries before N no longer match the tree head signed at T",
//   with first_bad_index the previous verified head's size.
// An error only if a source fails.
absl::StatusOr<VerifyReport> VerifyEntries(
    absl::string_view log_id, EntrySource& entries, TreeHeadSource& heads,
    const std::vector<crypto::PublicIdentity>& keys,
    const std::optional<handover::v1::SignedTreeHead>& trusted_head);

// Reads a log database file (sqlite_delivery_log.cc's schema) in index
// order without loading it: for `handover log verify` and log_export.
// Everything it reads is one snapshot, taken at Open, even while a daemon
// appends to the file. Not thread-safe; its sources must not outlive it.
class LogDatabaseReader {
 public:
  // NotFound if there is no such file (it is not created);
  // FailedPrecondition if it is not a delivery log of a known format.
  static absl::StatusOr<std::unique_ptr<LogDatabaseReader>> Open(
      const std::string& path);
  ~LogDatabaseReader();

  // The log_id in log_meta; empty if it is missing.
  const std::string& log_id() const { return log_id_; }
  absl::StatusOr<std::unique_ptr<EntrySource>> Entries();
  absl::StatusOr<std::unique_ptr<TreeHeadSource>> TreeHeads();

 private:
  LogDatabaseReader(std::unique_ptr<sqlite::SqliteDb> db, std::string log_id);
  std::unique_ptr<sqlite::SqliteDb> db_;
  std::string log_id_;
};

// VerifyEntries over the log database at `path`, read in index order
// without loading it. NotFound if there is no such file (it is not
// created); FailedPrecondition if it is not a delivery log of a known
// format.
absl::StatusOr<VerifyReport> VerifyLogDatabase(
    const std::string& path, const std::vector<crypto::PublicIdentity>& keys,
    const std::optional<handover::v1::SignedTreeHead>& trusted_head);

}  // namespace handover::deliverylog

#endif  // HANDOVER_DELIVERYLOG_LOG_VERIFIER_H_

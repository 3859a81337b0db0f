// The spool: one file per envelope's ciphertext under <data_dir>/spool/,
// written as the parts arrive (a temporary name, fsync, rename, fsync of
// the directory) so that no envelope is ever held whole in memory, and read
// back in parts when it is pushed. The store records which file belongs to
// which transfer; a file the store does not name is an orphan of a crash
// and is removed at start-up.
//
// Thread-safe: each writer and reader is used by one thread, but any number
// may be open at once.
#ifndef HANDOVER_ROUTER_CIPHERTEXT_SPOOL_H_
#define HANDOVER_ROUTER_CIPHERTEXT_SPOOL_H_

#include <memory>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/file_util.h"

namespace handover::router {

// One spool file being written. Destroyed before Commit(), it leaves
// nothing behind.
class SpoolWriter {
 public:
  explicit SpoolWriter(std::string name, std::unique_ptr<AtomicFile> file)
      : name_(std::move(name)), file_(std::move(file)) {}

  absl::Status Append(absl::string_view data) { return file_->Append(data); }
  // Durable under its final name when this returns OK.
  absl::Status Commit() { return file_->Commit(); }
  // The file name within the spool, for the store.
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  std::unique_ptr<AtomicFile> file_;
};

class CiphertextSpool {
 public:
  // Uses (and creates, mode 0700) the directory `dir`.
  static absl::StatusOr<std::unique_ptr<CiphertextSpool>> Open(
      const std::string& dir);

  // A new file for `transfer_id`'s ciphertext, under a name no other
  // writer uses, so that two uploads of one transfer id never mix.
  absl::StatusOr<std::unique_ptr<SpoolWriter>> Create(
      absl::string_view transfer_id);
  absl::StatusOr<std::unique_ptr<InputFile>> OpenForRead(
      const std::string& name) const;
  // Removes a file; a file already gone is not an error.
  absl::Status Remove(const std::string& name);
  // Removes every file (finished or temporary) that `keep` does not name;
  // returns how many were removed.
  absl::StatusOr<int> RemoveOrphans(
      const absl::flat_hash_set<std::string>& keep);

  const std::string& dir() const { return dir_; }

 private:
  explicit CiphertextSpool(std::string dir) : dir_(std::move(dir)) {}
  std::string PathOf(const std::string& name) const;

  const std::string dir_;
};

}  // namespace handover::router

#endif  // HANDOVER_ROUTER_CIPHERTEXT_SPOOL_H_

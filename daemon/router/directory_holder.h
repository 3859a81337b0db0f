// The directory the router serves: the signed directory file named in the
// config, verified against the trust root before it is believed, never
// older than the highest version the router has recorded (a rollback is
// refused), and reloaded when the file changes. Readers take an immutable
// snapshot (a std::shared_ptr) that stays valid however long they hold it.
//
// Thread-safe. Listeners run on the thread that reloads, after the swap.
#ifndef HANDOVER_ROUTER_DIRECTORY_HOLDER_H_
#define HANDOVER_ROUTER_DIRECTORY_HOLDER_H_

#include <sys/types.h>

#include <cstdint>
#include <ctime>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "crypto/identity.h"
#include "directory/directory_view.h"
#include "router/router_store.h"

namespace handover::router {

// Where the routing logic gets the current directory from.
class DirectorySource {
 public:
  virtual ~DirectorySource() = default;
  // Never null once constructed.
  virtual std::shared_ptr<const directory::DirectoryView> Current() const = 0;
  // The exact signed bytes of the current directory, as served.
  virtual std::shared_ptr<const std::string> SignedBytes() const = 0;
};

class DirectoryHolder final : public DirectorySource {
 public:
  // Loads and verifies `path`. FailedPrecondition if its version is below
  // the version `store` has recorded; records the loaded version.
  static absl::StatusOr<std::unique_ptr<DirectoryHolder>> Load(
      const std::string& path, crypto::PublicIdentity trust_root,
      RouterStore* store);

  std::shared_ptr<const directory::DirectoryView> Current() const override;
  std::shared_ptr<const std::string> SignedBytes() const override;
  uint64_t version() const;

  // Reads the file again if it changed since the last look (or always, if
  // `force`). A verified newer version replaces the current one and is
  // recorded; the same version is kept; an older one (rollback), or one
  // that does not verify, is refused with a warning in the log and the
  // current one kept. Returns true if the directory changed.
  absl::StatusOr<bool> Reload(bool force);

  // Called with the new version after each change.
  void AddListener(std::function<void(uint64_t version)> listener);

 private:
  struct FileStamp {
    dev_t device = 0;
    ino_t inode = 0;
    off_t size = -1;
    struct timespec mtime = {0, 0};
    bool operator==(const FileStamp& o) const;
  };
  struct Snapshot {
    std::shared_ptr<const directory::DirectoryView> view;
    std::shared_ptr<const std::string> signed_bytes;
  };

  DirectoryHolder(std::string path, crypto::PublicIdentity trust_root,
                  RouterStore* store)
      : path_(std::move(path)),
        trust_root_(std::move(trust_root)),
        store_(store) {}

  // Reads and verifies the file against `minimum_version`.
  absl::StatusOr<Snapshot> ReadVerified(uint64_t minimum_version,
                                        FileStamp* stamp) const;
  absl::StatusOr<FileStamp> Stamp() const;

  const std::string path_;
  const crypto::PublicIdentity trust_root_;
  RouterStore* const store_;

  absl::Mutex reload_mu_;  // one reload at a time
  FileStamp last_stamp_ ABSL_GUARDED_BY(reload_mu_);

  mutable absl::Mutex mu_;
  Snapshot current_ ABSL_GUARDED_BY(mu_);
  std::vector<std::function<void(uint64_t)>> listeners_ ABSL_GUARDED_BY(mu_);
};

}  // namespace handover::router

#endif  // HANDOVER_ROUTER_DIRECTORY_HOLDER_H_

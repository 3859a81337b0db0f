#include "router/directory_holder.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>

#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "common/posix_error.h"
#include "common/status_macros.h"
#include "directory/signed_directory.h"
#include "spdlog/spdlog.h"

namespace handover::router {

bool DirectoryHolder::FileStamp::operator==(const FileStamp& o) const {
  return device == o.device && inode == o.inode && size == o.size &&
         mtime.tv_sec == o.mtime.tv_sec && mtime.tv_nsec == o.mtime.tv_nsec;
}

absl::StatusOr<DirectoryHolder::FileStamp> DirectoryHolder::Stamp() const {
  struct stat st;
  if (stat(path_.c_str(), &st) != 0) {
    return PosixError(absl::StrCat("stat ", path_), errno);
  }
  FileStamp stamp;
  stamp.device = st.st_dev;
  stamp.inode = st.st_ino;
  stamp.size = st.st_size;
  stamp.mtime = st.st_mtim;
  return stamp;
}

absl::StatusOr<DirectoryHolder::Snapshot> DirectoryHolder::ReadVerified(
    uint64_t minimum_version, FileStamp* stamp) const {
  // The stamp first: a write that lands while we read shows up as a
  // change on the next look.
  ASSIGN_OR_RETURN(*stamp, Stamp());
  ASSIGN_OR_RETURN(std::string bytes,
                   ReadFileBounded(path_, directory::kMaxSignedDirectoryBytes));
  absl::StatusOr<handover::v1::Directory> verified =
      directory::VerifySignedDirectory(bytes, trust_root_, minimum_version);
  if (!verified.ok()) {
    return absl::Status(verified.status().code(),
                        absl::StrCat(path_, ": ", verified.status().message()));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<directory::DirectoryView> view,
                   directory::DirectoryView::Create(std::move(*verified)));
  Snapshot snapshot;
  snapshot.view = std::move(view);
  snapshot.signed_bytes = std::make_shared<const std::string>(std::move(bytes));
  return snapshot;
}

absl::StatusOr<std::unique_ptr<DirectoryHolder>> DirectoryHolder::Load(
    const std::string& path, crypto::PublicIdentity trust_root,
    RouterStore* store) {
  ASSIGN_OR_RETURN(uint64_t highest, store->DirectoryVersion());
  std::unique_ptr<DirectoryHolder> holder(
      new DirectoryHolder(path, std::move(trust_root), store));
  FileStamp stamp;
  ASSIGN_OR_RETURN(Snapshot snapshot, holder->ReadVerified(highest, &stamp));
  RETURN_IF_ERROR(store->RecordDirectoryVersion(snapshot.view->version()));
  {
    absl::MutexLock lock(&holder->reload_mu_);
    holder->last_stamp_ = stamp;
  }
  absl::MutexLock lock(&holder->mu_);
  holder->current_ = std::move(snapshot);
  return holder;
}

std::shared_ptr<const directory::DirectoryView> DirectoryHolder::Current()
    const {
  absl::MutexLock lock(&mu_);
  return current_.view;
}

std::shared_ptr<const std::string> DirectoryHolder::SignedBytes() const {
  absl::MutexLock lock(&mu_);
  return current_.signed_bytes;
}

uint64_t DirectoryHolder::version() const { return Current()->version(); }

absl::StatusOr<bool> DirectoryHolder::Reload(bool force) {
  absl::MutexLock reload_lock(&reload_mu_);
  ASSIGN_OR_RETURN(FileStamp stamp, Stamp());
  if (!force && stamp == last_stamp_) return false;
  const uint64_t current = version();
  // The stored version, not only ours: it is the highest ever served.
  ASSIGN_OR_RETURN(uint64_t highest, store_->DirectoryVersion());
  absl::StatusOr<Snapshot> loaded =
      ReadVerified(std::max(current, highest), &stamp);
  last_stamp_ = stamp;
  if (!loaded.ok()) {
    spdlog::warn("keeping directory version {}: {}", current,
                 std::string(loaded.status().message()));
    return false;
  }
  const uint64_t version = loaded->view->version();
  if (version == current) return false;
  RETURN_IF_ERROR(store_->RecordDirectoryVersion(version));
  std::vector<std::function<void(uint64_t)>> listeners;
  {
    absl::MutexLock lock(&mu_);
    current_ = std::move(*loaded);
    listeners = listeners_;
  }
  spdlog::info("directory version {} loaded (was {})", version, current);
  for (const auto& listener : listeners) listener(version);
  return true;
}

void DirectoryHolder::AddListener(std::function<void(uint64_t)> listener) {
  absl::MutexLock lock(&mu_);
  listeners_.push_back(std::move(listener));
}

}  // namespace handover::router

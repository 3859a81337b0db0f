#include "router/ciphertext_spool.h"

#include <dirent.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/posix_error.h"
#include "common/status_macros.h"
#include "crypto/identity.h"
#include "crypto/sodium_util.h"

namespace handover::router {

absl::StatusOr<std::unique_ptr<CiphertextSpool>> CiphertextSpool::Open(
    const std::string& dir) {
  RETURN_IF_ERROR(MakeDirectories(dir, 0700));
  return std::unique_ptr<CiphertextSpool>(new CiphertextSpool(dir));
}

std::string CiphertextSpool::PathOf(const std::string& name) const {
  return absl::StrCat(dir_, "/", name);
}

absl::StatusOr<std::unique_ptr<SpoolWriter>> CiphertextSpool::Create(
    absl::string_view transfer_id) {
  char nonce[8];
  crypto::RandomBytes(nonce, sizeof(nonce));
  std::string name = absl::StrCat(
      crypto::ToHex(transfer_id), "-",
      crypto::ToHex(absl::string_view(nonce, sizeof(nonce))), ".ciphertext");
  ASSIGN_OR_RETURN(std::unique_ptr<AtomicFile> file,
                   AtomicFile::Create(PathOf(name), 0600));
  return std::make_unique<SpoolWriter>(std::move(name), std::move(file));
}

absl::StatusOr<std::unique_ptr<InputFile>> CiphertextSpool::OpenForRead(
    const std::string& name) const {
  return InputFile::Open(PathOf(name));
}

absl::Status CiphertextSpool::Remove(const std::string& name) {
  if (unlink(PathOf(name).c_str()) != 0 && errno != ENOENT) {
    return PosixError(absl::StrCat("remove ", PathOf(name)), errno);
  }
  return absl::OkStatus();
}

absl::StatusOr<int> CiphertextSpool::RemoveOrphans(
    const absl::flat_hash_set<std::string>& keep) {
  DIR* dir = opendir(dir_.c_str());
  if (dir == nullptr) return PosixError(absl::StrCat("open ", dir_), errno);
  std::vector<std::string> orphans;
  while (struct dirent* entry = readdir(dir)) {
    std::string name = entry->d_name;
    if (name == "." || name == "..") continue;
    if (!keep.contains(name)) orphans.push_back(std::move(name));
  }
  closedir(dir);
  int removed = 0;
  for (const std::string& name : orphans) {
    RETURN_IF_ERROR(Remove(name));
    ++removed;
  }
  return removed;
}

}  // namespace handover::router

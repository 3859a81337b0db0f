// A small tmpfs mounted for one test, to put a daemon's data directory on a
// disk that can be filled: a ballast file takes every free byte, and
// removing it gives the space back. Mounting needs CAP_SYS_ADMIN (the tests
// run as root, in CI too); without it Mount fails with PermissionDenied,
// which a test reports as a skip naming the missing privilege. Unmounted
// (lazily, so open files in a killed daemon do not hold it) on destruction.
#ifndef HANDOVER_TESTS_INTEGRATION_HARNESS_SMALL_FILESYSTEM_H_
#define HANDOVER_TESTS_INTEGRATION_HARNESS_SMALL_FILESYSTEM_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace handover::integration {

class SmallFilesystem {
 public:
  // Mounts a tmpfs of `bytes` (MS_NOSUID | MS_NODEV, mode 0700) on a fresh
  // directory under $TMPDIR (or /tmp). PermissionDenied if the process may
  // not mount; any other failure is Internal.
  static absl::StatusOr<std::unique_ptr<SmallFilesystem>> Mount(uint64_t bytes);
  ~SmallFilesystem();
  SmallFilesystem(const SmallFilesystem&) = delete;
  SmallFilesystem& operator=(const SmallFilesystem&) = delete;

  const std::string& path() const { return path_; }

  // Writes the ballast file until the filesystem refuses with ENOSPC (so no
  // free byte is left). Returns the ballast's size.
  absl::StatusOr<uint64_t> Fill();
  // Deletes the ballast: the space is free again.
  absl::Status RemoveBallast();
  // Free bytes now (statvfs).
  absl::StatusOr<uint64_t> FreeBytes() const;

 private:
  explicit SmallFilesystem(std::string path) : path_(std::move(path)) {}
  std::string BallastPath() const { return path_ + "/ballast"; }

  std::string path_;
};

}  // namespace handover::integration

#endif  // HANDOVER_TESTS_INTEGRATION_HARNESS_SMALL_FILESYSTEM_H_

#include "harness/small_filesystem.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"

namespace handover::integration {

absl::StatusOr<std::unique_ptr<SmallFilesystem>> SmallFilesystem::Mount(
    uint64_t bytes) {
  const char* tmp = std::getenv("TMPDIR");
  std::string templ =
      absl::StrCat(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp",
                   "/handover-small-fs-XXXXXX");
  if (mkdtemp(templ.data()) == nullptr) {
    return absl::InternalError(
        absl::StrCat("mkdtemp ", templ, ": ", strerror(errno)));
  }
  const std::string options = absl::StrCat("size=", bytes, ",mode=0700");
  if (mount("tmpfs", templ.c_str(), "tmpfs", MS_NOSUID | MS_NODEV,
            options.c_str()) != 0) {
    const int error = errno;
    rmdir(templ.c_str());
    if (error == EPERM) {
      return absl::PermissionDeniedError(
          "mounting a tmpfs needs CAP_SYS_ADMIN (run the integration tests "
          "as root): mount(2) failed with EPERM");
    }
    return absl::InternalError(
        absl::StrCat("mount tmpfs on ", templ, ": ", strerror(error)));
  }
  return std::unique_ptr<SmallFilesystem>(new SmallFilesystem(templ));
}

SmallFilesystem::~SmallFilesystem() {
  // Lazily: a daemon killed a moment ago may still hold files open.
  umount2(path_.c_str(), MNT_DETACH);
  rmdir(path_.c_str());
}

absl::StatusOr<uint64_t> SmallFilesystem::Fill() {
  const int fd = open(BallastPath().c_str(),
                      O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::InternalError(
        absl::StrCat("open ", BallastPath(), ": ", strerror(errno)));
  }
  const std::string block(1 << 20, 'B');
  // Big writes first, then ever smaller ones for the last partial pages.
  for (size_t size = block.size(); size >= 512; size /= 2) {
    while (true) {
      const ssize_t n = write(fd, block.data(), size);
      if (n > 0) continue;
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno != ENOSPC) {
        const int error = errno;
        close(fd);
        return absl::InternalError(
            absl::StrCat("write ", BallastPath(), ": ", strerror(error)));
      }
      break;  // ENOSPC: try a smaller write
    }
  }
  struct stat st;
  const int rc = fstat(fd, &st);
  close(fd);
  if (rc != 0) return absl::InternalError("fstat ballast");
  return static_cast<uint64_t>(st.st_size);
}

absl::Status SmallFilesystem::RemoveBallast() {
  if (unlink(BallastPath().c_str()) != 0) {
    return absl::InternalError(
        absl::StrCat("unlink ", BallastPath(), ": ", strerror(errno)));
  }
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> SmallFilesystem::FreeBytes() const {
  struct statvfs fs;
  if (statvfs(path_.c_str(), &fs) != 0) {
    return absl::InternalError(
        absl::StrCat("statvfs ", path_, ": ", strerror(errno)));
  }
  return static_cast<uint64_t>(fs.f_bavail) * fs.f_frsize;
}

}  // namespace handover::integration

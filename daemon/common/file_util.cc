#include "common/file_util.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/posix_error.h"
#include "common/status_macros.h"

namespace handover {
namespace {

std::string DirectoryOf(const std::string& path) {
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  return parent.empty() ? "." : parent.string();
}

absl::Status WriteAll(int fd, absl::string_view data, const std::string& path,
                      off_t offset, bool positioned) {
  while (!data.empty()) {
    ssize_t n = positioned ? pwrite(fd, data.data(), data.size(), offset)
                           : write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return PosixError(absl::StrCat("write ", path), errno);
    }
    data.remove_prefix(static_cast<size_t>(n));
    offset += n;
  }
  return absl::OkStatus();
}

absl::Status SyncDirectory(const std::string& dir) {
  int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return PosixError(absl::StrCat("open directory ", dir), errno);
  int rc = fsync(fd);
  int saved = errno;
  close(fd);
  if (rc != 0) return PosixError(absl::StrCat("fsync ", dir), saved);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<AtomicFile>> AtomicFile::Create(
    const std::string& final_path, mode_t mode) {
  std::string name = std::filesystem::path(final_path).filename().string();
  std::string temp =
      absl::StrCat(DirectoryOf(final_path), "/.", name, ".tmp-XXXXXX");
  int fd = mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0) return PosixError(absl::StrCat("create ", temp), errno);
  if (fchmod(fd, mode) != 0) {
    int saved = errno;
    close(fd);
    unlink(temp.c_str());
    return PosixError(absl::StrCat("chmod ", temp), saved);
  }
  return std::unique_ptr<AtomicFile>(new AtomicFile(final_path, temp, fd));
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) close(fd_);
  if (!committed_) unlink(temp_path_.c_str());
}

absl::Status AtomicFile::Append(absl::string_view data) {
  return WriteAll(fd_, data, temp_path_, 0, /*positioned=*/false);
}

absl::Status AtomicFile::WriteAt(uint64_t offset, absl::string_view data) {
  return WriteAll(fd_, data, temp_path_, static_cast<off_t>(offset),
                  /*positioned=*/true);
}

absl::Status AtomicFile::Commit() {
  if (fsync(fd_) != 0)
    return PosixError(absl::StrCat("fsync ", temp_path_), errno);
  if (close(fd_) != 0) {
    fd_ = -1;
    return PosixError(absl::StrCat("close ", temp_path_), errno);
  }
  fd_ = -1;
  if (rename(temp_path_.c_str(), final_path_.c_str()) != 0) {
    return PosixError(absl::StrCat("rename to ", final_path_), errno);
  }
  committed_ = true;
  return SyncDirectory(DirectoryOf(final_path_));
}

absl::Status WriteFileAtomically(const std::string& path,
                                 absl::string_view data, mode_t mode) {
  auto file = AtomicFile::Create(path, mode);
  if (!file.ok()) return file.status();
  absl::Status s = (*file)->Append(data);
  if (!s.ok()) return s;
  return (*file)->Commit();
}

absl::StatusOr<std::string> ReadFileBounded(const std::string& path,
                                            uint64_t max_bytes) {
  auto file = InputFile::Open(path);
  if (!file.ok()) return file.status();
  if ((*file)->size() > max_bytes) {
    return absl::ResourceExhaustedError(absl::StrFormat(
        "%s is %d bytes; the limit is %d", path, (*file)->size(), max_bytes));
  }
  std::string out((*file)->size(), '\0');
  auto n = (*file)->Read(out.data(), out.size());
  if (!n.ok()) return n.status();
  out.resize(*n);
  return out;
}

namespace {

absl::Status CheckSecretStat(const std::string& path, const struct stat& st) {
  if (!S_ISREG(st.st_mode)) {
    return absl::PermissionDeniedError(
        absl::StrCat(path, " is not a regular file"));
  }
  if ((st.st_mode & 077) != 0) {
    return absl::PermissionDeniedError(absl::StrFormat(
        "%s has mode %04o; secret key files must be 0600 (run: chmod 600 %s)",
        path, st.st_mode & 07777, path));
  }
  if (st.st_uid != geteuid()) {
    return absl::PermissionDeniedError(
        absl::StrCat(path, " is owned by another user"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckSecretFileMode(const std::string& path) {
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) {
    return PosixError(absl::StrCat("stat ", path), errno);
  }
  return CheckSecretStat(path, st);
}

absl::StatusOr<std::string> ReadSecretFileBounded(const std::string& path,
                                                  uint64_t max_bytes) {
  // O_NOFOLLOW and fstat check the very file that is read, so it cannot be
  // swapped for a link or a looser file between the check and the read.
  int fd = open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ELOOP) {
      return absl::PermissionDeniedError(
          absl::StrCat(path, " is a symbolic link; secret keys must not be"));
    }
    return PosixError(absl::StrCat("open ", path), errno);
  }
  InputFile file(path, fd, 0);  // owns fd from here
  struct stat st;
  if (fstat(fd, &st) != 0)
    return PosixError(absl::StrCat("stat ", path), errno);
  RETURN_IF_ERROR(CheckSecretStat(path, st));
  if (static_cast<uint64_t>(st.st_size) > max_bytes) {
    return absl::ResourceExhaustedError(absl::StrFormat(
        "%s is %d bytes; the limit is %d", path, st.st_size, max_bytes));
  }
  std::string out(static_cast<size_t>(st.st_size), '\0');
  ASSIGN_OR_RETURN(size_t n, file.Read(out.data(), out.size()));
  out.resize(n);
  return out;
}

absl::StatusOr<std::unique_ptr<InputFile>> InputFile::Open(
    const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return PosixError(absl::StrCat("open ", path), errno);
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int saved = errno;
    close(fd);
    return PosixError(absl::StrCat("stat ", path), saved);
  }
  if (!S_ISREG(st.st_mode)) {
    close(fd);
    return absl::InvalidArgumentError(
        absl::StrCat(path, " is not a regular file"));
  }
  return std::unique_ptr<InputFile>(
      new InputFile(path, fd, static_cast<uint64_t>(st.st_size)));
}

InputFile::~InputFile() { close(fd_); }

absl::StatusOr<size_t> InputFile::Read(char* out, size_t n) {
  size_t total = 0;
  while (total < n) {
    ssize_t got = read(fd_, out + total, n - total);
    if (got < 0) {
      if (errno == EINTR) continue;
      return PosixError(absl::StrCat("read ", path_), errno);
    }
    if (got == 0) break;
    total += static_cast<size_t>(got);
  }
  return total;
}

absl::Status MakeDirectories(const std::string& dir, mode_t mode) {
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) return absl::OkStatus();
  std::filesystem::path path(dir);
  if (path.has_parent_path() && !path.parent_path().empty()) {
    absl::Status s = MakeDirectories(path.parent_path().string(), mode);
    if (!s.ok()) return s;
  }
  if (mkdir(dir.c_str(), mode) != 0 && errno != EEXIST) {
    return PosixError(absl::StrCat("mkdir ", dir), errno);
  }
  return absl::OkStatus();
}

}  // namespace handover

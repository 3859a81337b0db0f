// Files written atomically, read with a size bound, and checked for safe
// permissions.
//
// AtomicFile writes to a temporary name beside the target and renames it into
// place on Commit(), so a reader never sees a half-written file and a failure
// leaves nothing behind. It owns its descriptor; it is not thread-safe.
#ifndef HANDOVER_COMMON_FILE_UTIL_H_
#define HANDOVER_COMMON_FILE_UTIL_H_

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/byte_stream.h"

namespace handover {

class AtomicFile final : public ByteSink {
 public:
  // Creates a temporary file next to `final_path` with permission `mode`.
  static absl::StatusOr<std::unique_ptr<AtomicFile>> Create(
      const std::string& final_path, mode_t mode);
  ~AtomicFile();  // Removes the temporary file unless committed.
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  absl::Status Append(absl::string_view data) override;
  // Writes at an absolute offset without moving the append position.
  absl::Status WriteAt(uint64_t offset, absl::string_view data) override;
  // Flushes to disk, renames into place and syncs the directory.
  absl::Status Commit();

  const std::string& final_path() const { return final_path_; }

 private:
  AtomicFile(std::string final_path, std::string temp_path, int fd)
      : final_path_(std::move(final_path)),
        temp_path_(std::move(temp_path)),
        fd_(fd) {}

  std::string final_path_;
  std::string temp_path_;
  int fd_;
  bool committed_ = false;
};

// Writes `data` to `path` through an AtomicFile.
absl::Status WriteFileAtomically(const std::string& path,
                                 absl::string_view data, mode_t mode);

// Reads a whole file, failing with ResourceExhausted if it is larger than
// `max_bytes` (checked before reading).
absl::StatusOr<std::string> ReadFileBounded(const std::string& path,
                                            uint64_t max_bytes);

// Fails with PermissionDenied unless `path` is a regular file owned by this
// user with no group or other permission bits (mode 0600 or stricter).
absl::Status CheckSecretFileMode(const std::string& path);

// Reads a secret file through one descriptor opened with O_NOFOLLOW, after
// the same checks as CheckSecretFileMode on that descriptor.
absl::StatusOr<std::string> ReadSecretFileBounded(const std::string& path,
                                                  uint64_t max_bytes);

// A file opened for sequential reading. Owns its descriptor.
class InputFile final : public ByteSource {
 public:
  static absl::StatusOr<std::unique_ptr<InputFile>> Open(
      const std::string& path);
  ~InputFile();
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  // Reads up to `n` bytes; returns fewer only at end of file.
  absl::StatusOr<size_t> Read(char* out, size_t n) override;
  uint64_t size() const { return size_; }
  const std::string& path() const { return path_; }

 private:
  friend absl::StatusOr<std::string> ReadSecretFileBounded(const std::string&,
                                                           uint64_t);
  InputFile(std::string path, int fd, uint64_t size)
      : path_(std::move(path)), fd_(fd), size_(size) {}
  std::string path_;
  int fd_;
  uint64_t size_;
};

// Creates `dir` (mode 0700 when new) and its parents.
absl::Status MakeDirectories(const std::string& dir, mode_t mode);

}  // namespace handover

#endif  // HANDOVER_COMMON_FILE_UTIL_H_

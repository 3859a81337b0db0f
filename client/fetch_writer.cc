#include "fetch_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <set>

#include "absl/strings/str_cat.h"
#include "bundle/attachment_name.h"
#include "bundle/bundle_json.h"
#include "casefile/case_file.h"
#include "common/file_util.h"
#include "common/posix_error.h"
#include "common/status_macros.h"
#include "crypto/secret_bytes.h"

namespace handover::cli {
namespace {

namespace fs = std::filesystem;

// The format's own ceiling (docs/FORMAT.md): a header with more is not one
// a node could have opened.
constexpr int kMaxAttachments = 1024;

absl::Status Broken(absl::string_view what) {
  return absl::DataLossError(
      absl::StrCat("the node's FetchTransfer stream is broken: ", what));
}

void SyncDirectory(const std::string& dir) {
  int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    fsync(fd);
    close(fd);
  }
}

std::string ParentOf(const std::string& path) {
  fs::path parent = fs::path(path).parent_path();
  return parent.empty() ? "." : parent.string();
}

}  // namespace

absl::StatusOr<std::unique_ptr<FetchWriter>> FetchWriter::Create(
    std::string out_dir) {
  // "out/" must stage beside "out", not inside it.
  while (out_dir.size() > 1 && out_dir.back() == '/') out_dir.pop_back();
  std::error_code ec;
  if (fs::exists(fs::symlink_status(out_dir, ec)) &&
      (!fs::is_directory(fs::symlink_status(out_dir, ec)) ||
       !fs::is_empty(out_dir, ec))) {
    return absl::AlreadyExistsError(
        absl::StrCat(out_dir, " already exists and is not an empty directory"));
  }
  std::string staging = absl::StrCat(out_dir, ".partial-XXXXXX");
  if (mkdtemp(staging.data()) == nullptr) {
    return PosixError(absl::StrCat("create staging directory for ", out_dir),
                      errno);
  }
  return std::unique_ptr<FetchWriter>(
      new FetchWriter(std::move(out_dir), std::move(staging)));
}

FetchWriter::~FetchWriter() {
  if (fd_ >= 0) close(fd_);
  if (!staging_dir_.empty()) {
    std::error_code ec;
    fs::remove_all(staging_dir_, ec);
  }
}

std::string FetchWriter::bundle_path() const {
  return (fs::path(out_dir_) / std::string(casefile::kBundleJsonName)).string();
}

absl::Status FetchWriter::OnHeader(const handover::v1::FetchHeader& header) {
  if (has_header_) return Broken("a second header");
  if (header.attachments_size() > kMaxAttachments) {
    return Broken(absl::StrCat(header.attachments_size(), " attachments"));
  }
  std::set<std::string> names;
  for (int i = 0; i < header.attachments_size(); ++i) {
    const handover::v1::FetchedAttachment& a = header.attachments(i);
    // Names come from the sender: never write one that could escape the
    // directory, and never echo one (it may hold a child's name).
    if (!bundle::ValidateAttachmentName(a.name()).ok()) {
      return Broken(absl::StrCat("attachment ", i, " has an unsafe name"));
    }
    if (!names.insert(a.name()).second) {
      return Broken(absl::StrCat("attachment ", i, " repeats a name"));
    }
    if (a.size() > UINT64_MAX - declared_) {
      return Broken("attachment sizes overflow");
    }
    declared_ += a.size();
  }
  header_ = header;
  has_header_ = true;
  ASSIGN_OR_RETURN(std::string json, bundle::BundleToJson(header.bundle()));
  absl::Status written = WriteFileAtomically(
      absl::StrCat(staging_dir_, "/", casefile::kBundleJsonName), json, 0600);
  crypto::Wipe(json.data(), json.size());
  RETURN_IF_ERROR(written);
  if (header.attachments_size() > 0) {
    const std::string sub =
        absl::StrCat(staging_dir_, "/", casefile::kAttachmentsDirName);
    if (mkdir(sub.c_str(), 0700) != 0) {
      return PosixError(absl::StrCat("mkdir ", sub), errno);
    }
  }
  return AdvanceTo(0);
}

absl::Status FetchWriter::CloseCurrent() {
  if (fd_ < 0) return absl::OkStatus();
  const int rc = fsync(fd_);
  const int saved = errno;
  close(fd_);
  fd_ = -1;
  if (rc != 0) {
    return PosixError(
        absl::StrCat("fsync attachment ", current_, " in ", staging_dir_),
        saved);
  }
  return absl::OkStatus();
}

absl::Status FetchWriter::AdvanceTo(int index) {
  RETURN_IF_ERROR(CloseCurrent());
  for (current_ = index; current_ < header_.attachments_size(); ++current_) {
    const handover::v1::FetchedAttachment& a = header_.attachments(current_);
    const std::string path = absl::StrCat(
        staging_dir_, "/", casefile::kAttachmentsDirName, "/", a.name());
    fd_ = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd_ < 0) {
      return PosixError(
          absl::StrCat("create attachment ", current_, " in ", staging_dir_),
          errno);
    }
    current_left_ = a.size();
    if (current_left_ > 0) return absl::OkStatus();
    RETURN_IF_ERROR(CloseCurrent());
  }
  return absl::OkStatus();
}

absl::Status FetchWriter::OnData(absl::string_view data) {
  if (!has_header_) return Broken("attachment data before the header");
  if (ended_) return Broken("attachment data after the end");
  while (!data.empty()) {
    if (current_ >= header_.attachments_size()) {
      return Broken("more attachment bytes than the header declared");
    }
    const size_t n =
        static_cast<size_t>(std::min<uint64_t>(current_left_, data.size()));
    for (absl::string_view part = data.substr(0, n); !part.empty();) {
      const ssize_t w = write(fd_, part.data(), part.size());
      if (w < 0) {
        if (errno == EINTR) continue;
        return PosixError(
            absl::StrCat("write attachment ", current_, " in ", staging_dir_),
            errno);
      }
      part.remove_prefix(static_cast<size_t>(w));
    }
    data.remove_prefix(n);
    received_ += n;
    current_left_ -= n;
    if (current_left_ == 0) RETURN_IF_ERROR(AdvanceTo(current_ + 1));
  }
  return absl::OkStatus();
}

absl::Status FetchWriter::OnEnd() {
  if (!has_header_) return Broken("the end came before the header");
  if (ended_) return Broken("a second end");
  if (received_ != declared_) {
    return Broken(absl::StrCat("it ended after ", received_, " of ", declared_,
                               " attachment bytes"));
  }
  ended_ = true;
  RETURN_IF_ERROR(CloseCurrent());
  if (header_.attachments_size() > 0) {
    SyncDirectory(
        absl::StrCat(staging_dir_, "/", casefile::kAttachmentsDirName));
  }
  SyncDirectory(staging_dir_);
  return absl::OkStatus();
}

absl::Status FetchWriter::Publish() {
  if (!ended_) return absl::FailedPreconditionError("fetch has not ended");
  if (rename(staging_dir_.c_str(), out_dir_.c_str()) != 0) {
    return PosixError(absl::StrCat("rename into ", out_dir_), errno);
  }
  staging_dir_.clear();
  SyncDirectory(ParentOf(out_dir_));
  return absl::OkStatus();
}

}  // namespace handover::cli

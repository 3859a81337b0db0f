// OpenCaseFile: one envelope file into a directory, all or nothing.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "bundle/bundle_json.h"
#include "casefile/case_file.h"
#include "casefile/payload_format.h"
#include "common/file_util.h"
#include "common/posix_error.h"
#include "common/status_macros.h"
#include "crypto/envelope_errors.h"
#include "crypto/secret_bytes.h"

namespace handover::casefile {
namespace {

namespace fs = std::filesystem;

// A directory that is removed with its contents unless released.
class StagingDirectory {
 public:
  static absl::StatusOr<StagingDirectory> Create(const std::string& out_dir) {
    std::string templ = absl::StrCat(out_dir, ".partial-XXXXXX");
    if (mkdtemp(templ.data()) == nullptr) {
      return PosixError(absl::StrCat("create staging directory for ", out_dir),
                        errno);
    }
    return StagingDirectory(templ);
  }
  StagingDirectory(StagingDirectory&& o) noexcept : path_(std::move(o.path_)) {
    o.path_.clear();
  }
  ~StagingDirectory() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  void Release() { path_.clear(); }

 private:
  explicit StagingDirectory(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// Writes parts into the staging directory as they are decrypted.
class StagingWriter final : public PartHandler {
 public:
  explicit StagingWriter(std::string dir) : dir_(std::move(dir)) {}
  ~StagingWriter() override {
    if (fd_ >= 0) close(fd_);
    crypto::Wipe(bundle_bytes_.data(), bundle_bytes_.size());
  }

  absl::Status OnPartStart(const PartHeader& part) override {
    current_ = part;
    if (part.kind == PartKind::kBundle) return absl::OkStatus();
    const std::string sub = absl::StrCat(dir_, "/", kAttachmentsDirName);
    if (attachments_.empty() && mkdir(sub.c_str(), 0700) != 0) {
      return PosixError(absl::StrCat("mkdir ", sub), errno);
    }
    const std::string path = absl::StrCat(sub, "/", part.name);
    fd_ = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd_ < 0) return PosixError(absl::StrCat("create ", path), errno);
    attachments_.push_back({part.name, part.media_type, part.length});
    return absl::OkStatus();
  }

  absl::Status OnPartData(absl::string_view data) override {
    if (current_.kind == PartKind::kBundle) {
      bundle_bytes_.append(data.data(), data.size());
      return absl::OkStatus();
    }
    while (!data.empty()) {
      ssize_t n = write(fd_, data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return PosixError(absl::StrCat("write attachment ", current_.name),
                          errno);
      }
      data.remove_prefix(static_cast<size_t>(n));
    }
    return absl::OkStatus();
  }

  absl::Status OnPartEnd() override {
    if (fd_ < 0) return absl::OkStatus();
    int rc = fsync(fd_);
    int saved = errno;
    close(fd_);
    fd_ = -1;
    if (rc != 0) {
      return PosixError(absl::StrCat("fsync attachment ", current_.name),
                        saved);
    }
    return absl::OkStatus();
  }

  const std::string& bundle_bytes() const { return bundle_bytes_; }
  const std::vector<OpenedAttachment>& attachments() const {
    return attachments_;
  }

 private:
  std::string dir_;
  PartHeader current_;
  int fd_ = -1;
  std::string bundle_bytes_;
  std::vector<OpenedAttachment> attachments_;
};

absl::Status Malformed(absl::string_view message) {
  return crypto::EnvelopeError(absl::StatusCode::kInvalidArgument,
                               crypto::EnvelopeFailure::kMalformedPayload,
                               absl::StrCat("malformed payload: ", message));
}

// The bundle's attachment list must describe exactly the parts received.
absl::Status CheckAttachmentList(const handover::v1::CaseBundle& bundle,
                                 const std::vector<OpenedAttachment>& parts) {
  if (bundle.attachments_size() != static_cast<int>(parts.size())) {
    return Malformed("the bundle's attachment list does not match the parts");
  }
  for (size_t i = 0; i < parts.size(); ++i) {
    const auto& listed = bundle.attachments(static_cast<int>(i));
    if (listed.name() != parts[i].name ||
        listed.size_bytes() != parts[i].size ||
        listed.media_type() != parts[i].media_type) {
      return Malformed(
          absl::StrCat("attachment ", i, " differs from the bundle's list"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckOutputDirectory(const std::string& out_dir) {
  std::error_code ec;
  if (!fs::exists(out_dir, ec)) return absl::OkStatus();
  if (!fs::is_directory(out_dir, ec) || !fs::is_empty(out_dir, ec)) {
    return absl::AlreadyExistsError(
        absl::StrCat(out_dir, " already exists and is not an empty directory"));
  }
  return absl::OkStatus();
}

absl::Status Publish(StagingDirectory* staging, const std::string& out_dir) {
  if (rename(staging->path().c_str(), out_dir.c_str()) != 0) {
    return PosixError(absl::StrCat("rename into ", out_dir), errno);
  }
  staging->Release();
  fs::path parent = fs::path(out_dir).parent_path();
  const std::string dir = parent.empty() ? "." : parent.string();
  int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    fsync(fd);
    close(fd);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<OpenedCaseFile> OpenCaseFile(
    const std::string& in_path, const crypto::SecretIdentity& recipient,
    const crypto::PublicIdentity& sender, const crypto::OpenOptions& options,
    const std::string& requested_out_dir, const ProgressFn& progress) {
  // "out/" must stage beside "out", not inside it.
  std::string out_dir = requested_out_dir;
  while (out_dir.size() > 1 && out_dir.back() == '/') out_dir.pop_back();
  RETURN_IF_ERROR(CheckOutputDirectory(out_dir));
  ASSIGN_OR_RETURN(std::unique_ptr<InputFile> file, InputFile::Open(in_path));
  ASSIGN_OR_RETURN(auto opener, crypto::EnvelopeOpener::Open(
                                    file.get(), recipient, sender, options));
  if (opener->header().content_type != crypto::kCaseBundleContentType) {
    return Malformed(absl::StrCat("content type ",
                                  opener->header().content_type,
                                  " is not a case bundle"));
  }
  ASSIGN_OR_RETURN(StagingDirectory staging, StagingDirectory::Create(out_dir));
  StagingWriter writer(staging.path());
  PayloadReader reader(&writer);
  std::string chunk;
  uint64_t done = 0;
  const uint64_t total = opener->header().plaintext_size;
  for (bool last = false; !last;) {
    ASSIGN_OR_RETURN(last, opener->Next(&chunk));
    RETURN_IF_ERROR(reader.Feed(chunk));
    done += chunk.size();
    if (progress) progress(done, total);
  }
  crypto::Wipe(chunk.data(), chunk.size());
  RETURN_IF_ERROR(reader.Finish());

  OpenedCaseFile result;
  result.header = opener->header();
  auto parsed = bundle::ParseBundleBinary(writer.bundle_bytes());
  if (!parsed.ok()) return Malformed(parsed.status().message());
  result.bundle = *std::move(parsed);
  RETURN_IF_ERROR(CheckAttachmentList(result.bundle, writer.attachments()));
  result.attachments = writer.attachments();
  ASSIGN_OR_RETURN(std::string json, bundle::BundleToJson(result.bundle));
  RETURN_IF_ERROR(WriteFileAtomically(
      absl::StrCat(staging.path(), "/", kBundleJsonName), json, 0600));
  crypto::Wipe(json.data(), json.size());
  RETURN_IF_ERROR(Publish(&staging, out_dir));
  return result;
}

}  // namespace handover::casefile

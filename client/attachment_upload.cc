#include "attachment_upload.h"

#include <algorithm>
#include <filesystem>
#include <memory>

#include "absl/strings/str_cat.h"
#include "attachment_list.h"
#include "bundle/bundle_json.h"
#include "bundle/bundle_validate.h"
#include "cli_output.h"
#include "common/file_util.h"
#include "common/status_macros.h"
#include "interrupt.h"

namespace handover::cli {
namespace {

namespace fs = std::filesystem;
namespace v1 = handover::v1;

absl::Status SendFile(const std::string& path, uint64_t size,
                      const ChunkWriter& write,
                      const casefile::ProgressFn& progress, uint64_t* done,
                      uint64_t total, absl::string_view interrupted,
                      bool* sent) {
  ASSIGN_OR_RETURN(std::unique_ptr<InputFile> file, InputFile::Open(path));
  std::string buffer;
  uint64_t left = size;
  while (left > 0) {
    if (Interrupted()) return absl::CancelledError(interrupted);
    buffer.resize(
        static_cast<size_t>(std::min<uint64_t>(left, kUploadChunkBytes)));
    ASSIGN_OR_RETURN(size_t n, file->Read(buffer.data(), buffer.size()));
    if (n < buffer.size()) {
      return absl::DataLossError(absl::StrCat(
          path, " got shorter while it was being sent; nothing was stored"));
    }
    if (!write(&buffer)) {
      *sent = false;
      return absl::OkStatus();
    }
    left -= n;
    *done += n;
    if (progress) progress(*done, total);
  }
  char extra;
  ASSIGN_OR_RETURN(size_t more, file->Read(&extra, 1));
  if (more != 0) {
    return absl::DataLossError(absl::StrCat(
        path, " grew while it was being sent; nothing was stored"));
  }
  return absl::OkStatus();
}

}  // namespace

casefile::AttachmentInput ParseAttachSpec(const std::string& spec) {
  std::error_code ec;
  const size_t colon = spec.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == spec.size() ||
      fs::exists(spec, ec)) {
    return {spec, fs::path(spec).filename().string()};
  }
  return {spec.substr(0, colon), spec.substr(colon + 1)};
}

absl::StatusOr<UploadBundle> ReadUploadBundle(
    const std::string& bundle_path, const std::vector<std::string>& specs) {
  UploadBundle upload;
  ASSIGN_OR_RETURN(
      upload.bundle,
      NameFile(bundle::ReadBundleJsonFile(bundle_path), {bundle_path}));
  for (const std::string& spec : specs) {
    upload.files.push_back(ParseAttachSpec(spec));
  }
  RETURN_IF_ERROR(CheckUniqueNames(upload.files, "--attach FILE:NAME"));
  RETURN_IF_ERROR(CompleteAttachments(bundle_path, "--attach", &upload.files,
                                      &upload.bundle));
  RETURN_IF_ERROR(
      NameFile(bundle::ValidateBundle(upload.bundle), {bundle_path}));
  return upload;
}

void AddDescriptors(
    const v1::CaseBundle& bundle,
    google::protobuf::RepeatedPtrField<v1::AttachmentDescriptor>* out) {
  for (const v1::Attachment& a : bundle.attachments()) {
    v1::AttachmentDescriptor* d = out->Add();
    d->set_name(a.name());
    d->set_media_type(a.media_type());
    d->set_size(a.size_bytes());
  }
}

uint64_t TotalBytes(
    const google::protobuf::RepeatedPtrField<v1::AttachmentDescriptor>&
        descriptors) {
  uint64_t total = 0;
  for (const auto& d : descriptors) total += d.size();
  return total;
}

absl::Status SendAttachmentFiles(
    const std::vector<casefile::AttachmentInput>& files,
    const google::protobuf::RepeatedPtrField<v1::AttachmentDescriptor>&
        descriptors,
    const ChunkWriter& write, const casefile::ProgressFn& progress,
    absl::string_view interrupted, bool* sent) {
  const uint64_t total = TotalBytes(descriptors);
  uint64_t done = 0;
  for (size_t i = 0; *sent && i < files.size(); ++i) {
    RETURN_IF_ERROR(SendFile(files[i].path,
                             descriptors.Get(static_cast<int>(i)).size(), write,
                             progress, &done, total, interrupted, sent));
  }
  return absl::OkStatus();
}

}  // namespace handover::cli

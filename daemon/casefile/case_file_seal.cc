// SealCaseFile: bundle and attachments into one envelope file.
#include <filesystem>
#include <map>
#include <memory>
#include <set>

#include "absl/strings/str_cat.h"
#include "bundle/attachment_name.h"
#include "bundle/bundle_validate.h"
#include "casefile/case_file.h"
#include "casefile/payload_format.h"
#include "common/file_util.h"
#include "common/status_macros.h"

namespace handover::casefile {
namespace {

constexpr size_t kReadBufferBytes = 256 * 1024;

struct OpenedInput {
  AttachmentInput input;
  std::unique_ptr<InputFile> file;
};

absl::StatusOr<std::vector<OpenedInput>> OpenAttachments(
    const std::vector<AttachmentInput>& inputs) {
  if (inputs.size() > kMaxAttachments) {
    return absl::InvalidArgumentError(
        absl::StrCat("at most ", kMaxAttachments, " attachments are allowed"));
  }
  std::vector<OpenedInput> opened;
  std::set<std::string> names;
  for (const AttachmentInput& in : inputs) {
    OpenedInput o{in, nullptr};
    if (o.input.name.empty()) {
      o.input.name = std::filesystem::path(in.path).filename().string();
    }
    if (auto s = bundle::ValidateAttachmentName(o.input.name); !s.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("attachment ", in.path, ": ", s.message()));
    }
    if (!names.insert(o.input.name).second) {
      // Names can identify a child, so the message gives the path instead.
      return absl::InvalidArgumentError(absl::StrCat(
          "attachment ", in.path, " has the same name as an earlier one"));
    }
    ASSIGN_OR_RETURN(o.file, InputFile::Open(in.path));
    opened.push_back(std::move(o));
  }
  return opened;
}

// Makes the bundle's attachment list describe exactly the files supplied.
absl::Status CompleteAttachmentList(const std::vector<OpenedInput>& files,
                                    handover::v1::CaseBundle* bundle) {
  std::map<std::string, handover::v1::Attachment> listed;
  for (const auto& a : bundle->attachments()) listed[a.name()] = a;
  bundle->clear_attachments();
  for (const OpenedInput& f : files) {
    handover::v1::Attachment entry;
    if (auto it = listed.find(f.input.name); it != listed.end()) {
      entry = it->second;
      listed.erase(it);
    } else {
      entry.set_label(std::string(kUnlistedAttachmentLabel));
    }
    entry.set_name(f.input.name);
    entry.set_media_type(f.input.media_type);
    entry.set_size_bytes(f.file->size());
    *bundle->add_attachments() = std::move(entry);
  }
  if (!listed.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the bundle lists ", listed.size(),
                     " attachment(s) with no matching file given to attach"));
  }
  return absl::OkStatus();
}

absl::Status WritePart(crypto::EnvelopeSealer* sealer, const PartHeader& part) {
  ASSIGN_OR_RETURN(std::string header, EncodePartHeader(part));
  return sealer->Write(header);
}

absl::Status StreamFile(InputFile* file, crypto::EnvelopeSealer* sealer,
                        uint64_t* done, uint64_t total,
                        const ProgressFn& progress) {
  std::string buffer(kReadBufferBytes, '\0');
  uint64_t left = file->size();
  while (left > 0) {
    const size_t want =
        static_cast<size_t>(std::min<uint64_t>(left, buffer.size()));
    ASSIGN_OR_RETURN(size_t got, file->Read(buffer.data(), want));
    if (got != want) {
      return absl::AbortedError(
          absl::StrCat(file->path(), " shrank while it was being sealed"));
    }
    RETURN_IF_ERROR(sealer->Write(absl::string_view(buffer.data(), got)));
    left -= got;
    *done += got;
    if (progress) progress(*done, total);
  }
  char extra;
  ASSIGN_OR_RETURN(size_t more, file->Read(&extra, 1));
  if (more != 0) {
    return absl::AbortedError(
        absl::StrCat(file->path(), " grew while it was being sealed"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<crypto::EnvelopeHeader> SealCaseFile(
    const crypto::SecretIdentity& sender,
    const std::vector<crypto::PublicIdentity>& recipients,
    const SealRequest& request, const std::string& out_path) {
  ASSIGN_OR_RETURN(std::vector<OpenedInput> files,
                   OpenAttachments(request.attachments));
  handover::v1::CaseBundle bundle = request.bundle;
  RETURN_IF_ERROR(CompleteAttachmentList(files, &bundle));
  // Nothing leaves that a receiver would reject as invalid.
  RETURN_IF_ERROR(bundle::ValidateBundle(bundle));
  std::string bundle_bytes;
  if (!bundle.SerializeToString(&bundle_bytes)) {
    return absl::InternalError("could not serialise the bundle");
  }
  if (bundle_bytes.size() > kMaxBundleBytes) {
    return absl::ResourceExhaustedError("the bundle exceeds 16 MiB");
  }
  uint64_t total = bundle_bytes.size();
  for (const OpenedInput& f : files) total += f.file->size();

  ASSIGN_OR_RETURN(std::unique_ptr<AtomicFile> out,
                   AtomicFile::Create(out_path, 0640));
  ASSIGN_OR_RETURN(auto sealer,
                   crypto::EnvelopeSealer::Create(sender, recipients,
                                                  request.options, out.get()));
  RETURN_IF_ERROR(WritePart(
      sealer.get(), {PartKind::kBundle, "", std::string(kBundleMediaType),
                     bundle_bytes.size()}));
  RETURN_IF_ERROR(sealer->Write(bundle_bytes));
  uint64_t done = bundle_bytes.size();
  for (OpenedInput& f : files) {
    RETURN_IF_ERROR(
        WritePart(sealer.get(), {PartKind::kAttachment, f.input.name,
                                 f.input.media_type, f.file->size()}));
    RETURN_IF_ERROR(
        StreamFile(f.file.get(), sealer.get(), &done, total, request.progress));
  }
  ASSIGN_OR_RETURN(crypto::EnvelopeHeader header, sealer->Finish());
  RETURN_IF_ERROR(out->Commit());
  return header;
}

absl::StatusOr<crypto::EnvelopeHead> InspectEnvelopeFile(
    const std::string& path) {
  ASSIGN_OR_RETURN(std::unique_ptr<InputFile> file, InputFile::Open(path));
  return crypto::ReadEnvelopeHead(file.get());
}

}  // namespace handover::casefile

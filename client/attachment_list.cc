#include "attachment_list.h"

#include <filesystem>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "media_type.h"

namespace handover::cli {

namespace fs = std::filesystem;

absl::Status CompleteAttachments(const std::string& bundle_path,
                                 absl::string_view attach_options,
                                 std::vector<casefile::AttachmentInput>* inputs,
                                 handover::v1::CaseBundle* bundle) {
  std::map<std::string, handover::v1::Attachment> listed;
  for (const auto& a : bundle->attachments()) listed[a.name()] = a;
  bundle->clear_attachments();
  for (casefile::AttachmentInput& in : *inputs) {
    std::error_code ec;
    const uint64_t size = fs::file_size(in.path, ec);
    if (ec) {
      return absl::NotFoundError(absl::StrCat(in.path, ": ", ec.message()));
    }
    handover::v1::Attachment entry;
    if (auto it = listed.find(in.name); it != listed.end()) {
      entry = it->second;
      listed.erase(it);
    } else {
      entry.set_label(std::string(casefile::kUnlistedAttachmentLabel));
    }
    in.media_type = entry.media_type().empty() ? GuessMediaType(in.name)
                                               : entry.media_type();
    entry.set_name(in.name);
    entry.set_media_type(in.media_type);
    entry.set_size_bytes(size);
    *bundle->add_attachments() = std::move(entry);
  }
  if (!listed.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        bundle_path, " lists ", listed.size(),
        " attachment(s) with no matching ", attach_options, " file"));
  }
  return absl::OkStatus();
}

absl::Status CheckUniqueNames(
    const std::vector<casefile::AttachmentInput>& inputs,
    absl::string_view rename_hint) {
  std::set<std::string> names;
  for (const casefile::AttachmentInput& in : inputs) {
    if (!names.insert(in.name).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(in.path,
                       ": another attachment already has the name this one "
                       "would get; rename one with ",
                       rename_hint));
    }
  }
  return absl::OkStatus();
}

}  // namespace handover::cli

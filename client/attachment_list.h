// Matching the files a user attaches with the bundle's `attachments` list,
// shared by `seal` (offline) and `submit` (through a node), so both send a
// bundle whose list describes exactly the files that follow. Free
// functions; thread-safe.
#ifndef HANDOVER_CLIENT_ATTACHMENT_LIST_H_
#define HANDOVER_CLIENT_ATTACHMENT_LIST_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "casefile/case_file.h"
#include "handover/v1/bundle.pb.h"

namespace handover::cli {

// Rewrites `bundle`'s attachment list to name each of `inputs` in order:
// an entry the bundle already lists (by name) keeps its label and
// description, and a file it does not list gets
// casefile::kUnlistedAttachmentLabel. Each entry's size comes from the file
// and its media type from the bundle, or else from the file's extension;
// the chosen media type is stored back into the input. A listed entry with
// no file is an error naming `bundle_path` and `attach_options`, the
// command's options that attach files (e.g. "--attach"). Error messages
// name files, never attachment names, which may contain a child's name.
absl::Status CompleteAttachments(const std::string& bundle_path,
                                 absl::string_view attach_options,
                                 std::vector<casefile::AttachmentInput>* inputs,
                                 handover::v1::CaseBundle* bundle);

// InvalidArgument naming the later file if two inputs share a name;
// `rename_hint` says how to rename one, e.g. "--attach FILE:NAME".
absl::Status CheckUniqueNames(
    const std::vector<casefile::AttachmentInput>& inputs,
    absl::string_view rename_hint);

}  // namespace handover::cli

#endif  // HANDOVER_CLIENT_ATTACHMENT_LIST_H_

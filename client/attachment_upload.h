// Reading a bundle and its attached files for an upload to a node, and
// streaming the files' bytes after the start message, shared by `submit`
// (SubmitTransfer) and `move` (SubmitMove) so both read, check and send
// attachments the same way. Free functions; not thread-safe per call (each
// call owns its files).
#ifndef HANDOVER_CLIENT_ATTACHMENT_UPLOAD_H_
#define HANDOVER_CLIENT_ATTACHMENT_UPLOAD_H_

#include <grpcpp/support/sync_stream.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "casefile/case_file.h"
#include "handover/v1/node.pb.h"

namespace handover::cli {

// Each AttachmentData message carries at most this much (node.proto).
inline constexpr size_t kUploadChunkBytes = 1024 * 1024;

// A validated bundle whose attachment list describes exactly `files`, in
// order.
struct UploadBundle {
  handover::v1::CaseBundle bundle;
  std::vector<casefile::AttachmentInput> files;
};

// "FILE:NAME" names the attachment NAME; a plain FILE (or a path that
// exists as it is, colon and all) is named by its basename.
casefile::AttachmentInput ParseAttachSpec(const std::string& spec);

// Reads the bundle JSON at `bundle_path`, matches it with the --attach
// `specs` (attachment_list.h) and validates it. Errors name the file.
absl::StatusOr<UploadBundle> ReadUploadBundle(
    const std::string& bundle_path, const std::vector<std::string>& specs);

// The descriptors a start message declares for `bundle`'s attachments.
void AddDescriptors(
    const handover::v1::CaseBundle& bundle,
    google::protobuf::RepeatedPtrField<handover::v1::AttachmentDescriptor>*
        out);

uint64_t TotalBytes(const google::protobuf::RepeatedPtrField<
                    handover::v1::AttachmentDescriptor>& descriptors);

// Sends one chunk (it may swap `data` away); false when the node closed
// the stream early, whose status then says why.
using ChunkWriter = std::function<bool(std::string* data)>;

// A ChunkWriter for a SubmitTransfer or SubmitMove stream: any request
// with an `attachment_data` part.
template <typename Request>
ChunkWriter WriterFor(grpc::ClientWriter<Request>* writer) {
  return [writer, request = Request()](std::string* data) mutable {
    std::string* slot = request.mutable_attachment_data()->mutable_data();
    slot->swap(*data);
    const bool ok = writer->Write(request);
    slot->swap(*data);
    return ok;
  };
}

// Streams each of `files`, exactly `descriptors[i].size()` bytes of it, in
// chunks of at most kUploadChunkBytes. Sets `*sent` false (and returns OK)
// if the node closed the stream early. Returns Cancelled with
// `interrupted` on Ctrl-C, and DataLoss if a file changed size meanwhile.
absl::Status SendAttachmentFiles(
    const std::vector<casefile::AttachmentInput>& files,
    const google::protobuf::RepeatedPtrField<
        handover::v1::AttachmentDescriptor>& descriptors,
    const ChunkWriter& write, const casefile::ProgressFn& progress,
    absl::string_view interrupted, bool* sent);

}  // namespace handover::cli

#endif  // HANDOVER_CLIENT_ATTACHMENT_UPLOAD_H_

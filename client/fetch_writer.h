// Writes a transfer fetched from a node into a directory, all or nothing:
// bundle.json and attachments/NAME (files 0600, directories 0700) go into a
// staging directory beside OUT, which is renamed to OUT only after the
// node's FetchEnd and an OK status. On any failure, or if the writer is
// destroyed before Publish(), the staging directory is removed. Memory use
// does not depend on attachment sizes. Not thread-safe.
#ifndef HANDOVER_CLIENT_FETCH_WRITER_H_
#define HANDOVER_CLIENT_FETCH_WRITER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "handover/v1/node.pb.h"

namespace handover::cli {

class FetchWriter {
 public:
  // Checks that `out_dir` does not exist or is an empty directory, and
  // makes the staging directory beside it.
  static absl::StatusOr<std::unique_ptr<FetchWriter>> Create(
      std::string out_dir);
  ~FetchWriter();
  FetchWriter(const FetchWriter&) = delete;
  FetchWriter& operator=(const FetchWriter&) = delete;

  // The first message. Checks the attachment names (safe basenames,
  // unique) and writes bundle.json. DataLoss for a header that breaks the
  // protocol.
  absl::Status OnHeader(const handover::v1::FetchHeader& header);

  // The next attachment bytes, in the header's order. DataLoss if they run
  // past the declared sizes.
  absl::Status OnData(absl::string_view data);

  // FetchEnd: DataLoss unless every declared byte has arrived. Syncs the
  // files.
  absl::Status OnEnd();

  // Renames the staging directory to OUT. Call only after OnEnd() and an OK
  // status from the node.
  absl::Status Publish();

  bool has_header() const { return has_header_; }
  bool ended() const { return ended_; }
  uint64_t bytes_received() const { return received_; }
  uint64_t bytes_declared() const { return declared_; }
  const std::string& out_dir() const { return out_dir_; }
  std::string bundle_path() const;

 private:
  FetchWriter(std::string out_dir, std::string staging_dir)
      : out_dir_(std::move(out_dir)), staging_dir_(std::move(staging_dir)) {}

  // Closes the current file, if any, and opens the next attachment's,
  // skipping none: a zero-byte attachment is created and closed at once.
  absl::Status AdvanceTo(int index);
  absl::Status CloseCurrent();

  std::string out_dir_;
  std::string staging_dir_;  // empty once published
  handover::v1::FetchHeader header_;
  bool has_header_ = false;
  bool ended_ = false;
  int current_ = -1;           // attachment being written
  uint64_t current_left_ = 0;  // its bytes still to come
  int fd_ = -1;
  uint64_t declared_ = 0;
  uint64_t received_ = 0;
};

}  // namespace handover::cli

#endif  // HANDOVER_CLIENT_FETCH_WRITER_H_

// The plaintext inside an envelope: a case bundle followed by attachments,
// each framed as a part (docs/FORMAT.md, "Payload"):
//
//   payload = bundle_part attachment_part*
//   part    = kind:u8 name:str16 media_type:str8 length:u64 data[length]
//
// kind 1 is the bundle (protobuf handover.v1.CaseBundle, empty name); kind 2
// an attachment whose name is a safe file name. PayloadWriter frames parts
// for a sealer; PayloadReader parses them incrementally from decrypted
// chunks, so attachments never need to be held whole. Neither is
// thread-safe.
#ifndef HANDOVER_CASEFILE_PAYLOAD_FORMAT_H_
#define HANDOVER_CASEFILE_PAYLOAD_FORMAT_H_

#include <cstdint>
#include <functional>
#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace handover::casefile {

enum class PartKind : uint8_t { kBundle = 1, kAttachment = 2 };

inline constexpr uint64_t kMaxBundleBytes = 16 * 1024 * 1024;
inline constexpr size_t kMaxAttachments = 1024;
inline constexpr absl::string_view kBundleMediaType = "application/x-protobuf";

struct PartHeader {
  PartKind kind = PartKind::kBundle;
  std::string name;
  std::string media_type;
  uint64_t length = 0;
};

// Serialises a part header; the caller then supplies exactly `length` bytes.
absl::StatusOr<std::string> EncodePartHeader(const PartHeader& part);

// Receives parsed parts. Return a non-OK status to stop parsing.
class PartHandler {
 public:
  virtual ~PartHandler() = default;
  virtual absl::Status OnPartStart(const PartHeader& part) = 0;
  virtual absl::Status OnPartData(absl::string_view data) = 0;
  virtual absl::Status OnPartEnd() = 0;
};

class PayloadReader {
 public:
  explicit PayloadReader(PartHandler* handler) : handler_(handler) {}

  // Feeds the next run of plaintext.
  absl::Status Feed(absl::string_view data);
  // Fails unless the payload ended exactly at a part boundary with a bundle.
  absl::Status Finish();

 private:
  absl::Status ParseHeaderByte(char c);
  absl::Status StartPart();

  PartHandler* handler_;
  std::string header_buf_;
  PartHeader current_;
  uint64_t remaining_ = 0;
  bool in_data_ = false;
  bool seen_bundle_ = false;
  size_t attachments_ = 0;
  std::set<std::string> names_;
};

}  // namespace handover::casefile

#endif  // HANDOVER_CASEFILE_PAYLOAD_FORMAT_H_

#include "casefile/payload_format.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "bundle/attachment_name.h"
#include "common/byte_io.h"
#include "common/status_macros.h"
#include "crypto/envelope_errors.h"

namespace handover::casefile {
namespace {

constexpr size_t kMaxPartNameBytes = 255;
constexpr size_t kFixedHeaderBytes = 1 + 2 + 1 + 8;

absl::Status Malformed(absl::string_view message) {
  return crypto::EnvelopeError(absl::StatusCode::kInvalidArgument,
                               crypto::EnvelopeFailure::kMalformedPayload,
                               absl::StrCat("malformed payload: ", message));
}

absl::Status CheckMediaType(absl::string_view media_type) {
  if (media_type.empty()) return Malformed("part has no media type");
  for (char c : media_type) {
    if (c < 0x20 || c > 0x7e) return Malformed("media type is not printable");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> EncodePartHeader(const PartHeader& part) {
  if (part.name.size() > kMaxPartNameBytes) {
    return absl::InvalidArgumentError("part name is longer than 255 bytes");
  }
  ByteWriter w;
  w.U8(static_cast<uint8_t>(part.kind));
  RETURN_IF_ERROR(w.Str16(part.name));
  RETURN_IF_ERROR(w.Str8(part.media_type));
  w.U64(part.length);
  return w.Release();
}

absl::Status PayloadReader::Feed(absl::string_view data) {
  while (!data.empty()) {
    if (in_data_) {
      const size_t take =
          static_cast<size_t>(std::min<uint64_t>(remaining_, data.size()));
      RETURN_IF_ERROR(handler_->OnPartData(data.substr(0, take)));
      data.remove_prefix(take);
      remaining_ -= take;
      if (remaining_ == 0) {
        in_data_ = false;
        RETURN_IF_ERROR(handler_->OnPartEnd());
      }
      continue;
    }
    RETURN_IF_ERROR(ParseHeaderByte(data.front()));
    data.remove_prefix(1);
  }
  return absl::OkStatus();
}

// Part headers are a few hundred bytes at most, so they are gathered a byte
// at a time; attachment data, the bulk, is passed through in runs.
absl::Status PayloadReader::ParseHeaderByte(char c) {
  header_buf_.push_back(c);
  const size_t have = header_buf_.size();
  if (have < 3) return absl::OkStatus();
  const auto* b = reinterpret_cast<const unsigned char*>(header_buf_.data());
  const size_t name_len = (size_t{b[1]} << 8) | b[2];
  if (name_len > kMaxPartNameBytes) {
    return Malformed("part name is longer than 255 bytes");
  }
  if (have < 3 + name_len + 1) return absl::OkStatus();
  const size_t media_len = b[3 + name_len];
  if (have < kFixedHeaderBytes + name_len + media_len) return absl::OkStatus();
  return StartPart();
}

absl::Status PayloadReader::StartPart() {
  ByteReader r(header_buf_);
  ASSIGN_OR_RETURN(uint8_t kind, r.U8("kind"));
  ASSIGN_OR_RETURN(absl::string_view name, r.Str16("name"));
  ASSIGN_OR_RETURN(absl::string_view media_type, r.Str8("media type"));
  ASSIGN_OR_RETURN(uint64_t length, r.U64("length"));
  current_ = PartHeader{static_cast<PartKind>(kind), std::string(name),
                        std::string(media_type), length};
  header_buf_.clear();

  if (kind == static_cast<uint8_t>(PartKind::kBundle)) {
    if (seen_bundle_) return Malformed("more than one bundle part");
    if (!name.empty()) return Malformed("the bundle part must have no name");
    if (media_type != kBundleMediaType) {
      return Malformed("the bundle part has the wrong media type");
    }
    if (length > kMaxBundleBytes) {
      return Malformed("the bundle part exceeds 16 MiB");
    }
    seen_bundle_ = true;
  } else if (kind == static_cast<uint8_t>(PartKind::kAttachment)) {
    if (!seen_bundle_) return Malformed("an attachment precedes the bundle");
    if (auto s = bundle::ValidateAttachmentName(name); !s.ok()) {
      return Malformed(s.message());
    }
    if (!names_.insert(std::string(name)).second) {
      return Malformed("two attachments share a name");
    }
    if (++attachments_ > kMaxAttachments) {
      return Malformed("more than 1024 attachments");
    }
  } else {
    return Malformed(absl::StrCat("unknown part kind ", int{kind}));
  }
  RETURN_IF_ERROR(CheckMediaType(media_type));
  RETURN_IF_ERROR(handler_->OnPartStart(current_));
  if (length == 0) return handler_->OnPartEnd();
  remaining_ = length;
  in_data_ = true;
  return absl::OkStatus();
}

absl::Status PayloadReader::Finish() {
  if (in_data_ || !header_buf_.empty()) {
    return Malformed("payload ends inside a part");
  }
  if (!seen_bundle_) return Malformed("payload has no bundle part");
  return absl::OkStatus();
}

}  // namespace handover::casefile

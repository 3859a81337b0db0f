#include "common/byte_io.h"

#include "absl/strings/str_cat.h"

namespace handover {

void ByteWriter::U8(uint8_t v) { out_.push_back(static_cast<char>(v)); }

void ByteWriter::U16(uint16_t v) {
  U8(static_cast<uint8_t>(v >> 8));
  U8(static_cast<uint8_t>(v));
}

void ByteWriter::U32(uint32_t v) {
  unsigned char buf[4];
  StoreU32(v, buf);
  out_.append(reinterpret_cast<const char*>(buf), sizeof buf);
}

void ByteWriter::U64(uint64_t v) {
  U32(static_cast<uint32_t>(v >> 32));
  U32(static_cast<uint32_t>(v));
}

void ByteWriter::I64(int64_t v) { U64(static_cast<uint64_t>(v)); }

void ByteWriter::Raw(absl::string_view bytes) {
  out_.append(bytes.data(), bytes.size());
}

absl::Status ByteWriter::Str8(absl::string_view s) {
  if (s.size() > 0xff) {
    return absl::InvalidArgumentError(
        absl::StrCat("string of ", s.size(), " bytes exceeds 255"));
  }
  U8(static_cast<uint8_t>(s.size()));
  Raw(s);
  return absl::OkStatus();
}

absl::Status ByteWriter::Str16(absl::string_view s) {
  if (s.size() > 0xffff) {
    return absl::InvalidArgumentError(
        absl::StrCat("string of ", s.size(), " bytes exceeds 65535"));
  }
  U16(static_cast<uint16_t>(s.size()));
  Raw(s);
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> ByteReader::BigEndian(size_t width,
                                               absl::string_view field) {
  if (remaining() < width) {
    return absl::InvalidArgumentError(
        absl::StrCat("truncated at ", field, " (offset ", pos_, ")"));
  }
  uint64_t v = 0;
  for (size_t i = 0; i < width; ++i) {
    v = (v << 8) | static_cast<unsigned char>(in_[pos_ + i]);
  }
  pos_ += width;
  return v;
}

absl::StatusOr<uint8_t> ByteReader::U8(absl::string_view field) {
  auto v = BigEndian(1, field);
  if (!v.ok()) return v.status();
  return static_cast<uint8_t>(*v);
}

absl::StatusOr<uint16_t> ByteReader::U16(absl::string_view field) {
  auto v = BigEndian(2, field);
  if (!v.ok()) return v.status();
  return static_cast<uint16_t>(*v);
}

absl::StatusOr<uint32_t> ByteReader::U32(absl::string_view field) {
  auto v = BigEndian(4, field);
  if (!v.ok()) return v.status();
  return static_cast<uint32_t>(*v);
}

absl::StatusOr<uint64_t> ByteReader::U64(absl::string_view field) {
  return BigEndian(8, field);
}

absl::StatusOr<int64_t> ByteReader::I64(absl::string_view field) {
  auto v = BigEndian(8, field);
  if (!v.ok()) return v.status();
  return static_cast<int64_t>(*v);
}

absl::StatusOr<absl::string_view> ByteReader::Raw(size_t n,
                                                  absl::string_view field) {
  if (remaining() < n) {
    return absl::InvalidArgumentError(
        absl::StrCat("truncated at ", field, " (offset ", pos_, ")"));
  }
  absl::string_view out = in_.substr(pos_, n);
  pos_ += n;
  return out;
}

absl::StatusOr<absl::string_view> ByteReader::Str8(absl::string_view field) {
  auto len = U8(field);
  if (!len.ok()) return len.status();
  return Raw(*len, field);
}

absl::StatusOr<absl::string_view> ByteReader::Str16(absl::string_view field) {
  auto len = U16(field);
  if (!len.ok()) return len.status();
  return Raw(*len, field);
}

absl::Status ByteReader::ExpectEnd(absl::string_view what) const {
  if (remaining() != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, " has ", remaining(), " trailing bytes at offset ", pos_));
  }
  return absl::OkStatus();
}

void StoreU32(uint32_t v, unsigned char* out) {
  out[0] = static_cast<unsigned char>(v >> 24);
  out[1] = static_cast<unsigned char>(v >> 16);
  out[2] = static_cast<unsigned char>(v >> 8);
  out[3] = static_cast<unsigned char>(v);
}

uint32_t LoadU32(const unsigned char* in) {
  return (uint32_t{in[0]} << 24) | (uint32_t{in[1]} << 16) |
         (uint32_t{in[2]} << 8) | uint32_t{in[3]};
}

}  // namespace handover

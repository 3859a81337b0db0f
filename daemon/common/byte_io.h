// Big-endian binary writing and strict, bounds-checked reading.
//
// ByteWriter appends to a std::string it owns. ByteReader reads from a view it
// does not own; every read checks the remaining length and fails with
// InvalidArgument naming the field, so parsers of outside bytes never read
// past their input. Neither class is thread-safe.
#ifndef HANDOVER_COMMON_BYTE_IO_H_
#define HANDOVER_COMMON_BYTE_IO_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace handover {

class ByteWriter {
 public:
  void U8(uint8_t v);
  void U16(uint16_t v);
  void U32(uint32_t v);
  void U64(uint64_t v);
  void I64(int64_t v);
  void Raw(absl::string_view bytes);
  // A string with a one-byte length prefix; the caller keeps it <= 255 bytes.
  absl::Status Str8(absl::string_view s);
  // A string with a two-byte length prefix; the caller keeps it <= 65535.
  absl::Status Str16(absl::string_view s);

  const std::string& bytes() const { return out_; }
  std::string Release() { return std::move(out_); }

 private:
  std::string out_;
};

class ByteReader {
 public:
  explicit ByteReader(absl::string_view in) : in_(in) {}
  // The reader keeps a view: a temporary string would dangle.
  template <typename T,
            std::enable_if_t<std::is_same_v<T, std::string>, int> = 0>
  explicit ByteReader(T&&) = delete;

  absl::StatusOr<uint8_t> U8(absl::string_view field);
  absl::StatusOr<uint16_t> U16(absl::string_view field);
  absl::StatusOr<uint32_t> U32(absl::string_view field);
  absl::StatusOr<uint64_t> U64(absl::string_view field);
  absl::StatusOr<int64_t> I64(absl::string_view field);
  absl::StatusOr<absl::string_view> Raw(size_t n, absl::string_view field);
  absl::StatusOr<absl::string_view> Str8(absl::string_view field);
  absl::StatusOr<absl::string_view> Str16(absl::string_view field);

  size_t remaining() const { return in_.size() - pos_; }
  size_t position() const { return pos_; }
  // Fails unless every byte has been consumed: trailing bytes are an error.
  absl::Status ExpectEnd(absl::string_view what) const;

 private:
  absl::StatusOr<uint64_t> BigEndian(size_t width, absl::string_view field);

  absl::string_view in_;
  size_t pos_ = 0;
};

// Big-endian helpers for fixed-size buffers.
void StoreU32(uint32_t v, unsigned char* out);
uint32_t LoadU32(const unsigned char* in);

}  // namespace handover

#endif  // HANDOVER_COMMON_BYTE_IO_H_

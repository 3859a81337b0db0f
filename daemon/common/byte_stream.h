// Byte source and sink seams. Files implement them in production; strings
// implement them in tests and in the fuzz targets.
#ifndef HANDOVER_COMMON_BYTE_STREAM_H_
#define HANDOVER_COMMON_BYTE_STREAM_H_

#include <cstdint>
#include <string>
#include <type_traits>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace handover {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to `n` bytes into `out`; returns fewer only at end of input.
  virtual absl::StatusOr<size_t> Read(char* out, size_t n) = 0;
};

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual absl::Status Append(absl::string_view data) = 0;
  // Overwrites bytes already appended, at an absolute offset.
  virtual absl::Status WriteAt(uint64_t offset, absl::string_view data) = 0;
};

// A source over a string it does not own.
class StringSource final : public ByteSource {
 public:
  explicit StringSource(absl::string_view data) : data_(data) {}
  // The source keeps a view: a temporary string would dangle.
  template <typename T,
            std::enable_if_t<std::is_same_v<T, std::string>, int> = 0>
  explicit StringSource(T&&) = delete;
  absl::StatusOr<size_t> Read(char* out, size_t n) override;

 private:
  absl::string_view data_;
};

// A sink that accumulates into a string it owns.
class StringSink final : public ByteSink {
 public:
  absl::Status Append(absl::string_view data) override;
  absl::Status WriteAt(uint64_t offset, absl::string_view data) override;
  const std::string& data() const { return data_; }
  std::string& mutable_data() { return data_; }

 private:
  std::string data_;
};

}  // namespace handover

#endif  // HANDOVER_COMMON_BYTE_STREAM_H_

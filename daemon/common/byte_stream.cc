#include "common/byte_stream.h"

#include <algorithm>
#include <cstring>

namespace handover {

absl::StatusOr<size_t> StringSource::Read(char* out, size_t n) {
  size_t take = std::min(n, data_.size());
  if (take > 0) std::memcpy(out, data_.data(), take);
  data_.remove_prefix(take);
  return take;
}

absl::Status StringSink::Append(absl::string_view data) {
  data_.append(data.data(), data.size());
  return absl::OkStatus();
}

absl::Status StringSink::WriteAt(uint64_t offset, absl::string_view data) {
  if (offset > data_.size() || data.size() > data_.size() - offset) {
    return absl::OutOfRangeError("WriteAt past the end of the sink");
  }
  data_.replace(offset, data.size(), data.data(), data.size());
  return absl::OkStatus();
}

}  // namespace handover

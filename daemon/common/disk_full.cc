#include "common/disk_full.h"

#include "absl/strings/cord.h"

namespace handover {
namespace {

constexpr char kDiskFullPayload[] = "handover.disk_full";

}  // namespace

absl::Status DiskFullError(absl::string_view detail) {
  absl::Status status = absl::ResourceExhaustedError(detail);
  status.SetPayload(kDiskFullPayload, absl::Cord("1"));
  return status;
}

bool IsDiskFull(const absl::Status& status) {
  return status.code() == absl::StatusCode::kResourceExhausted &&
         status.GetPayload(kDiskFullPayload).has_value();
}

absl::Status ReplaceDiskFullMessage(const absl::Status& status,
                                    absl::string_view message) {
  if (!IsDiskFull(status)) return status;
  return DiskFullError(message);
}

}  // namespace handover

// A disk that is full (ENOSPC, EDQUOT, SQLITE_FULL) is a passing condition:
// the work is refused, nothing is stored, and the same request succeeds once
// space is freed. Such errors are ResourceExhausted with a marker, so that a
// daemon's API can tell them from size limits (also ResourceExhausted, and
// for good) and answer with one line that says the disk is full, without the
// local paths the detailed message names.
#ifndef HANDOVER_COMMON_DISK_FULL_H_
#define HANDOVER_COMMON_DISK_FULL_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace handover {

// ResourceExhausted with `detail` (for the daemon's log) and the marker.
absl::Status DiskFullError(absl::string_view detail);

// True for a status made by DiskFullError (copies keep the marker).
bool IsDiskFull(const absl::Status& status);

// `status` unchanged unless IsDiskFull(status); then ResourceExhausted with
// `message` alone (still marked), e.g. "the router's disk is full; ...".
absl::Status ReplaceDiskFullMessage(const absl::Status& status,
                                    absl::string_view message);

}  // namespace handover

#endif  // HANDOVER_COMMON_DISK_FULL_H_

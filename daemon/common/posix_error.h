// The one place where errno values become absl::Status codes.
#ifndef HANDOVER_COMMON_POSIX_ERROR_H_
#define HANDOVER_COMMON_POSIX_ERROR_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace handover {

// `what` names the operation and path, e.g. "open /keys/secret.key".
absl::Status PosixError(absl::string_view what, int error_number);

}  // namespace handover

#endif  // HANDOVER_COMMON_POSIX_ERROR_H_

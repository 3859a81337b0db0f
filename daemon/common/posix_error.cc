#include "common/posix_error.h"

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/disk_full.h"

namespace handover {

absl::Status PosixError(absl::string_view what, int error_number) {
  std::string message = absl::StrCat(what, ": ", std::strerror(error_number));
  switch (error_number) {
    case ENOENT:
    case ENOTDIR:
      return absl::NotFoundError(message);
    case EACCES:
    case EPERM:
      return absl::PermissionDeniedError(message);
    case EEXIST:
      return absl::AlreadyExistsError(message);
    case ENOSPC:
    case EDQUOT:
      return DiskFullError(absl::StrCat("the disk is full: ", what, ": ",
                                        std::strerror(error_number)));
    case EMFILE:
    case ENFILE:
    case EFBIG:
      return absl::ResourceExhaustedError(message);
    case EINVAL:
    case EISDIR:
    case ENAMETOOLONG:
      return absl::InvalidArgumentError(message);
    case EINTR:
    case EAGAIN:
      return absl::UnavailableError(message);
    case EIO:
      return absl::DataLossError(message);
    default:
      return absl::InternalError(message);
  }
}

}  // namespace handover

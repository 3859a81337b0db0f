// Propagation helpers for absl::Status / absl::StatusOr.
//
// Debian's Abseil (20220623) lacks these; newer Abseil uses the same names, so
// moving to it later is mechanical.
#ifndef HANDOVER_COMMON_STATUS_MACROS_H_
#define HANDOVER_COMMON_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define HANDOVER_STATUS_CONCAT_INNER_(a, b) a##b
#define HANDOVER_STATUS_CONCAT_(a, b) HANDOVER_STATUS_CONCAT_INNER_(a, b)

// Returns the status from the enclosing function if `expr` is not OK.
#define RETURN_IF_ERROR(expr)                            \
  do {                                                   \
    ::absl::Status handover_status_ = (expr);            \
    if (!handover_status_.ok()) return handover_status_; \
  } while (false)

// `ASSIGN_OR_RETURN(auto x, MakeX());` assigns the value of a StatusOr or
// returns its error from the enclosing function.
#define ASSIGN_OR_RETURN(lhs, expr) \
  HANDOVER_ASSIGN_OR_RETURN_IMPL_(  \
      HANDOVER_STATUS_CONCAT_(handover_statusor_, __LINE__), lhs, expr)

#define HANDOVER_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                                    \
  if (!statusor.ok()) return std::move(statusor).status();   \
  lhs = std::move(statusor).value()

#endif  // HANDOVER_COMMON_STATUS_MACROS_H_

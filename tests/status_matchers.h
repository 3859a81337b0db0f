// Small GoogleTest helpers for absl::Status, in the spirit of LevelDB's
// util/testutil.h.
#ifndef HANDOVER_TESTS_STATUS_MATCHERS_H_
#define HANDOVER_TESTS_STATUS_MATCHERS_H_

#include <ostream>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/status_macros.h"
#include "crypto/envelope_errors.h"
#include "gtest/gtest.h"

#define ASSERT_OK(expr)                           \
  do {                                            \
    const ::absl::Status handover_s_ = (expr);    \
    ASSERT_TRUE(handover_s_.ok()) << handover_s_; \
  } while (false)

#define EXPECT_OK(expr)                           \
  do {                                            \
    const ::absl::Status handover_s_ = (expr);    \
    EXPECT_TRUE(handover_s_.ok()) << handover_s_; \
  } while (false)

namespace handover::testing {

inline const absl::Status& StatusOf(const absl::Status& s) { return s; }
template <typename T>
const absl::Status& StatusOf(const absl::StatusOr<T>& s) {
  return s.status();
}

}  // namespace handover::testing

namespace handover::crypto {
// Lets GoogleTest print failure reasons by name.
inline void PrintTo(EnvelopeFailure failure, std::ostream* os) {
  *os << FailureName(failure);
}
}  // namespace handover::crypto

// Asserts a StatusOr is OK and moves its value into `lhs`.
#define ASSERT_OK_AND_ASSIGN(lhs, expr)                             \
  auto HANDOVER_STATUS_CONCAT_(handover_or_, __LINE__) = (expr);    \
  ASSERT_TRUE(HANDOVER_STATUS_CONCAT_(handover_or_, __LINE__).ok()) \
      << HANDOVER_STATUS_CONCAT_(handover_or_, __LINE__).status();  \
  lhs = std::move(HANDOVER_STATUS_CONCAT_(handover_or_, __LINE__)).value()

#endif  // HANDOVER_TESTS_STATUS_MATCHERS_H_

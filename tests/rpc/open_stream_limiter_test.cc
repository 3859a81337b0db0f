#include "rpc/open_stream_limiter.h"

#include <optional>
#include <utility>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace handover::rpc {
namespace {

using Slot = OpenStreamLimiter::Slot;

TEST(OpenStreamLimiterTest, RefusesOneStreamOverTheLimitPerClient) {
  OpenStreamLimiter limiter(2, "[limits] max_open_streams_per_client");
  absl::StatusOr<Slot> first = limiter.Enter("case-system");
  absl::StatusOr<Slot> second = limiter.Enter("case-system");
  ASSERT_TRUE(first.ok() && second.ok());

  const absl::Status third = limiter.Enter("case-system").status();
  EXPECT_EQ(third.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(third.message(),
            "'case-system' already has the most open streams allowed (2, set "
            "by [limits] max_open_streams_per_client); try again later, once "
            "one has finished");
  // Another client is counted on its own.
  EXPECT_TRUE(limiter.Enter("alert-console").ok());
}

TEST(OpenStreamLimiterTest, AFinishedStreamFreesItsPlaceOnce) {
  OpenStreamLimiter limiter(1, "limit");
  {
    absl::StatusOr<Slot> held = limiter.Enter("a");
    ASSERT_TRUE(held.ok());
    {
      // Moving the place keeps it held; only the last owner gives it back.
      std::optional<Slot> moved(std::move(*held));
      EXPECT_FALSE(limiter.Enter("a").ok());
    }
    absl::StatusOr<Slot> again = limiter.Enter("a");
    ASSERT_TRUE(again.ok()) << again.status();
  }  // `held` (moved from) and `again` end here: one place back, not two
  absl::StatusOr<Slot> third = limiter.Enter("a");
  EXPECT_TRUE(third.ok()) << third.status();
  EXPECT_FALSE(limiter.Enter("a").ok()) << "a place was given back twice";
}

TEST(OpenStreamLimiterTest, ALimitBelowOneMeansOne) {
  OpenStreamLimiter limiter(0, "limit");
  absl::StatusOr<Slot> held = limiter.Enter("a");
  ASSERT_TRUE(held.ok());
  EXPECT_TRUE(absl::StrContains(limiter.Enter("a").status().message(),
                                "allowed (1, set by limit)"));
}

}  // namespace
}  // namespace handover::rpc

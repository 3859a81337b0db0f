// RateLimiter: a token bucket per client, driven by a FakeClock.
#include "node/api/rate_limiter.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace handover::node::api {
namespace {

using ::testing::HasSubstr;

const absl::Time kStart = absl::FromUnixSeconds(1767225600);

TEST(RateLimiterTest, AllowsABurstOfTheLimitThenRefuses) {
  FakeClock clock(kStart);
  RateLimiter limiter(3, &clock);
  EXPECT_TRUE(limiter.Acquire("a").ok());
  EXPECT_TRUE(limiter.Acquire("a").ok());
  EXPECT_TRUE(limiter.Acquire("a").ok());
  absl::Status s = limiter.Acquire("a");
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(s.message(), HasSubstr("3 submissions a minute"));
}

TEST(RateLimiterTest, RefillsWithTime) {
  FakeClock clock(kStart);
  RateLimiter limiter(60, &clock);  // one a second
  for (int i = 0; i < 60; ++i) ASSERT_TRUE(limiter.Acquire("a").ok()) << i;
  EXPECT_FALSE(limiter.Acquire("a").ok());
  clock.Advance(absl::Milliseconds(500));
  EXPECT_FALSE(limiter.Acquire("a").ok());
  clock.Advance(absl::Milliseconds(600));
  EXPECT_TRUE(limiter.Acquire("a").ok());
  EXPECT_FALSE(limiter.Acquire("a").ok());
}

TEST(RateLimiterTest, NeverHoldsMoreThanOneMinuteOfTokens) {
  FakeClock clock(kStart);
  RateLimiter limiter(2, &clock);
  ASSERT_TRUE(limiter.Acquire("a").ok());
  clock.Advance(absl::Hours(5));
  EXPECT_TRUE(limiter.Acquire("a").ok());
  EXPECT_TRUE(limiter.Acquire("a").ok());
  EXPECT_FALSE(limiter.Acquire("a").ok());
}

TEST(RateLimiterTest, ClientsHaveSeparateBuckets) {
  FakeClock clock(kStart);
  RateLimiter limiter(1, &clock);
  EXPECT_TRUE(limiter.Acquire("a").ok());
  EXPECT_FALSE(limiter.Acquire("a").ok());
  EXPECT_TRUE(limiter.Acquire("b").ok());
}

TEST(RateLimiterTest, AClockSteppingBackDoesNotRefill) {
  FakeClock clock(kStart);
  RateLimiter limiter(1, &clock);
  EXPECT_TRUE(limiter.Acquire("a").ok());
  clock.Set(kStart - absl::Hours(1));
  EXPECT_FALSE(limiter.Acquire("a").ok());
  clock.Set(kStart + absl::Seconds(30));
  EXPECT_FALSE(limiter.Acquire("a").ok());
  clock.Set(kStart + absl::Seconds(61));
  EXPECT_TRUE(limiter.Acquire("a").ok());
}

}  // namespace
}  // namespace handover::node::api

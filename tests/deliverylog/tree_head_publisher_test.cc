// TreeHeadPublisher on a real log file: a head only when the log grew, a
// last head at Stop, and heads from its own thread without being asked.
#include "deliverylog/tree_head_publisher.h"

#include <optional>
#include <string>

#include "absl/time/clock.h"
#include "deliverylog/tree_head.h"
#include "gtest/gtest.h"
#include "log_test_util.h"
#include "status_matchers.h"

namespace handover::deliverylog {
namespace {

namespace v1 = handover::v1;
using testing::LogFixture;
using testing::SampleEntry;

class TreeHeadPublisherTest : public LogFixture {
 protected:
  std::optional<v1::SignedTreeHead> Latest() {
    auto latest = log_->LatestTreeHead();
    EXPECT_TRUE(latest.ok()) << latest.status();
    return latest.ok() ? *latest : std::nullopt;
  }

  // Appends `n` entries, one clock second apart.
  void Append(int n) {
    for (int i = 0; i < n; ++i) {
      clock_.Advance(absl::Seconds(1));
      ASSERT_OK(log_->Append(SampleEntry(i)).status());
    }
  }

  // Polls, for at most `limit` of real time, until the newest head covers
  // `size` entries. What the publisher's thread does is never timed.
  bool WaitForHeadOfSize(uint64_t size,
                         absl::Duration limit = absl::Seconds(5)) {
    const absl::Time deadline = absl::Now() + limit;
    while (absl::Now() < deadline) {
      std::optional<v1::SignedTreeHead> latest = Latest();
      if (latest.has_value() && latest->tree_size() == size) return true;
      absl::SleepFor(absl::Milliseconds(5));
    }
    return false;
  }
};

TEST_F(TreeHeadPublisherTest, AnEmptyLogGetsNoHead) {
  TreeHeadPublisher publisher(log_.get(), absl::Hours(1));
  ASSERT_OK(publisher.PublishIfGrown());
  EXPECT_EQ(Latest(), std::nullopt);
}

TEST_F(TreeHeadPublisherTest, AGrownLogGetsOneHeadOfItsSize) {
  TreeHeadPublisher publisher(log_.get(), absl::Hours(1));
  Append(3);
  clock_.Advance(absl::Seconds(1));
  ASSERT_OK(publisher.PublishIfGrown());
  std::optional<v1::SignedTreeHead> head = Latest();
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->tree_size(), 3u);
  EXPECT_EQ(head->log_id(), kLogId);
  EXPECT_OK(VerifyTreeHead(*head, Keys()));
  EXPECT_EQ(head->timestamp().seconds(), absl::ToUnixSeconds(clock_.Now()));
}

TEST_F(TreeHeadPublisherTest, NoNewHeadWithoutGrowth) {
  TreeHeadPublisher publisher(log_.get(), absl::Hours(1));
  Append(2);
  ASSERT_OK(publisher.PublishIfGrown());
  std::optional<v1::SignedTreeHead> first = Latest();
  ASSERT_TRUE(first.has_value());

  // A later clock would give any new head a new time.
  clock_.Advance(absl::Minutes(5));
  ASSERT_OK(publisher.PublishIfGrown());
  std::optional<v1::SignedTreeHead> second = Latest();
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->SerializeAsString(), first->SerializeAsString());

  // It grows again: a new head.
  Append(1);
  ASSERT_OK(publisher.PublishIfGrown());
  std::optional<v1::SignedTreeHead> third = Latest();
  ASSERT_TRUE(third.has_value());
  EXPECT_EQ(third->tree_size(), 3u);
  EXPECT_GT(third->timestamp().seconds(), first->timestamp().seconds());
}

TEST_F(TreeHeadPublisherTest, AHeadSomeoneElsePublishedCounts) {
  // A head signed elsewhere (a receipt's proof, an admin's request) already
  // covers the log: the publisher adds none.
  TreeHeadPublisher publisher(log_.get(), absl::Hours(1));
  Append(2);
  v1::SignedTreeHead published = Publish();
  clock_.Advance(absl::Minutes(1));
  ASSERT_OK(publisher.PublishIfGrown());
  ASSERT_TRUE(Latest().has_value());
  EXPECT_EQ(Latest()->SerializeAsString(), published.SerializeAsString());
}

TEST_F(TreeHeadPublisherTest, StopPublishesALastHeadWhenGrownSince) {
  TreeHeadPublisher publisher(log_.get(), absl::Hours(1));
  publisher.Start();
  Append(4);
  publisher.Stop();
  std::optional<v1::SignedTreeHead> head = Latest();
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->tree_size(), 4u);

  // Stop is idempotent: a second call (and the destructor) adds nothing.
  Append(1);
  publisher.Stop();
  ASSERT_TRUE(Latest().has_value());
  EXPECT_EQ(Latest()->tree_size(), 4u);
}

TEST_F(TreeHeadPublisherTest, StopWithoutGrowthPublishesNothing) {
  Append(2);
  v1::SignedTreeHead published = Publish();
  clock_.Advance(absl::Minutes(1));
  {
    TreeHeadPublisher publisher(log_.get(), absl::Hours(1));
    publisher.Start();
    publisher.Stop();
  }
  ASSERT_TRUE(Latest().has_value());
  EXPECT_EQ(Latest()->SerializeAsString(), published.SerializeAsString());
}

TEST_F(TreeHeadPublisherTest, TheDestructorStopsAndPublishes) {
  {
    TreeHeadPublisher publisher(log_.get(), absl::Hours(1));
    publisher.Start();
    Append(2);
  }
  ASSERT_TRUE(Latest().has_value());
  EXPECT_EQ(Latest()->tree_size(), 2u);
}

TEST_F(TreeHeadPublisherTest, StopDoesNotWaitOutTheInterval) {
  // With an hour's interval, a Stop that waited for it would hang the test
  // (and be killed by its timeout); the bound here is generous.
  TreeHeadPublisher publisher(log_.get(), absl::Hours(1));
  publisher.Start();
  const absl::Time start = absl::Now();
  publisher.Stop();
  EXPECT_LT(absl::Now() - start, absl::Seconds(30));
}

TEST_F(TreeHeadPublisherTest, TheThreadPublishesWithoutBeingAsked) {
  TreeHeadPublisher publisher(log_.get(), absl::Milliseconds(50));
  publisher.Start();
  Append(3);
  EXPECT_TRUE(WaitForHeadOfSize(3)) << "no head of 3 entries within 5 s";
  // And again as the log keeps growing.
  Append(2);
  EXPECT_TRUE(WaitForHeadOfSize(5)) << "no head of 5 entries within 5 s";
  publisher.Stop();
  ASSERT_TRUE(Latest().has_value());
  EXPECT_OK(VerifyTreeHead(*Latest(), Keys()));
}

TEST_F(TreeHeadPublisherTest, ASigningFailureIsReported) {
  // A log without a signing key cannot sign heads.
  SqliteDeliveryLogOptions options = Options();
  options.signer = nullptr;
  log_.reset();
  ASSERT_OK_AND_ASSIGN(log_, SqliteDeliveryLog::Open(options));
  TreeHeadPublisher publisher(log_.get(), absl::Hours(1));
  ASSERT_OK(publisher.PublishIfGrown());  // empty: nothing to sign
  Append(1);
  absl::Status s = publisher.PublishIfGrown();
  EXPECT_TRUE(absl::IsFailedPrecondition(s)) << s;
  // Stop logs the failure rather than throwing or crashing.
  publisher.Stop();
  EXPECT_EQ(Latest(), std::nullopt);
}

}  // namespace
}  // namespace handover::deliverylog

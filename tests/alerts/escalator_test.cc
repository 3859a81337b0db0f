#include "alerts/escalator.h"

#include <memory>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "alert_test_util.h"
#include "alerts/sqlite_alert_book.h"
#include "common/clock.h"
#include "gtest/gtest.h"
#include "status_matchers.h"
#include "temp_dir.h"

namespace handover::alerts {
namespace {

using testing::kStart;
using testing::SampleAlert;

// Collects the callback's events; waits for them with a bounded real wait.
class Sink {
 public:
  void Add(const std::vector<AlertEvent>& events) {
    absl::MutexLock lock(&mu_);
    events_.insert(events_.end(), events.begin(), events.end());
  }
  std::vector<AlertEvent> WaitFor(size_t n) {
    absl::MutexLock lock(&mu_);
    auto enough = [this, n]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return events_.size() >= n;
    };
    mu_.AwaitWithTimeout(absl::Condition(&enough), absl::Seconds(10));
    return events_;
  }

 private:
  absl::Mutex mu_;
  std::vector<AlertEvent> events_ ABSL_GUARDED_BY(mu_);
};

class EscalatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(book_, SqliteAlertBook::Open(dir_.path() + "/a.db"));
  }
  EscalatorOptions Options() {
    EscalatorOptions o;
    o.interval = absl::Milliseconds(5);
    o.on_events = [this](const std::vector<AlertEvent>& e) { sink_.Add(e); };
    return o;
  }

  handover::testing::TempDir dir_;
  std::unique_ptr<SqliteAlertBook> book_;
  FakeClock clock_{kStart};
  Sink sink_;
};

TEST_F(EscalatorTest, EscalatesWhenTheClockPassesTheDeadline) {
  ASSERT_OK_AND_ASSIGN(Alert a,
                       book_->Raise(SampleAlert('a', Priority::kHigh)));
  Escalator escalator(book_.get(), &clock_, Options());
  ASSERT_OK(escalator.Start());
  EXPECT_EQ(escalator.Start().code(), absl::StatusCode::kFailedPrecondition);
  clock_.Advance(kDefaultEscalateAfter);
  std::vector<AlertEvent> events = sink_.WaitFor(1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].alert_id, a.alert_id);
  EXPECT_EQ(events[0].priority, Priority::kUrgent);
  clock_.Advance(kDefaultEscalateAfter);
  events = sink_.WaitFor(2);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].kind, EventKind::kEscalated);
  escalator.Stop();
  ASSERT_OK_AND_ASSIGN(Alert got, book_->Get(a.alert_id));
  EXPECT_EQ(got.escalations, 2);
}

TEST_F(EscalatorTest, RunOnceAndPromptStop) {
  ASSERT_OK(book_->Raise(SampleAlert('a', Priority::kUrgent)).status());
  EscalatorOptions options = Options();
  options.interval = absl::Hours(1);  // Stop must not wait for it
  Escalator escalator(book_.get(), &clock_, std::move(options));
  ASSERT_OK(escalator.RunOnce());
  EXPECT_TRUE(sink_.WaitFor(0).empty());
  ASSERT_OK(escalator.Start());
  const absl::Time before = absl::Now();
  escalator.Stop();
  EXPECT_LT(absl::Now() - before, absl::Seconds(5));
  escalator.Stop();  // a no-op
  clock_.Advance(kDefaultEscalateAfter);
  ASSERT_OK(escalator.RunOnce());
  EXPECT_EQ(sink_.WaitFor(1).size(), 1u);
}

TEST_F(EscalatorTest, RefusesANonPositiveInterval) {
  EscalatorOptions options = Options();
  options.interval = absl::ZeroDuration();
  Escalator escalator(book_.get(), &clock_, std::move(options));
  EXPECT_EQ(escalator.Start().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace handover::alerts

// The shutdown signals are blocked and then collected by sigwait rather
// than killing the process.
#include "rpc/shutdown_signal.h"

#include <pthread.h>
#include <signal.h>

#include "gtest/gtest.h"

namespace handover::rpc {
namespace {

bool IsBlocked(int signal_number) {
  sigset_t current;
  pthread_sigmask(SIG_BLOCK, nullptr, &current);
  return sigismember(&current, signal_number) == 1;
}

TEST(ShutdownSignalTest, BlocksTermIntAndPipe) {
  BlockShutdownSignals();
  EXPECT_TRUE(IsBlocked(SIGTERM));
  EXPECT_TRUE(IsBlocked(SIGINT));
  EXPECT_TRUE(IsBlocked(SIGPIPE));
  EXPECT_FALSE(IsBlocked(SIGHUP));
}

TEST(ShutdownSignalTest, ReturnsTheSignalThatArrived) {
  BlockShutdownSignals();
  // Blocked, so these wait as pending instead of ending the test process.
  ASSERT_EQ(pthread_kill(pthread_self(), SIGTERM), 0);
  EXPECT_EQ(WaitForShutdownSignal(), SIGTERM);
  ASSERT_EQ(pthread_kill(pthread_self(), SIGINT), 0);
  EXPECT_EQ(WaitForShutdownSignal(), SIGINT);
}

TEST(ShutdownSignalTest, ThreadsStartedAfterwardInheritTheMask) {
  BlockShutdownSignals();
  bool blocked_in_thread = false;
  pthread_t thread;
  ASSERT_EQ(pthread_create(
                &thread, nullptr,
                [](void* out) -> void* {
                  *static_cast<bool*>(out) = IsBlocked(SIGTERM);
                  return nullptr;
                },
                &blocked_in_thread),
            0);
  ASSERT_EQ(pthread_join(thread, nullptr), 0);
  EXPECT_TRUE(blocked_in_thread);
}

}  // namespace
}  // namespace handover::rpc

// ServerDrain on a real TLS server on loopback: a call running when the
// drain starts finishes, one still running at the deadline is cancelled, and
// a connection with nothing in flight does not hold the drain open. (That
// last one only fails across processes, where the idle client is not polled
// by the server's own threads; tests/integration/lifecycle_test.cc runs it
// against the real daemons.)
#include "rpc/server_drain.h"

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "handover/v1/node.grpc.pb.h"
#include "rpc/rpc_test_env.h"
#include "rpc/server_setup.h"
#include "rpc/tls_credentials.h"

namespace handover::rpc {
namespace {

using testing::CallGetNodeInfo;
using testing::CertsDir;
using testing::DemoClientFiles;
using testing::DemoServerFiles;

// GetNodeInfo waits, once `hold()` is set, until released or cancelled.
class HeldNodeService final : public handover::v1::Node::Service {
 public:
  grpc::Status GetNodeInfo(grpc::ServerContext* context,
                           const handover::v1::GetNodeInfoRequest* /*request*/,
                           handover::v1::NodeInfo* reply) override {
    reply->set_agency_id("test-node");  // what CallGetNodeInfo expects
    if (!hold_) return grpc::Status::OK;
    entered_.Notify();
    while (!released_.WaitForNotificationWithTimeout(absl::Milliseconds(10))) {
      if (context->IsCancelled()) {
        saw_cancel_.Notify();
        return grpc::Status::CANCELLED;
      }
    }
    return grpc::Status::OK;
  }

  void hold() { hold_ = true; }
  absl::Notification& entered() { return entered_; }
  // From the test's thread only.
  void Release() {
    if (!released_.HasBeenNotified()) released_.Notify();
  }
  absl::Notification& saw_cancel() { return saw_cancel_; }

 private:
  std::atomic<bool> hold_{false};
  absl::Notification entered_;
  absl::Notification released_;
  absl::Notification saw_cancel_;
};

class ServerDrainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
        MakeServerCredentials(DemoServerFiles(),
                              ClientCertPolicy::kRequestAndVerify);
    ASSERT_TRUE(credentials.ok()) << credentials.status();
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", *credentials, &port);
    ConfigureBuilder(&builder);
    drain_.Install(&builder);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    ASSERT_TRUE(server_ != nullptr && port != 0);
    absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> client =
        MakeChannelCredentials(DemoClientFiles(CertsDir(), ""));
    ASSERT_TRUE(client.ok()) << client.status();
    channel_ = MakeChannel(absl::StrCat("127.0.0.1:", port), *client);
  }

  void TearDown() override {
    service_.Release();
    if (!drained_) drain_.Drain(server_.get(), absl::Now());
  }

  // Drains on another thread; the future is ready once Drain returns.
  std::future<void> StartDrain(absl::Duration drain) {
    drained_ = true;
    const absl::Time deadline = absl::Now() + drain;
    return std::async(std::launch::async, [this, deadline] {
      drain_.Drain(server_.get(), deadline);
    });
  }

  // Starts a GetNodeInfo that the service holds, as call_, and waits until
  // its handler runs.
  void StartHeldCall() {
    service_.hold();
    call_ = std::async(std::launch::async,
                       [this] { return CallGetNodeInfo(channel_); });
    ASSERT_TRUE(
        service_.entered().WaitForNotificationWithTimeout(absl::Seconds(20)));
  }

  HeldNodeService service_;
  ServerDrain drain_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::future<grpc::Status> call_;
  bool drained_ = false;
};

TEST_F(ServerDrainTest, ACallRunningWhenTheDrainStartsFinishes) {
  ASSERT_NO_FATAL_FAILURE(StartHeldCall());
  EXPECT_EQ(drain_.calls_in_flight(), 1);

  std::future<void> drained = StartDrain(absl::Seconds(30));
  EXPECT_EQ(drained.wait_for(std::chrono::milliseconds(300)),
            std::future_status::timeout)
      << "the drain did not wait for the call";
  service_.Release();
  const grpc::Status status = call_.get();
  EXPECT_TRUE(status.ok()) << status.error_code() << " "
                           << status.error_message();
  EXPECT_EQ(drained.wait_for(std::chrono::seconds(20)),
            std::future_status::ready);
  EXPECT_EQ(drain_.calls_in_flight(), 0);
}

TEST_F(ServerDrainTest, ACallStillRunningAtTheDeadlineIsCancelled) {
  ASSERT_NO_FATAL_FAILURE(StartHeldCall());

  std::future<void> drained = StartDrain(absl::Milliseconds(200));
  EXPECT_TRUE(
      service_.saw_cancel().WaitForNotificationWithTimeout(absl::Seconds(20)));
  EXPECT_FALSE(call_.get().ok());
  EXPECT_EQ(drained.wait_for(std::chrono::seconds(20)),
            std::future_status::ready);
}

TEST_F(ServerDrainTest, AnIdleConnectionDoesNotHoldTheDrain) {
  ASSERT_TRUE(CallGetNodeInfo(channel_).ok());

  const absl::Time start = absl::Now();
  std::future<void> drained = StartDrain(absl::Seconds(30));
  EXPECT_EQ(drained.wait_for(std::chrono::seconds(20)),
            std::future_status::ready);
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
}

TEST_F(ServerDrainTest, NoCallIsTakenOnceTheDrainHasStarted) {
  StartDrain(absl::Seconds(30)).get();
  EXPECT_FALSE(CallGetNodeInfo(channel_).ok());
}

}  // namespace
}  // namespace handover::rpc

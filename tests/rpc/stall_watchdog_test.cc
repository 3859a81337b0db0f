// The stall watchdog on a real gRPC server over loopback TLS, with a fake
// clock: the test decides when "too long" has passed.
#include "rpc/stall_watchdog.h"

#include <atomic>
#include <memory>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/clock.h"
#include "gtest/gtest.h"
#include "rpc_test_env.h"

namespace handover::rpc {
namespace {

using handover::v1::SubmitTransferRequest;
using handover::v1::SubmitTransferResponse;
using testing::CertsDir;
using testing::ChannelTo;
using testing::DemoClientFiles;
using testing::DemoServerFiles;
using testing::TestServer;

constexpr absl::Duration kTimeout = absl::Seconds(10);

// SubmitTransfer reads every message under the watchdog. With
// `busy_after_first`, it then works (does not read) until released.
class WatchedService final : public handover::v1::Node::Service {
 public:
  WatchedService(StallWatchdog* watchdog, bool busy_after_first)
      : watchdog_(watchdog), busy_after_first_(busy_after_first) {}

  grpc::Status SubmitTransfer(grpc::ServerContext* context,
                              grpc::ServerReader<SubmitTransferRequest>* reader,
                              SubmitTransferResponse*) override {
    StallWatchdog::Stream watched =
        watchdog_->Watch(context, "SubmitTransfer by a test client");
    SubmitTransferRequest request;
    while (watched.Await([&] { return reader->Read(&request); })) {
      if (++messages_read_ == 1 && busy_after_first_) {
        busy_.Notify();
        release_.WaitForNotification();
      }
    }
    done_.Notify();
    return context->IsCancelled()
               ? grpc::Status(grpc::StatusCode::CANCELLED, "cancelled")
               : grpc::Status::OK;
  }

  std::atomic<int> messages_read_{0};
  absl::Notification busy_, release_, done_;

 private:
  StallWatchdog* const watchdog_;
  const bool busy_after_first_;
};

class StallWatchdogTest : public ::testing::Test {
 protected:
  void Start(bool busy_after_first) {
    service_ = std::make_unique<WatchedService>(&watchdog_, busy_after_first);
    auto server = TestServer::Start(
        DemoServerFiles(), ClientCertPolicy::kRequireAndVerify, service_.get());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    stub_ = handover::v1::Node::NewStub(
        ChannelTo(*server_, DemoClientFiles(CertsDir(), "stockport-cs")));
    context_.set_deadline(absl::ToChronoTime(absl::Now() + absl::Minutes(1)));
    writer_ = stub_->SubmitTransfer(&context_, &response_);
  }

  // Waits (in real time, at most 30 s) until the server has read `n`
  // messages.
  void WaitForReads(int n) {
    const absl::Time deadline = absl::Now() + absl::Seconds(30);
    while (service_->messages_read_.load() < n && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(5));
    }
    ASSERT_EQ(service_->messages_read_.load(), n);
  }

  FakeClock clock_{absl::FromUnixSeconds(1'800'000'000)};
  StallWatchdog watchdog_{kTimeout, "[limits] stream_stall_timeout", &clock_};
  std::unique_ptr<WatchedService> service_;
  std::unique_ptr<TestServer> server_;
  std::unique_ptr<handover::v1::Node::Stub> stub_;
  grpc::ClientContext context_;
  SubmitTransferResponse response_;
  std::unique_ptr<grpc::ClientWriter<SubmitTransferRequest>> writer_;
};

TEST_F(StallWatchdogTest, CancelsAStreamWhoseClientSendsNothing) {
  ASSERT_NO_FATAL_FAILURE(Start(/*busy_after_first=*/false));
  // The client opened the stream and sends nothing. Until the handler waits
  // in Read, no time counts; so keep moving the clock until it is cut off.
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (!service_->done_.HasBeenNotified() && absl::Now() < deadline) {
    clock_.Advance(kTimeout + absl::Seconds(1));
    watchdog_.CancelStalled();
    absl::SleepFor(absl::Milliseconds(10));
  }
  ASSERT_TRUE(service_->done_.HasBeenNotified()) << "never cancelled";
  EXPECT_EQ(writer_->Finish().error_code(), grpc::StatusCode::CANCELLED);
  EXPECT_EQ(watchdog_.CancelStalled(), 0) << "a finished stream counted";
}

TEST_F(StallWatchdogTest, ClientThatKeepsSendingIsNeverCancelled) {
  ASSERT_NO_FATAL_FAILURE(Start(/*busy_after_first=*/false));
  SubmitTransferRequest message;
  message.mutable_attachment_data()->set_data("x");
  // Five messages, each just inside the timeout: 45 s in all.
  for (int i = 1; i <= 5; ++i) {
    ASSERT_TRUE(writer_->Write(message));
    ASSERT_NO_FATAL_FAILURE(WaitForReads(i));
    clock_.Advance(kTimeout - absl::Seconds(1));
    EXPECT_EQ(watchdog_.CancelStalled(), 0) << "after message " << i;
  }
  ASSERT_TRUE(writer_->WritesDone());
  EXPECT_TRUE(writer_->Finish().ok());
}

TEST_F(StallWatchdogTest, TheServersOwnWorkNeverCounts) {
  ASSERT_NO_FATAL_FAILURE(Start(/*busy_after_first=*/true));
  SubmitTransferRequest message;
  message.mutable_attachment_data()->set_data("x");
  ASSERT_TRUE(writer_->Write(message));
  service_->busy_.WaitForNotification();
  // The handler is working, not waiting on the client: an hour passes.
  clock_.Advance(absl::Hours(1));
  EXPECT_EQ(watchdog_.CancelStalled(), 0);
  service_->release_.Notify();
  ASSERT_TRUE(writer_->WritesDone());
  EXPECT_TRUE(writer_->Finish().ok());
}

}  // namespace
}  // namespace handover::rpc

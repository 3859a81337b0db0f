#include "rpc/server_drain.h"

#include <grpc/grpc.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <grpcpp/support/server_interceptor.h>

#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace handover::rpc {

class CallCounter {
 public:
  void Add() {
    absl::MutexLock lock(&mu_);
    ++calls_;
  }
  void Remove() {
    absl::MutexLock lock(&mu_);
    --calls_;
  }
  int calls() const {
    absl::MutexLock lock(&mu_);
    return calls_;
  }
  void AwaitNone(absl::Time deadline) {
    absl::MutexLock lock(&mu_);
    mu_.AwaitWithDeadline(absl::Condition(this, &CallCounter::NoneLocked),
                          deadline);
  }

 private:
  bool NoneLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return calls_ == 0;
  }

  mutable absl::Mutex mu_;
  int calls_ ABSL_GUARDED_BY(mu_) = 0;
};

namespace {

// gRPC makes one per call and deletes it with the call, so it counts the
// call for exactly as long as the call holds the server.
class CountingInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit CountingInterceptor(std::shared_ptr<CallCounter> calls)
      : calls_(std::move(calls)) {
    calls_->Add();
  }
  ~CountingInterceptor() override { calls_->Remove(); }

  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    methods->Proceed();
  }

 private:
  const std::shared_ptr<CallCounter> calls_;
};

class CountingFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit CountingFactory(std::shared_ptr<CallCounter> calls)
      : calls_(std::move(calls)) {}

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* /*info*/) override {
    return new CountingInterceptor(calls_);
  }

 private:
  const std::shared_ptr<CallCounter> calls_;
};

}  // namespace

ServerDrain::ServerDrain() : calls_(std::make_shared<CallCounter>()) {}

ServerDrain::~ServerDrain() = default;

void ServerDrain::Install(grpc::ServerBuilder* builder) {
  std::vector<
      std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
      creators;
  creators.push_back(std::make_unique<CountingFactory>(calls_));
  builder->experimental().SetInterceptorCreators(std::move(creators));
}

void ServerDrain::Drain(grpc::Server* server, absl::Time deadline) {
  grpc_server* core = server->c_server();
  // The core's shutdown begins here rather than inside Server::Shutdown, so
  // that no call can start while this thread waits for the running ones. It
  // is idempotent and notifies every tag it is given, so Server::Shutdown
  // beginning it again below is harmless (and, like it, this passes a queue
  // of its own).
  grpc_completion_queue* stopped =
      grpc_completion_queue_create_for_next(/*reserved=*/nullptr);
  grpc_server_shutdown_and_notify(core, stopped, /*tag=*/this);
  // A call the core took just before is counted once a handler thread picks
  // it up, microseconds later; one that loses that race is cut as if its
  // client had gone.
  calls_->AwaitNone(deadline);
  // Nothing is left (or the deadline has passed): drop the connections
  // rather than wait for every client to answer the graceful GOAWAY.
  grpc_server_cancel_all_calls(core);
  // Stops the server's threads: at once, unless a handler runs on past the
  // deadline (then it waits for that handler, as Server::Shutdown does).
  server->Shutdown(absl::ToChronoTime(deadline));
  grpc_completion_queue_shutdown(stopped);
  while (grpc_completion_queue_next(stopped, gpr_inf_future(GPR_CLOCK_REALTIME),
                                    /*reserved=*/nullptr)
             .type != GRPC_QUEUE_SHUTDOWN) {
  }
  grpc_completion_queue_destroy(stopped);
}

int ServerDrain::calls_in_flight() const { return calls_->calls(); }

}  // namespace handover::rpc

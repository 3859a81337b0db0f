// Plain gRPC server-stream latency over mutual TLS: one client publishes
// paced messages, the server hands each to a subscriber's open stream, and
// the latency runs from a message's due time to its arrival on the stream.
// It is the move benchmark's path with the sealing, routing, storage and
// alert raising taken out.
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "handover/bench/echo.grpc.pb.h"
#include "loadgen/baselines.h"
#include "rpc/server_setup.h"
#include "rpc/tls_credentials.h"

namespace handover::bench {
namespace {

// Fans each publication out to whoever is subscribed.
class FanOutService final : public Echo::Service {
 public:
  grpc::Status Publish(grpc::ServerContext*, const EchoChunk* chunk,
                       EchoReply* reply) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (std::deque<EchoChunk>* queue : subscribers_)
        queue->push_back(*chunk);
    }
    changed_.notify_all();
    reply->set_bytes(chunk->data().size());
    return grpc::Status::OK;
  }

  grpc::Status Subscribe(grpc::ServerContext* context, const EchoReply*,
                         grpc::ServerWriter<EchoChunk>* writer) override {
    std::deque<EchoChunk> queue;
    {
      std::lock_guard<std::mutex> lock(mu_);
      subscribers_.push_back(&queue);
    }
    EchoChunk ready;  // sequence 0: the subscriber is registered
    bool open = writer->Write(ready);
    while (open && !context->IsCancelled()) {
      std::unique_lock<std::mutex> lock(mu_);
      changed_.wait_for(lock, std::chrono::milliseconds(50),
                        [&] { return !queue.empty() || stopping_; });
      if (stopping_) break;
      std::deque<EchoChunk> batch;
      batch.swap(queue);
      lock.unlock();
      for (const EchoChunk& chunk : batch) {
        if (!(open = writer->Write(chunk))) break;
      }
    }
    std::lock_guard<std::mutex> lock(mu_);
    std::erase(subscribers_, &queue);
    return grpc::Status::OK;
  }

  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    changed_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  std::vector<std::deque<EchoChunk>*> subscribers_;
  bool stopping_ = false;
};

}  // namespace

absl::StatusOr<RunSummary> RunGrpcStreamBaseline(const PacedShape& shape,
                                                 uint64_t payload_bytes,
                                                 const TlsMaterial& tls) {
  auto server_creds = rpc::MakeServerCredentials(
      {tls.server_cert_path, tls.server_key_path, tls.ca_pem_path},
      rpc::ClientCertPolicy::kRequireAndVerify);
  if (!server_creds.ok()) return server_creds.status();
  FanOutService service;
  grpc::ServerBuilder builder;
  rpc::ConfigureBuilder(&builder);
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", *server_creds, &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    return absl::UnavailableError("stream baseline server did not start");
  }
  auto channel_creds = rpc::MakeChannelCredentials(
      {tls.ca_pem_path, tls.client_cert_path, tls.client_key_path});
  if (!channel_creds.ok()) return channel_creds.status();
  const std::string target = absl::StrCat("localhost:", port);
  // The subscriber and the publisher hold separate connections, as the
  // control room and the case system do.
  std::unique_ptr<Echo::Stub> subscriber_stub =
      Echo::NewStub(rpc::MakeChannel(target, *channel_creds));
  std::unique_ptr<Echo::Stub> publisher_stub =
      Echo::NewStub(rpc::MakeChannel(target, *channel_creds));

  const uint64_t total = shape.Operations();
  std::vector<absl::Time> due_at(total + 1);
  std::vector<absl::Time> arrived_at(total + 1);
  grpc::ClientContext subscription;
  auto reader = subscriber_stub->Subscribe(&subscription, EchoReply());
  EchoChunk chunk;
  if (!reader->Read(&chunk) || chunk.sequence() != 0) {
    return absl::UnavailableError("stream baseline subscription failed");
  }
  // Written only by the subscriber thread; read after it has joined.
  std::vector<bool> arrived(total + 1, false);
  std::atomic<uint64_t> received{0};
  std::thread subscriber([&] {
    while (received.load() < total && reader->Read(&chunk)) {
      const absl::Time now = absl::Now();
      const uint64_t s = chunk.sequence();
      if (s >= 1 && s <= total && !arrived[s]) {
        arrived_at[s] = now;
        arrived[s] = true;
        ++received;
      }
    }
  });

  LatencyStats stats;
  const std::string payload(payload_bytes, 'x');
  const PacedTiming timing = RunPaced(shape, [&](int, uint64_t i,
                                                 absl::Time due) {
    due_at[i + 1] = due;
    EchoChunk message;
    message.set_data(payload);
    message.set_sequence(i + 1);
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    EchoReply reply;
    if (!publisher_stub->Publish(&context, message, &reply).ok()) {
      stats.RecordFailure();
    }
  });
  // Give the last publications time to arrive, then end the stream.
  const absl::Time give_up = absl::Now() + absl::Seconds(30);
  while (received.load() < total && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  subscription.TryCancel();
  service.Stop();
  subscriber.join();
  reader->Finish();
  server->Shutdown();
  absl::Time last = timing.start;
  for (uint64_t s = 1; s <= total; ++s) {
    if (!arrived[s]) {
      stats.RecordFailure();
      continue;
    }
    stats.Record(arrived_at[s] - due_at[s]);
    last = std::max(last, arrived_at[s]);
  }
  return stats.Summarize("grpc+tls server stream", payload_bytes,
                         last - timing.start);
}

}  // namespace handover::bench

// Plain gRPC over mutual TLS: what moving the same bytes costs before any
// signing, encryption, storage or routing.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "handover/bench/echo.grpc.pb.h"
#include "loadgen/baselines.h"
#include "rpc/grpc_status.h"
#include "rpc/server_setup.h"
#include "rpc/tls_credentials.h"

namespace handover::bench {
namespace {

constexpr size_t kChunkBytes = 1 << 20;

class EchoService final : public Echo::Service {
  grpc::Status Push(grpc::ServerContext*, grpc::ServerReader<EchoChunk>* reader,
                    EchoReply* reply) override {
    EchoChunk chunk;
    uint64_t total = 0;
    while (reader->Read(&chunk)) total += chunk.data().size();
    reply->set_bytes(total);
    return grpc::Status::OK;
  }
};

}  // namespace

absl::StatusOr<RunSummary> RunGrpcEchoBaseline(const LoadShape& shape,
                                               const TlsMaterial& tls) {
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> server_creds =
      rpc::MakeServerCredentials(
          {tls.server_cert_path, tls.server_key_path, tls.ca_pem_path},
          rpc::ClientCertPolicy::kRequireAndVerify);
  if (!server_creds.ok()) return server_creds.status();
  EchoService service;
  grpc::ServerBuilder builder;
  rpc::ConfigureBuilder(&builder);
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", *server_creds, &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    return absl::UnavailableError("echo baseline server did not start");
  }

  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> channel_creds =
      rpc::MakeChannelCredentials(
          {tls.ca_pem_path, tls.client_cert_path, tls.client_key_path});
  if (!channel_creds.ok()) return channel_creds.status();
  std::shared_ptr<grpc::Channel> channel =
      rpc::MakeChannel(absl::StrCat("localhost:", port), *channel_creds);
  std::unique_ptr<Echo::Stub> stub = Echo::NewStub(channel);

  // One chunk's worth of bytes, sent as often as the payload needs, so a
  // 1 GiB payload does not need 1 GiB of memory.
  EchoChunk full_chunk;
  full_chunk.set_data(
      std::string(std::min<uint64_t>(kChunkBytes, shape.payload_bytes), 'x'));
  std::atomic<uint64_t> next{0};
  LatencyStats stats;
  const absl::Time start = absl::Now();
  std::vector<std::thread> threads;
  for (int c = 0; c < shape.clients; ++c) {
    threads.emplace_back([&] {
      while (next.fetch_add(1) < shape.operations) {
        const absl::Time t0 = absl::Now();
        grpc::ClientContext context;
        EchoReply reply;
        auto writer = stub->Push(&context, &reply);
        bool ok = true;
        for (uint64_t sent = 0; ok && sent < shape.payload_bytes;
             sent += kChunkBytes) {
          const uint64_t size =
              std::min<uint64_t>(kChunkBytes, shape.payload_bytes - sent);
          if (size == full_chunk.data().size()) {
            ok = writer->Write(full_chunk);
          } else {
            EchoChunk last;
            last.set_data(full_chunk.data().substr(0, size));
            ok = writer->Write(last);
          }
        }
        writer->WritesDone();
        grpc::Status status = writer->Finish();
        if (ok && status.ok() && reply.bytes() == shape.payload_bytes) {
          stats.Record(absl::Now() - t0);
        } else {
          stats.RecordFailure();
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  const absl::Duration wall = absl::Now() - start;
  server->Shutdown();
  return stats.Summarize("grpc+tls echo", shape.payload_bytes, wall);
}

}  // namespace handover::bench

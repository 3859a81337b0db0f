// The soak's same-run baseline: a plain gRPC unary call over mutual TLS
// with the network's certificates, to an in-process server that only
// answers. Its latency, window by window beside the network's, shows how
// much of any drift is the shared machine rather than the daemons.
// Thread-safe: Call may run on many threads.
#ifndef HANDOVER_BENCH_SOAK_ECHO_PROBE_H_
#define HANDOVER_BENCH_SOAK_ECHO_PROBE_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "handover/bench/echo.grpc.pb.h"
#include "loadgen/baselines.h"

namespace handover::bench {

class EchoProbe {
 public:
  static absl::StatusOr<std::unique_ptr<EchoProbe>> Start(
      const TlsMaterial& tls);
  ~EchoProbe();  // shuts the server down
  EchoProbe(const EchoProbe&) = delete;
  EchoProbe& operator=(const EchoProbe&) = delete;

  // One call carrying `payload`; fails unless the server answered with its
  // size.
  absl::Status Call(const std::string& payload);

 private:
  class Service;
  EchoProbe();

  std::unique_ptr<Service> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<Echo::Stub> stub_;
};

}  // namespace handover::bench

#endif  // HANDOVER_BENCH_SOAK_ECHO_PROBE_H_

// Direct calls to the router (proto/handover/v1/router.proto) as a node
// would make them, for tests that bypass a node: a spoofed envelope, a
// certificate the directory does not list, a revoked agency. Also the
// standard gRPC health and reflection services, which both daemons serve.
// Thread-safe as gRPC stubs are.
#ifndef HANDOVER_TESTS_INTEGRATION_HARNESS_ROUTER_CLIENT_H_
#define HANDOVER_TESTS_INTEGRATION_HARNESS_ROUTER_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "handover/v1/router.grpc.pb.h"

namespace handover::integration {

class RouterClient {
 public:
  RouterClient(std::shared_ptr<grpc::Channel> channel,
               absl::Duration call_timeout);

  absl::StatusOr<handover::v1::SignedDirectory> GetDirectory();

  // Uploads the envelope file at `path` (docs/FORMAT.md layout) as an
  // EnvelopeHead and 1 MiB ciphertext parts.
  absl::StatusOr<handover::v1::SubmitEnvelopeResponse> SubmitEnvelopeFile(
      const std::string& path);

  // Opens the mailbox stream, says hello and waits up to `wait` for the
  // router to end it. Returns the status the router ended it with, or
  // DeadlineExceeded if it kept the stream open (an accepted node).
  absl::Status TryConnect(absl::Duration wait);

  handover::v1::Router::Stub& stub() { return *stub_; }
  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }

 private:
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<handover::v1::Router::Stub> stub_;
  absl::Duration call_timeout_;
};

// grpc.health.v1.Health/Check for `service` ("" = the whole server).
// Returns the serving status number (1 = SERVING) or the call's error.
// `bearer_token` is sent if not empty.
absl::StatusOr<int> HealthCheck(const std::shared_ptr<grpc::Channel>& channel,
                                const std::string& service,
                                const std::string& bearer_token,
                                absl::Duration timeout);

// Asks server reflection (v1alpha) to list the services; returns the raw
// response bytes, in which each service's full name appears as a string.
absl::StatusOr<std::string> ReflectionListServices(
    const std::shared_ptr<grpc::Channel>& channel,
    const std::string& bearer_token, absl::Duration timeout);

}  // namespace handover::integration

#endif  // HANDOVER_TESTS_INTEGRATION_HARNESS_ROUTER_CLIENT_H_

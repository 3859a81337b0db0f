// Real gRPC servers on loopback for the rpc tests: demo certificates made at
// test time, a Node service whose GetNodeInfo records who called, and a
// generic unary call for services with no generated stub here (health).
//
// TestServer is thread-safe: handlers run on gRPC's threads while the test
// reads what they recorded.
#ifndef HANDOVER_TESTS_RPC_RPC_TEST_ENV_H_
#define HANDOVER_TESTS_RPC_RPC_TEST_ENV_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "handover/v1/node.grpc.pb.h"
#include "rpc/tls_credentials.h"

namespace handover::rpc::testing {

// The shared demo set (tests/tls/test_certs.h) and a second, unrelated one
// whose CA the servers do not trust.
const std::string& CertsDir();
const std::string& OtherCertsDir();

// The SHA-256 fingerprints.txt lists for certificate `name` in `dir`.
std::string ListedFingerprint(const std::string& dir, const std::string& name);

// Server files: router.pem/.key from the demo set, trusting its ca.pem.
ServerTlsFiles DemoServerFiles();
// Client files trusting the demo CA; `name` picks the client certificate
// from `dir` ("" for none).
ClientTlsFiles DemoClientFiles(const std::string& dir, const std::string& name);

// What the last GetNodeInfo call saw.
struct SeenCall {
  std::optional<std::string> peer_cert_sha256;
  std::optional<std::string> bearer_token;
};

class RecordingNodeService final : public handover::v1::Node::Service {
 public:
  grpc::Status GetNodeInfo(grpc::ServerContext* context,
                           const handover::v1::GetNodeInfoRequest* request,
                           handover::v1::NodeInfo* reply) override;

  int calls() const;
  SeenCall last() const;

 private:
  mutable std::mutex mu_;
  int calls_ = 0;
  SeenCall last_;
};

class TestServer {
 public:
  // Starts on 127.0.0.1 with a free port, health and reflection enabled,
  // serving `node` (which must outlive the server) if given, else service().
  static absl::StatusOr<std::unique_ptr<TestServer>> Start(
      const ServerTlsFiles& files, ClientCertPolicy policy,
      handover::v1::Node::Service* node = nullptr);
  ~TestServer();

  std::string address() const;
  RecordingNodeService& service() { return service_; }

 private:
  TestServer() = default;
  RecordingNodeService service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

// A channel to `server` through MakeChannel with `files`.
std::shared_ptr<grpc::Channel> ChannelTo(const TestServer& server,
                                         const ClientTlsFiles& files);

// Calls Node/GetNodeInfo with an optional authorization header.
grpc::Status CallGetNodeInfo(
    const std::shared_ptr<grpc::Channel>& channel,
    const std::optional<std::string>& authorization = std::nullopt);

// One unary call of `method` with raw request bytes; the raw response bytes
// go to `response`.
grpc::Status GenericUnaryCall(const std::shared_ptr<grpc::Channel>& channel,
                              const std::string& method,
                              const std::string& request,
                              std::string* response);

}  // namespace handover::rpc::testing

#endif  // HANDOVER_TESTS_RPC_RPC_TEST_ENV_H_

#include "rpc/rpc_test_env.h"

#include <grpcpp/generic/generic_stub.h>

#include <chrono>
#include <fstream>
#include <future>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "gtest/gtest.h"
#include "rpc/grpc_status.h"
#include "rpc/peer_identity.h"
#include "rpc/server_setup.h"
#include "temp_dir.h"
#include "tls/test_certs.h"

namespace handover::rpc::testing {
namespace {

// Generous: only a broken handshake ever waits this long.
constexpr auto kCallDeadline = std::chrono::seconds(20);

}  // namespace

const std::string& CertsDir() { return handover::testing::DemoCertsDir(); }

const std::string& OtherCertsDir() {
  static handover::testing::TempDir tmp;  // removed at exit
  static const std::string dir = [] {
    std::string out = tmp.path() + "/other-certs";
    handover::testing::CommandResult result =
        handover::testing::RunMakeDemoCerts({out});
    if (result.exit_code != 0) {
      ADD_FAILURE() << "make-demo-certs failed: " << result.err;
      return std::string();
    }
    return out;
  }();
  return dir;
}

std::string ListedFingerprint(const std::string& dir, const std::string& name) {
  std::ifstream in(dir + "/fingerprints.txt");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string listed_name, sha;
    if (fields >> listed_name >> sha && listed_name == name) return sha;
  }
  ADD_FAILURE() << name << " is not in " << dir << "/fingerprints.txt";
  return "";
}

ServerTlsFiles DemoServerFiles() {
  const std::string& dir = CertsDir();
  return ServerTlsFiles{dir + "/router.pem", dir + "/router.key",
                        dir + "/ca.pem"};
}

ClientTlsFiles DemoClientFiles(const std::string& dir,
                               const std::string& name) {
  ClientTlsFiles files;
  files.ca_path = CertsDir() + "/ca.pem";
  if (!name.empty()) {
    files.cert_path = dir + "/" + name + ".pem";
    files.key_path = dir + "/" + name + ".key";
  }
  return files;
}

grpc::Status RecordingNodeService::GetNodeInfo(
    grpc::ServerContext* context, const handover::v1::GetNodeInfoRequest*,
    handover::v1::NodeInfo* reply) {
  SeenCall seen;
  seen.peer_cert_sha256 = PeerCertSha256(*context);
  absl::StatusOr<std::optional<std::string>> token = BearerToken(*context);
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++calls_;
    if (token.ok()) seen.bearer_token = *token;
    last_ = seen;
  }
  if (!token.ok()) return ToGrpcStatus(token.status());
  reply->set_agency_id("test-node");
  return grpc::Status::OK;
}

int RecordingNodeService::calls() const {
  std::lock_guard<std::mutex> lock(mu_);
  return calls_;
}

SeenCall RecordingNodeService::last() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_;
}

absl::StatusOr<std::unique_ptr<TestServer>> TestServer::Start(
    const ServerTlsFiles& files, ClientCertPolicy policy,
    handover::v1::Node::Service* node) {
  ASSIGN_OR_RETURN(std::shared_ptr<grpc::ServerCredentials> credentials,
                   MakeServerCredentials(files, policy));
  std::unique_ptr<TestServer> server(new TestServer());
  EnableHealthAndReflection();
  grpc::ServerBuilder builder;
  ConfigureBuilder(&builder);
  builder.AddListeningPort("127.0.0.1:0", credentials, &server->port_);
  builder.RegisterService(node != nullptr ? node : &server->service_);
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError("test server did not start");
  }
  return server;
}

TestServer::~TestServer() {
  if (server_ != nullptr) {
    server_->Shutdown(std::chrono::system_clock::now() +
                      std::chrono::seconds(5));
  }
}

std::string TestServer::address() const {
  return absl::StrCat("127.0.0.1:", port_);
}

std::shared_ptr<grpc::Channel> ChannelTo(const TestServer& server,
                                         const ClientTlsFiles& files) {
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
      MakeChannelCredentials(files);
  EXPECT_TRUE(credentials.ok()) << credentials.status();
  if (!credentials.ok()) return nullptr;
  return MakeChannel(server.address(), *credentials);
}

grpc::Status CallGetNodeInfo(const std::shared_ptr<grpc::Channel>& channel,
                             const std::optional<std::string>& authorization) {
  std::unique_ptr<handover::v1::Node::Stub> stub =
      handover::v1::Node::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
  if (authorization.has_value()) {
    context.AddMetadata("authorization", *authorization);
  }
  handover::v1::GetNodeInfoRequest request;
  handover::v1::NodeInfo reply;
  grpc::Status status = stub->GetNodeInfo(&context, request, &reply);
  if (status.ok()) {
    EXPECT_EQ(reply.agency_id(), "test-node");
  }
  return status;
}

grpc::Status GenericUnaryCall(const std::shared_ptr<grpc::Channel>& channel,
                              const std::string& method,
                              const std::string& request,
                              std::string* response) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
  grpc::Slice request_slice(request);
  grpc::ByteBuffer request_buffer(&request_slice, 1);
  grpc::ByteBuffer response_buffer;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, method, grpc::StubOptions(), &request_buffer,
                 &response_buffer,
                 [&done](grpc::Status status) { done.set_value(status); });
  grpc::Status status = done.get_future().get();
  response->clear();
  if (status.ok()) {
    std::vector<grpc::Slice> slices;
    EXPECT_TRUE(response_buffer.Dump(&slices).ok());
    for (const grpc::Slice& slice : slices) {
      response->append(reinterpret_cast<const char*>(slice.begin()),
                       slice.size());
    }
  }
  return status;
}

}  // namespace handover::rpc::testing

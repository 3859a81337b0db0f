// Real TLS on loopback: who may connect under each client-certificate
// policy, what the server learns about the peer, and the shared server
// set-up (health service, message-size limits).
#include <grpcpp/grpcpp.h>

#include <string>

#include "gtest/gtest.h"
#include "rpc/rpc_test_env.h"
#include "rpc/server_setup.h"
#include "rpc/tls_credentials.h"
#include "status_matchers.h"
#include "tls/certificate.h"
#include "tls/test_certs.h"

namespace handover::rpc {
namespace {

using testing::CallGetNodeInfo;
using testing::CertsDir;
using testing::ChannelTo;
using testing::DemoClientFiles;
using testing::DemoServerFiles;
using testing::GenericUnaryCall;
using testing::ListedFingerprint;
using testing::OtherCertsDir;
using testing::TestServer;

constexpr char kHealthCheck[] = "/grpc.health.v1.Health/Check";
constexpr char kGetNodeInfo[] = "/handover.v1.Node/GetNodeInfo";

class TlsServerTest : public ::testing::Test {
 protected:
  void StartServer(ClientCertPolicy policy) {
    auto server = TestServer::Start(DemoServerFiles(), policy);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  std::unique_ptr<TestServer> server_;
};

TEST_F(TlsServerTest, ClientWithValidCertificateSeesHealthServing) {
  ASSERT_NO_FATAL_FAILURE(StartServer(ClientCertPolicy::kRequireAndVerify));
  auto channel =
      ChannelTo(*server_, DemoClientFiles(CertsDir(), "stockport-cs"));
  std::string response;
  // An empty HealthCheckRequest asks about the whole server.
  grpc::Status status = GenericUnaryCall(channel, kHealthCheck, "", &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  // HealthCheckResponse{status: SERVING}: field 1, varint 1.
  EXPECT_EQ(response, std::string("\x08\x01", 2));
}

TEST_F(TlsServerTest, ServerSeesTheClientCertificateFingerprint) {
  ASSERT_NO_FATAL_FAILURE(StartServer(ClientCertPolicy::kRequireAndVerify));
  auto channel =
      ChannelTo(*server_, DemoClientFiles(CertsDir(), "stockport-cs"));
  grpc::Status status = CallGetNodeInfo(channel);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const std::string expected = ListedFingerprint(CertsDir(), "stockport-cs");
  ASSERT_EQ(expected.size(), 64u);
  EXPECT_EQ(server_->service().last().peer_cert_sha256, expected);

  // A second agency on a fresh channel is told apart.
  auto other =
      ChannelTo(*server_, DemoClientFiles(CertsDir(), "birmingham-health"));
  ASSERT_TRUE(CallGetNodeInfo(other).ok());
  EXPECT_EQ(server_->service().last().peer_cert_sha256,
            ListedFingerprint(CertsDir(), "birmingham-health"));
}

TEST_F(TlsServerTest, ClientWithoutCertificateIsRefusedWhenRequired) {
  ASSERT_NO_FATAL_FAILURE(StartServer(ClientCertPolicy::kRequireAndVerify));
  auto channel = ChannelTo(*server_, DemoClientFiles(CertsDir(), ""));
  grpc::Status status = CallGetNodeInfo(channel);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << status.error_message();
  EXPECT_EQ(server_->service().calls(), 0);
}

TEST_F(TlsServerTest, ClientCertificateFromAnotherCaIsRefused) {
  for (ClientCertPolicy policy : {ClientCertPolicy::kRequireAndVerify,
                                  ClientCertPolicy::kRequestAndVerify}) {
    ASSERT_NO_FATAL_FAILURE(StartServer(policy));
    // The client trusts the right server CA but presents a foreign cert.
    auto channel =
        ChannelTo(*server_, DemoClientFiles(OtherCertsDir(), "stockport-cs"));
    grpc::Status status = CallGetNodeInfo(channel);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
        << status.error_message();
    EXPECT_EQ(server_->service().calls(), 0);
    server_.reset();
  }
}

TEST_F(TlsServerTest, ServerFromAnotherCaIsRefusedByTheClient) {
  ASSERT_NO_FATAL_FAILURE(StartServer(ClientCertPolicy::kRequireAndVerify));
  ClientTlsFiles files = DemoClientFiles(CertsDir(), "stockport-cs");
  files.ca_path = OtherCertsDir() + "/ca.pem";
  grpc::Status status = CallGetNodeInfo(ChannelTo(*server_, files));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(server_->service().calls(), 0);
}

TEST_F(TlsServerTest, OptionalClientCertificateMayBeAbsent) {
  ASSERT_NO_FATAL_FAILURE(StartServer(ClientCertPolicy::kRequestAndVerify));
  grpc::Status status =
      CallGetNodeInfo(ChannelTo(*server_, DemoClientFiles(CertsDir(), "")));
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(server_->service().last().peer_cert_sha256, std::nullopt);

  status = CallGetNodeInfo(
      ChannelTo(*server_, DemoClientFiles(CertsDir(), "case-system")));
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(server_->service().last().peer_cert_sha256,
            ListedFingerprint(CertsDir(), "case-system"));
}

TEST_F(TlsServerTest, NoClientCaMeansNoClientCertificates) {
  ServerTlsFiles files = DemoServerFiles();
  files.client_ca_path.clear();
  auto server = TestServer::Start(files, ClientCertPolicy::kRequestAndVerify);
  ASSERT_TRUE(server.ok()) << server.status();
  // The certificate is not asked for, so it is neither checked nor seen.
  grpc::Status status = CallGetNodeInfo(
      ChannelTo(**server, DemoClientFiles(OtherCertsDir(), "case-system")));
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ((*server)->service().last().peer_cert_sha256, std::nullopt);

  EXPECT_EQ(TestServer::Start(files, ClientCertPolicy::kRequireAndVerify)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(TlsServerTest, PlainTextClientIsUnavailable) {
  ASSERT_NO_FATAL_FAILURE(StartServer(ClientCertPolicy::kRequestAndVerify));
  auto channel = grpc::CreateChannel(server_->address(),
                                     grpc::InsecureChannelCredentials());
  grpc::Status status = CallGetNodeInfo(channel);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << status.error_message();
  EXPECT_EQ(server_->service().calls(), 0);
}

// GetNodeInfoRequest is empty, so a large unknown field (number 15, bytes)
// makes a request of any size that still parses.
std::string RequestOfSize(size_t payload) {
  std::string out = "\x7a";
  for (size_t n = payload;; n >>= 7) {
    if (n < 0x80) {
      out.push_back(static_cast<char>(n));
      break;
    }
    out.push_back(static_cast<char>((n & 0x7f) | 0x80));
  }
  out.append(payload, 'p');
  return out;
}

TEST_F(TlsServerTest, MessagesUpToTheLimitPassAndLargerAreRefused) {
  ASSERT_NO_FATAL_FAILURE(StartServer(ClientCertPolicy::kRequireAndVerify));
  auto channel =
      ChannelTo(*server_, DemoClientFiles(CertsDir(), "stockport-cs"));
  std::string response;
  // Above gRPC's default 4 MiB receive limit, below ours.
  grpc::Status status = GenericUnaryCall(
      channel, kGetNodeInfo, RequestOfSize(kMaxMessageBytes - 64), &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(server_->service().calls(), 1);

  status = GenericUnaryCall(channel, kGetNodeInfo,
                            RequestOfSize(kMaxMessageBytes + 1), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << status.error_message();
  EXPECT_EQ(server_->service().calls(), 1);
}

TEST_F(TlsServerTest, FingerprintMatchesTheTlsLibrary) {
  // The fingerprint the server computes from the handshake equals the one
  // computed from the PEM file, the form the directory stores.
  ASSERT_NO_FATAL_FAILURE(StartServer(ClientCertPolicy::kRequireAndVerify));
  ASSERT_TRUE(
      CallGetNodeInfo(
          ChannelTo(*server_, DemoClientFiles(CertsDir(), "control-room")))
          .ok());
  ASSERT_OK_AND_ASSIGN(
      std::string from_file,
      tls::CertificateSha256Hex(
          handover::testing::ReadTestFile(CertsDir() + "/control-room.pem")));
  EXPECT_EQ(server_->service().last().peer_cert_sha256, from_file);
}

}  // namespace
}  // namespace handover::rpc

// BearerToken on real calls: the header as a client really sends it.
#include <string>

#include "gtest/gtest.h"
#include "rpc/rpc_test_env.h"
#include "rpc/tls_credentials.h"

namespace handover::rpc {
namespace {

using testing::CallGetNodeInfo;
using testing::CertsDir;
using testing::ChannelTo;
using testing::DemoClientFiles;
using testing::DemoServerFiles;
using testing::TestServer;

class BearerTokenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = TestServer::Start(DemoServerFiles(),
                                    ClientCertPolicy::kRequestAndVerify);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    channel_ = ChannelTo(*server_, DemoClientFiles(CertsDir(), ""));
  }

  std::unique_ptr<TestServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(BearerTokenTest, PresentTokenIsReturned) {
  grpc::Status status = CallGetNodeInfo(channel_, "Bearer s3cr3t-T0ken_~+/=");
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(server_->service().last().bearer_token, "s3cr3t-T0ken_~+/=");
}

TEST_F(BearerTokenTest, SchemeIsCaseInsensitive) {
  ASSERT_TRUE(CallGetNodeInfo(channel_, "bearer abc").ok());
  EXPECT_EQ(server_->service().last().bearer_token, "abc");
}

TEST_F(BearerTokenTest, AbsentHeaderIsNoToken) {
  ASSERT_TRUE(CallGetNodeInfo(channel_, std::nullopt).ok());
  EXPECT_EQ(server_->service().calls(), 1);
  EXPECT_EQ(server_->service().last().bearer_token, std::nullopt);
}

TEST_F(BearerTokenTest, MalformedHeadersAreInvalidArgument) {
  for (const std::string& header :
       {std::string("Basic dXNlcjpwYXNz"), std::string("Bearer"),
        std::string("Bearer "), std::string("Bearer two words"),
        std::string("Bearerabc"), std::string("token-without-scheme")}) {
    grpc::Status status = CallGetNodeInfo(channel_, header);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << "\"" << header << "\": " << status.error_message();
    // The message never echoes what was sent.
    EXPECT_EQ(status.error_message().find("dXNlcjpwYXNz"), std::string::npos);
  }
}

TEST_F(BearerTokenTest, OverLongHeaderIsInvalidArgument) {
  const std::string at_limit = "Bearer " + std::string(4096 - 7, 't');
  ASSERT_TRUE(CallGetNodeInfo(channel_, at_limit).ok());
  EXPECT_EQ(server_->service().last().bearer_token->size(), 4096u - 7);

  grpc::Status status = CallGetNodeInfo(channel_, at_limit + "t");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << status.error_message();
}

}  // namespace
}  // namespace handover::rpc

// ClientAuthenticator: identifying clients by certificate or token, the role
// map for every RPC, and that every entry is compared in constant time.
#include "node/api/client_auth.h"

#include <atomic>
#include <string>
#include <vector>

#include "crypto/secret_bytes.h"
#include "crypto/sha256.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace handover::node::api {
namespace {

using config::ClientEntry;
using config::ClientRole;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kSubmitterToken = "submitter-token-0123456789";
const std::string kReceiverToken = "receiver-token-abcdefghij";
const std::string kAdminCert(64, 'a');
const std::string kOperatorCert(64, 'b');

std::vector<ClientEntry> Clients() {
  return {
      {"case-system", ClientRole::kSubmitter, "",
       crypto::Sha256Hex(kSubmitterToken)},
      {"records", ClientRole::kReceiver, "", crypto::Sha256Hex(kReceiverToken)},
      {"admin-console", ClientRole::kAdmin, kAdminCert, ""},
      {"control-room", ClientRole::kAlertOperator, kOperatorCert, ""},
  };
}

CallCredentials Token(const std::string& token) {
  CallCredentials c;
  c.bearer_token = token;
  return c;
}

CallCredentials Cert(const std::string& sha256) {
  CallCredentials c;
  c.cert_sha256 = sha256;
  return c;
}

TEST(ClientAuthTest, TokenIdentifiesItsClient) {
  ClientAuthenticator auth(Clients());
  absl::StatusOr<Caller> caller = auth.Identify(Token(kReceiverToken));
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->name, "records");
  EXPECT_EQ(caller->role, ClientRole::kReceiver);
}

TEST(ClientAuthTest, CertificateIdentifiesItsClient) {
  ClientAuthenticator auth(Clients());
  absl::StatusOr<Caller> caller = auth.Identify(Cert(kAdminCert));
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->name, "admin-console");
  EXPECT_EQ(caller->role, ClientRole::kAdmin);
}

TEST(ClientAuthTest, WrongTokenIsUnauthenticatedAndNotEchoed) {
  ClientAuthenticator auth(Clients());
  const std::string guess = kSubmitterToken + "x";
  absl::StatusOr<Caller> caller = auth.Identify(Token(guess));
  EXPECT_EQ(caller.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(caller.status().message(), Not(HasSubstr(guess)));
}

TEST(ClientAuthTest, TokenDigestIsNotAToken) {
  // Sending the configured digest itself as the token must not work.
  ClientAuthenticator auth(Clients());
  EXPECT_EQ(
      auth.Identify(Token(crypto::Sha256Hex(kSubmitterToken))).status().code(),
      absl::StatusCode::kUnauthenticated);
}

TEST(ClientAuthTest, UnknownCertificateIsUnauthenticated) {
  ClientAuthenticator auth(Clients());
  EXPECT_EQ(auth.Identify(Cert(std::string(64, 'c'))).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(ClientAuthTest, NoCredentialsIsUnauthenticated) {
  ClientAuthenticator auth(Clients());
  EXPECT_EQ(auth.Identify(CallCredentials{}).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(auth.Identify(Token("")).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(ClientAuthTest, AWrongTokenIsNotRescuedByAKnownCertificate) {
  ClientAuthenticator auth(Clients());
  CallCredentials both = Cert(kAdminCert);
  both.bearer_token = "not-a-token";
  EXPECT_EQ(auth.Identify(both).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(ClientAuthTest, CertificateDigestDoesNotMatchTokenEntries) {
  // A cert whose digest equals a token entry's digest is still unknown: the
  // two kinds of credential never stand in for each other.
  ClientAuthenticator auth(Clients());
  EXPECT_EQ(
      auth.Identify(Cert(crypto::Sha256Hex(kSubmitterToken))).status().code(),
      absl::StatusCode::kUnauthenticated);
}

struct RoleCase {
  NodeRpc rpc;
  ClientRole role;
  bool allowed;
};

TEST(ClientAuthTest, RoleMatrixForEveryRpc) {
  const NodeRpc rpcs[] = {
      NodeRpc::kSubmitTransfer, NodeRpc::kListInbox,
      NodeRpc::kFetchTransfer,  NodeRpc::kTransferStatus,
      NodeRpc::kGetNodeInfo,    NodeRpc::kSubmitMove,
      NodeRpc::kListOverdue,    NodeRpc::kWatchAlerts,
      NodeRpc::kAckAlert,       NodeRpc::kAcknowledgeTransfer,
      NodeRpc::kListLog,        NodeRpc::kShowTransferLog,
      NodeRpc::kGetTreeHead,    NodeRpc::kProveLog,
      NodeRpc::kVerifyLog,      NodeRpc::kExportLog,
      NodeRpc::kReconcileLog,   NodeRpc::kListRecalledTransfers};
  const ClientRole roles[] = {ClientRole::kSubmitter, ClientRole::kReceiver,
                              ClientRole::kAlertOperator, ClientRole::kAdmin};
  auto expected = [](NodeRpc rpc, ClientRole role) {
    switch (rpc) {
      case NodeRpc::kSubmitTransfer:
      case NodeRpc::kSubmitMove:
        return role == ClientRole::kSubmitter;
      case NodeRpc::kListInbox:
      case NodeRpc::kFetchTransfer:
      case NodeRpc::kAcknowledgeTransfer:
        return role == ClientRole::kReceiver;
      case NodeRpc::kWatchAlerts:
      case NodeRpc::kAckAlert:
        return role == ClientRole::kAlertOperator;
      case NodeRpc::kTransferStatus:
      case NodeRpc::kListOverdue:
        return role == ClientRole::kSubmitter || role == ClientRole::kAdmin;
      case NodeRpc::kGetNodeInfo:
      case NodeRpc::kListLog:
      case NodeRpc::kShowTransferLog:
      case NodeRpc::kGetTreeHead:
      case NodeRpc::kProveLog:
      case NodeRpc::kVerifyLog:
      case NodeRpc::kExportLog:
      case NodeRpc::kReconcileLog:
      case NodeRpc::kListRecalledTransfers:
        return role == ClientRole::kAdmin;
    }
    return false;
  };
  for (ClientRole role : roles) {
    const std::string token =
        "token-for-" + std::string(config::ClientRoleName(role));
    ClientAuthenticator auth(
        {{"the-client", role, "", crypto::Sha256Hex(token)}});
    for (NodeRpc rpc : rpcs) {
      SCOPED_TRACE(std::string(NodeRpcName(rpc)) + " as " +
                   std::string(config::ClientRoleName(role)));
      absl::StatusOr<Caller> caller = auth.Authorize(Token(token), rpc);
      EXPECT_EQ(RoleMayCall(role, rpc), expected(rpc, role));
      if (expected(rpc, role)) {
        EXPECT_TRUE(caller.ok()) << caller.status();
      } else {
        EXPECT_EQ(caller.status().code(), absl::StatusCode::kPermissionDenied);
      }
    }
  }
}

TEST(ClientAuthTest, PermissionDeniedNamesRpcAndRoleNeeded) {
  ClientAuthenticator auth(Clients());
  absl::Status s =
      auth.Authorize(Token(kReceiverToken), NodeRpc::kSubmitTransfer).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(s.message(), HasSubstr("SubmitTransfer"));
  EXPECT_THAT(s.message(), HasSubstr("submitter"));
  EXPECT_THAT(s.message(), HasSubstr("records"));
  EXPECT_THAT(s.message(), Not(HasSubstr(kReceiverToken)));

  s = auth.Authorize(Cert(kOperatorCert), NodeRpc::kTransferStatus).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(s.message(), HasSubstr("submitter or admin"));
}

TEST(ClientAuthTest, UnknownCredentialsBeatRoleCheck) {
  ClientAuthenticator auth(Clients());
  EXPECT_EQ(
      auth.Authorize(Token("nobody"), NodeRpc::kGetNodeInfo).status().code(),
      absl::StatusCode::kUnauthenticated);
}

std::atomic<int> compare_calls{0};
bool CountingEquals(absl::string_view a, absl::string_view b) {
  ++compare_calls;
  return crypto::ConstantTimeEquals(a, b);
}

TEST(ClientAuthTest, ComparesAgainstEveryEntryWithNoEarlyExit) {
  ClientAuthenticator auth(Clients(), &CountingEquals);
  // The first entry matches; the other three are still compared.
  compare_calls = 0;
  ASSERT_TRUE(auth.Identify(Token(kSubmitterToken)).ok());
  EXPECT_EQ(compare_calls.load(), 4);
  compare_calls = 0;
  ASSERT_FALSE(auth.Identify(Token("wrong")).ok());
  EXPECT_EQ(compare_calls.load(), 4);
  compare_calls = 0;
  ASSERT_TRUE(auth.Identify(Cert(kAdminCert)).ok());
  EXPECT_EQ(compare_calls.load(), 4);
}

TEST(ClientAuthTest, DefaultComparisonIsConstantTimeEquals) {
  // With no comparator given the authenticator still finds clients, through
  // crypto::ConstantTimeEquals (the only default it has).
  ClientAuthenticator auth(Clients(), nullptr);
  EXPECT_TRUE(auth.Identify(Token(kSubmitterToken)).ok());
  EXPECT_FALSE(auth.Identify(Token(kSubmitterToken + "y")).ok());
}

TEST(NodeRpcTest, RolesAllowedToCallReadsAsEnglish) {
  EXPECT_EQ(RolesAllowedToCall(NodeRpc::kTransferStatus), "submitter or admin");
  EXPECT_EQ(RolesAllowedToCall(NodeRpc::kFetchTransfer), "receiver");
  EXPECT_EQ(NodeRpcName(NodeRpc::kGetNodeInfo), "GetNodeInfo");
}

}  // namespace
}  // namespace handover::node::api

// The network's defences, tried from outside with real TLS: a forged or
// tampered sender signature, a client certificate the directory does not
// list, plain-text connections, and clients calling outside their role.
#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "harness/directory_builder.h"
#include "harness/envelopes.h"
#include "harness/log_calls.h"
#include "harness/network_test.h"
#include "harness/role_matrix.h"
#include "harness/router_client.h"

namespace handover::integration {
namespace {

namespace v1 = handover::v1;

using SecurityTest = NetworkTest;

TEST_F(SecurityTest, SpoofedOrTamperedSenderSignatureIsRefused) {
  ASSERT_NO_FATAL_FAILURE(StartNetwork());
  const crypto::PublicIdentity birmingham =
      net().Identity(kBirmingham).public_identity();
  // An impostor with keys of its own, claiming to be Stockport, and using
  // Stockport's own (stolen) TLS certificate to reach the router.
  ASSERT_OK_AND_ASSIGN(crypto::SecretIdentity impostor,
                       crypto::SecretIdentity::Generate(kStockport));
  const std::string spoofed = Scratch("spoofed.hov");
  ASSERT_OK_AND_ASSIGN(
      crypto::EnvelopeHeader spoofed_header,
      SealTestEnvelope(impostor, {birmingham}, "REF-SPOOF", spoofed));
  // The real key, but a signature changed after signing.
  const std::string tampered = Scratch("tampered.hov");
  ASSERT_OK_AND_ASSIGN(crypto::EnvelopeHeader tampered_header,
                       SealTestEnvelope(net().Identity(kStockport),
                                        {birmingham}, "REF-TAMPER", tampered));
  ASSERT_OK(CorruptEnvelopeSignature(tampered));
  // And, as a control, a genuine envelope sent the same way.
  const std::string genuine = Scratch("genuine.hov");
  ASSERT_OK_AND_ASSIGN(crypto::EnvelopeHeader genuine_header,
                       SealTestEnvelope(net().Identity(kStockport),
                                        {birmingham}, "REF-GENUINE", genuine));

  auto router = net().RouterAs(kStockport);
  absl::StatusOr<v1::SubmitEnvelopeResponse> result =
      router->SubmitEnvelopeFile(spoofed);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnauthenticated)
      << result.status();
  result = router->SubmitEnvelopeFile(tampered);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnauthenticated)
      << result.status();

  ASSERT_OK_AND_ASSIGN(v1::SubmitEnvelopeResponse stored,
                       router->SubmitEnvelopeFile(genuine));
  EXPECT_FALSE(stored.already_stored());
  // The same envelope again is stored once.
  ASSERT_OK_AND_ASSIGN(stored, router->SubmitEnvelopeFile(genuine));
  EXPECT_TRUE(stored.already_stored());

  auto reader = net().Client(kBirmingham, Role::kReceiver);
  ASSERT_OK(
      reader->WaitForInbox(ToHex(genuine_header.transfer_id), Wait()).status());
  ASSERT_OK_AND_ASSIGN(std::vector<v1::InboxEntry> inbox, reader->ListInbox());
  ASSERT_EQ(inbox.size(), 1u) << "only the genuine envelope is delivered";
  EXPECT_EQ(inbox[0].transfer_id(), ToHex(genuine_header.transfer_id));
  EXPECT_EQ(InboxCount(kBirmingham, ToHex(spoofed_header.transfer_id)), 0);
  EXPECT_EQ(InboxCount(kBirmingham, ToHex(tampered_header.transfer_id)), 0);
}

TEST_F(SecurityTest, RouterRefusesCertificatesTheDirectoryDoesNotMatch) {
  ASSERT_NO_FATAL_FAILURE(StartNetwork());
  const std::string envelope = Scratch("stockport.hov");
  ASSERT_OK(SealTestEnvelope(net().Identity(kStockport),
                             {net().Identity(kBirmingham).public_identity()},
                             "REF-CERT", envelope)
                .status());

  // Issued by the network's CA, but listed for no agency.
  for (const char* cert : {"west-midlands-police", "case-system"}) {
    SCOPED_TRACE(cert);
    auto router = net().RouterAs(cert);
    absl::StatusOr<v1::SubmitEnvelopeResponse> result =
        router->SubmitEnvelopeFile(envelope);
    EXPECT_EQ(result.status().code(), absl::StatusCode::kPermissionDenied)
        << result.status();
    const absl::Status connect = router->TryConnect(Scaled(absl::Seconds(5)));
    EXPECT_EQ(connect.code(), absl::StatusCode::kPermissionDenied) << connect;
  }
  // A listed certificate, but another agency's envelope.
  absl::StatusOr<v1::SubmitEnvelopeResponse> result =
      net().RouterAs(kBirmingham)->SubmitEnvelopeFile(envelope);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kPermissionDenied)
      << result.status();

  // A node whose certificate no longer matches its directory entry cannot
  // link to the router, and nothing it sends gets through. What it has
  // accepted stays queued (the refusal is about the node, not the transfer)
  // and goes out once the directory matches again.
  const v1::Directory original = net().directory();
  v1::Directory next = original;
  next.set_version(2);
  FindAgency(&next, kPolice)
      ->set_tls_cert_sha256(net().CertSha256("west-midlands-police"));
  ASSERT_OK(net().PublishDirectory(next));
  ASSERT_OK(net().WaitForDirectoryVersion(kStockport, 2, Wait()));
  ASSERT_OK(net().StopNode(kPolice));
  ASSERT_OK(net().StartNode(kPolice, /*wait_for_router=*/false));
  ASSERT_OK_AND_ASSIGN(const std::string id,
                       Send(kPolice, {kStockport}, "REF-UNLINKED"));
  auto admin = net().Client(kPolice, Role::kAdmin);
  auto submitter = net().Client(kPolice, Role::kSubmitter);
  const absl::Time until = absl::Now() + Scaled(absl::Seconds(3));
  while (absl::Now() < until) {
    ASSERT_OK_AND_ASSIGN(v1::NodeInfo info, admin->GetNodeInfo());
    EXPECT_FALSE(info.router_connected());
    ASSERT_OK_AND_ASSIGN(v1::TransferStatusResponse status,
                         submitter->Status(id));
    EXPECT_EQ(status.state(), v1::DELIVERY_STATE_QUEUED)
        << DeliveryStateName(status.state()) << " "
        << status.recipients(0).reason();
    absl::SleepFor(absl::Milliseconds(200));
  }
  EXPECT_EQ(InboxCount(kStockport, id), 0);

  v1::Directory fixed = original;
  fixed.set_version(3);
  ASSERT_OK(net().PublishDirectory(fixed));
  ASSERT_OK(net().WaitForRouterLink(kPolice, Wait()));
  EXPECT_OK(net()
                .Client(kStockport, Role::kReceiver)
                ->WaitForInbox(id, Wait())
                .status());
  EXPECT_OK(submitter->WaitForState(id, v1::DELIVERY_STATE_DELIVERED, Wait())
                .status());
}

TEST_F(SecurityTest, PlainTextConnectionsFail) {
  ASSERT_NO_FATAL_FAILURE(StartNetwork());
  const auto deadline = [] {
    return absl::ToChronoTime(absl::Now() + Scaled(absl::Seconds(10)));
  };
  {
    auto channel = grpc::CreateChannel(net().router_settings().listen,
                                       grpc::InsecureChannelCredentials());
    auto stub = v1::Router::NewStub(channel);
    grpc::ClientContext context;
    context.set_deadline(deadline());
    v1::SignedDirectory directory;
    const grpc::Status status =
        stub->GetDirectory(&context, v1::GetDirectoryRequest(), &directory);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
        << status.error_message();
  }
  for (const std::string& id : net().node_ids()) {
    SCOPED_TRACE(id);
    auto channel = grpc::CreateChannel(net().node_process(id).address(),
                                       grpc::InsecureChannelCredentials());
    auto stub = v1::Node::NewStub(channel);
    grpc::ClientContext context;
    context.set_deadline(deadline());
    context.AddMetadata("authorization",
                        "Bearer " + net().Token(id, Role::kAdmin));
    v1::NodeInfo info;
    const grpc::Status status =
        stub->GetNodeInfo(&context, v1::GetNodeInfoRequest(), &info);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
        << status.error_message();
  }
  // TLS, but without the client certificate the router requires.
  absl::StatusOr<v1::SignedDirectory> directory =
      net().RouterAs("")->GetDirectory();
  EXPECT_EQ(directory.status().code(), absl::StatusCode::kUnavailable)
      << directory.status();
}

// Each node knows only its own clients: a token another node issued, even
// for the same role, is a stranger's.
TEST_F(SecurityTest, ANodeRefusesAnotherNodesClientToken) {
  ASSERT_NO_FATAL_FAILURE(StartNetwork());
  // A call each role may make.
  const std::vector<std::pair<Role, std::function<absl::Status(NodeClient&)>>>
      calls = {
          {Role::kReceiver,
           [](NodeClient& c) { return c.ListInbox().status(); }},
          {Role::kAdmin,
           [](NodeClient& c) { return c.GetNodeInfo().status(); }},
      };
  for (const auto& [role, call] : calls) {
    SCOPED_TRACE(RoleName(role));
    ASSERT_OK(call(*net().Client(kBirmingham, role)));
    NodeClient borrowed(net().NodeChannel(kStockport, ""),
                        net().Token(kBirmingham, role), Wait());
    const absl::Status refused = call(borrowed);
    EXPECT_EQ(refused.code(), absl::StatusCode::kUnauthenticated) << refused;
  }
}

// Every RPC of the local API, called by every kind of client. Allowed calls
// succeed; calls outside the role get PERMISSION_DENIED; callers the node
// does not know get UNAUTHENTICATED.
TEST_F(SecurityTest, EveryRoleIsDeniedEveryCallOutsideIt) {
  ASSERT_NO_FATAL_FAILURE(StartNetwork());
  // Something in Stockport's inbox and in its outbox, to fetch and to ask
  // about.
  ASSERT_OK_AND_ASSIGN(const std::string inbound,
                       Send(kBirmingham, {kStockport}, "REF-IN"));
  ASSERT_OK_AND_ASSIGN(const std::string outbound,
                       Send(kStockport, {kBirmingham}, "REF-OUT"));
  ASSERT_OK(net()
                .Client(kBirmingham, Role::kSubmitter)
                ->WaitForState(inbound, v1::DELIVERY_STATE_DELIVERED, Wait())
                .status());

  // The whole role x RPC matrix (harness/role_matrix.h), shared with the
  // hostile-input catalogue.
  const MatrixInputs inputs{inbound, outbound, Scratch("")};
  const std::map<std::string, Role> roles = {
      {"submitter", Role::kSubmitter},
      {"receiver", Role::kReceiver},
      {"alert-operator", Role::kAlertOperator},
      {"admin", Role::kAdmin}};

  struct Caller {
    std::string name;
    std::string role;  // "" = unknown to the node
    std::unique_ptr<NodeClient> client;
  };
  std::vector<Caller> callers;
  for (Role role : kAllRoles) {
    callers.push_back({std::string("token ") + RoleName(role), RoleName(role),
                       net().Client(kStockport, role)});
  }
  callers.push_back({"certificate case-system", "submitter",
                     net().ClientWithCert(kStockport, "case-system")});
  callers.push_back(
      {"no credentials", "", net().ClientWithoutCredentials(kStockport)});
  callers.push_back(
      {"unknown token", "", net().ClientWithToken(kStockport, RandomHex())});
  callers.push_back({"another node's token", "",
                     net().ClientWithToken(
                         kStockport, net().Token(kBirmingham, Role::kAdmin))});
  callers.push_back({"unlisted certificate control-room", "",
                     net().ClientWithCert(kStockport, "control-room")});

  // Calls whose success depends on more than the role (an alert to
  // acknowledge) are checked for the role only: an allowed caller is not
  // refused as unauthenticated or for its role. An allowed SubmitMove is
  // not made here: it would send notices to Birmingham, whose inbox this
  // test counts (move_test.cc sends moves).
  const std::set<std::string> role_only = {"AckAlert", "AcknowledgeTransfer"};
  int allowed_submissions = 0;
  for (Caller& caller : callers) {
    for (const NodeRpcCase& rpc : NodeRpcMatrix()) {
      SCOPED_TRACE(caller.name + " calls " + rpc.rpc);
      const absl::Status status = rpc.call(*caller.client, inputs);
      if (caller.role.empty()) {
        EXPECT_EQ(status.code(), absl::StatusCode::kUnauthenticated) << status;
      } else if (rpc.allowed.count(roles.at(caller.role)) > 0) {
        if (rpc.rpc == "SubmitMove") continue;
        if (role_only.count(rpc.rpc) > 0) {
          EXPECT_NE(status.code(), absl::StatusCode::kPermissionDenied)
              << status;
          EXPECT_NE(status.code(), absl::StatusCode::kUnauthenticated)
              << status;
        } else {
          EXPECT_OK(status);
        }
        if (rpc.rpc == "SubmitTransfer" && status.ok()) ++allowed_submissions;
      } else {
        EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied) << status;
      }
    }
  }
  EXPECT_EQ(allowed_submissions, 2);
  // A refused submission sent nothing: Birmingham gets the outbound
  // transfer and the two allowed ones.
  auto birmingham = net().Client(kBirmingham, Role::kReceiver);
  const absl::Time deadline = absl::Now() + Wait();
  size_t count = 0;
  while (absl::Now() < deadline) {
    ASSERT_OK_AND_ASSIGN(std::vector<v1::InboxEntry> inbox,
                         birmingham->ListInbox());
    count = inbox.size();
    if (count >= 3) break;
    absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_EQ(count, 3u);
}

}  // namespace
}  // namespace handover::integration

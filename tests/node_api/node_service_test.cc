// NodeService through a real gRPC server with real TLS on loopback, a real
// SQLite store in a temporary directory and a fixed directory (no router):
// authentication and roles, SubmitTransfer idempotency and validation, the
// outbox files it leaves, FetchTransfer of an inbox envelope, status, info.
#include "node/api/node_service.h"

#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <sys/resource.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "casefile/case_file.h"
#include "crypto/sha256.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "handover/v1/node.grpc.pb.h"
#include "node/api/transfer_id_hex.h"
#include "node/key_ring.h"
#include "node/node_store.h"
#include "node_api/node_api_test_util.h"
#include "rpc/server_setup.h"
#include "rpc/tls_credentials.h"
#include "status_matchers.h"
#include "temp_dir.h"
#include "tls/test_certs.h"

namespace handover::node::api {
namespace {

namespace v1 = handover::v1;
using ::testing::HasSubstr;
using testing::Identity;
using testing::kNow;
using testing::kOwnId;
using testing::kPeerId;
using testing::kPoliceId;
using testing::MinimalBundle;
using testing::TestDirectoryView;

const std::string kSubmitterToken = "submitter-secret-token";
const std::string kReceiverToken = "receiver-secret-token";
const std::string kAdminToken = "admin-secret-token";

crypto::SecretIdentity CopyOf(const crypto::SecretIdentity& identity) {
  absl::StatusOr<crypto::SecretIdentity> copy =
      crypto::SecretIdentity::FromSecretKeys(identity.agency_id(),
                                             identity.sign_secret_key().view(),
                                             identity.box_secret_key().view());
  if (!copy.ok()) std::abort();
  return *std::move(copy);
}

// A key ring holding copies of `current` and of each of `previous`.
std::unique_ptr<KeyRing> RingOf(
    const crypto::SecretIdentity& current,
    const std::vector<const crypto::SecretIdentity*>& previous = {}) {
  std::vector<crypto::SecretIdentity> copies;
  for (const crypto::SecretIdentity* p : previous) copies.push_back(CopyOf(*p));
  absl::StatusOr<std::unique_ptr<KeyRing>> ring =
      KeyRing::Create(CopyOf(current), std::move(copies));
  if (!ring.ok()) std::abort();
  return *std::move(ring);
}

std::string Fingerprint(const std::string& dir, const std::string& name) {
  std::ifstream in(dir + "/fingerprints.txt");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string listed, sha;
    if (fields >> listed >> sha && listed == name) return sha;
  }
  ADD_FAILURE() << name << " is not in fingerprints.txt";
  return "";
}

std::vector<std::string> FilesIn(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    out.push_back(e.path().filename().string());
  }
  return out;
}

class NodeServiceTest : public ::testing::Test {
 protected:
  void SetUp() override { StartNode(config::NodeLimits{}); }

  void StartNode(const config::NodeLimits& limits) {
    StopNode();
    const std::string& certs = handover::testing::DemoCertsDir();
    ASSERT_FALSE(certs.empty());
    outbox_ = dir_.path() + "/outbox";
    inbox_ = dir_.path() + "/inbox";
    std::filesystem::create_directories(outbox_);
    std::filesystem::create_directories(inbox_);
    if (store_ == nullptr) {
      absl::StatusOr<std::unique_ptr<NodeStore>> store =
          OpenSqliteNodeStore(dir_.path() + "/node.db");
      ASSERT_TRUE(store.ok()) << store.status();
      store_ = std::move(*store);
    }
    NodeServiceEnv env;
    env.store = store_.get();
    env.current_directory = [this] { return directory_; };
    env.identity = keys_.get();
    env.clock = &clock_;
    env.outbox_dir = outbox_;
    env.notify_outbox = [this] { ++notified_; };
    env.router_connected = [] { return false; };
    env.limits = limits;
    env.clients = {
        {"case-system", config::ClientRole::kSubmitter, "",
         crypto::Sha256Hex(kSubmitterToken)},
        {"records", config::ClientRole::kReceiver, "",
         crypto::Sha256Hex(kReceiverToken)},
        {"admin", config::ClientRole::kAdmin, "",
         crypto::Sha256Hex(kAdminToken)},
        {"control-room", config::ClientRole::kAlertOperator,
         Fingerprint(certs, "control-room"), ""},
    };
    service_ = std::make_unique<NodeService>(std::move(env));

    absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
        rpc::MakeServerCredentials(
            {certs + "/stockport-cs.pem", certs + "/stockport-cs.key",
             certs + "/ca.pem"},
            rpc::ClientCertPolicy::kRequestAndVerify);
    ASSERT_TRUE(credentials.ok()) << credentials.status();
    rpc::EnableHealthAndReflection();
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", *credentials, &port);
    rpc::ConfigureBuilder(&builder);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_GT(port, 0);
    address_ = absl::StrCat("127.0.0.1:", port);
    stub_ = Stub("");
  }

  void StopNode() {
    if (server_ != nullptr) server_->Shutdown();
    server_.reset();
    service_.reset();
  }

  void TearDown() override { StopNode(); }

  // A stub whose channel presents client certificate `cert` ("" for none).
  std::unique_ptr<v1::Node::Stub> Stub(const std::string& cert) {
    const std::string& certs = handover::testing::DemoCertsDir();
    rpc::ClientTlsFiles files{certs + "/ca.pem", "", ""};
    if (!cert.empty()) {
      files.cert_path = certs + "/" + cert + ".pem";
      files.key_path = certs + "/" + cert + ".key";
    }
    auto credentials = rpc::MakeChannelCredentials(files);
    EXPECT_TRUE(credentials.ok()) << credentials.status();
    return v1::Node::NewStub(rpc::MakeChannel(address_, *credentials));
  }

  static void Authorize(grpc::ClientContext* context,
                        const std::string& token) {
    if (!token.empty())
      context->AddMetadata("authorization", "Bearer " + token);
    context->set_deadline(std::chrono::system_clock::now() +
                          std::chrono::seconds(30));
  }

  static v1::SubmitTransferStart Start(const std::string& key) {
    v1::SubmitTransferStart start;
    start.set_idempotency_key(key);
    start.add_recipients(kPeerId);
    start.add_recipients(kPoliceId);
    *start.mutable_bundle() = MinimalBundle();
    return start;
  }

  // One SubmitTransfer: the start, then `data` in messages of `chunk`.
  grpc::Status Submit(const std::string& token,
                      const v1::SubmitTransferStart& start,
                      const std::string& data,
                      v1::SubmitTransferResponse* response,
                      size_t chunk = 1 << 20) {
    grpc::ClientContext context;
    Authorize(&context, token);
    auto writer = stub_->SubmitTransfer(&context, response);
    v1::SubmitTransferRequest request;
    *request.mutable_start() = start;
    if (writer->Write(request)) {
      for (size_t at = 0; at < data.size(); at += chunk) {
        request.mutable_attachment_data()->set_data(data.substr(at, chunk));
        if (!writer->Write(request)) break;
      }
    }
    writer->WritesDone();
    return writer->Finish();
  }

  FakeClock clock_{kNow};
  handover::testing::TempDir dir_;
  std::string outbox_;
  std::string inbox_;
  std::unique_ptr<NodeStore> store_;
  std::shared_ptr<const directory::DirectoryView> directory_ =
      TestDirectoryView();
  // The node's keys; a test may replace them and StartNode() again.
  std::unique_ptr<KeyRing> keys_ = RingOf(Identity(kOwnId));
  std::atomic<int> notified_{0};
  std::unique_ptr<NodeService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
  std::unique_ptr<v1::Node::Stub> stub_;
};

TEST_F(NodeServiceTest, SameIdempotencyKeyGivesTheSameTransferOnce) {
  v1::SubmitTransferResponse first;
  ASSERT_TRUE(Submit(kSubmitterToken, Start("key-1"), "", &first).ok());
  EXPECT_FALSE(first.duplicate());
  EXPECT_EQ(first.transfer_id().size(), 32u);
  EXPECT_TRUE(TransferIdFromHex(first.transfer_id()).ok());

  v1::SubmitTransferResponse again;
  ASSERT_TRUE(Submit(kSubmitterToken, Start("key-1"), "", &again).ok());
  EXPECT_TRUE(again.duplicate());
  EXPECT_EQ(again.transfer_id(), first.transfer_id());

  EXPECT_EQ(FilesIn(outbox_),
            std::vector<std::string>{first.transfer_id() + ".envelope"});
  EXPECT_EQ(notified_.load(), 1);

  v1::SubmitTransferResponse other;
  ASSERT_TRUE(Submit(kSubmitterToken, Start("key-2"), "", &other).ok());
  EXPECT_FALSE(other.duplicate());
  EXPECT_NE(other.transfer_id(), first.transfer_id());
  EXPECT_EQ(FilesIn(outbox_).size(), 2u);
}

TEST_F(NodeServiceTest, ReceiverMayNotSubmit) {
  v1::SubmitTransferResponse response;
  grpc::Status s = Submit(kReceiverToken, Start("key"), "", &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(s.error_message(), HasSubstr("SubmitTransfer"));
  EXPECT_THAT(s.error_message(), HasSubstr("submitter"));
  EXPECT_TRUE(FilesIn(outbox_).empty());
}

TEST_F(NodeServiceTest, UnknownOrMissingCredentialsAreUnauthenticated) {
  v1::SubmitTransferResponse response;
  EXPECT_EQ(Submit("", Start("k"), "", &response).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Submit("guess", Start("k"), "", &response).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  // A CA-signed certificate that is not a configured client.
  stub_ = Stub("case-system");
  EXPECT_EQ(Submit("", Start("k"), "", &response).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(NodeServiceTest, ClientCertificateIdentifiesTheClient) {
  stub_ = Stub("control-room");
  grpc::ClientContext context;
  Authorize(&context, "");
  v1::NodeInfo info;
  grpc::Status s =
      stub_->GetNodeInfo(&context, v1::GetNodeInfoRequest(), &info);
  // The control room is known, but GetNodeInfo is for admins.
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(s.error_message(), HasSubstr("control-room"));
}

TEST_F(NodeServiceTest, AttachmentsAreSealedAndAShortStreamLeavesNothing) {
  v1::SubmitTransferStart start = Start("with-attachment");
  v1::AttachmentDescriptor* a = start.add_attachments();
  a->set_name("report.pdf");
  a->set_media_type("application/pdf");
  a->set_size(3000000);
  v1::SubmitTransferResponse response;
  grpc::Status s =
      Submit(kSubmitterToken, start, std::string(2999999, 'r'), &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("2999999 of its declared 3000000"));
  EXPECT_TRUE(FilesIn(outbox_).empty());

  s = Submit(kSubmitterToken, start, std::string(3000001, 'r'), &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(FilesIn(outbox_).empty());

  s = Submit(kSubmitterToken, start, std::string(3000000, 'r'), &response,
             777777);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_FALSE(response.duplicate());
  EXPECT_EQ(FilesIn(outbox_).size(), 1u);

  // A repeat is answered without reading its data.
  v1::SubmitTransferResponse repeat;
  s = Submit(kSubmitterToken, start, std::string(3000000, 'r'), &repeat);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(repeat.duplicate());
  EXPECT_EQ(repeat.transfer_id(), response.transfer_id());
  EXPECT_EQ(FilesIn(outbox_).size(), 1u);
}

TEST_F(NodeServiceTest, AFullDiskIsResourceExhaustedAndLeavesNothing) {
  v1::SubmitTransferStart start = Start("full");
  v1::AttachmentDescriptor* a = start.add_attachments();
  a->set_name("scan.tiff");
  a->set_size(3000000);
  v1::SubmitTransferResponse response;
  grpc::Status s;
  {
    // Files may not grow past 1 MiB, as if the disk had filled up.
    rlimit saved{};
    getrlimit(RLIMIT_FSIZE, &saved);
    sighandler_t old_handler = signal(SIGXFSZ, SIG_IGN);
    rlimit limit = saved;
    limit.rlim_cur = 1 << 20;
    setrlimit(RLIMIT_FSIZE, &limit);
    s = Submit(kSubmitterToken, start, std::string(3000000, 'f'), &response);
    setrlimit(RLIMIT_FSIZE, &saved);
    signal(SIGXFSZ, old_handler);
  }
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << s.error_message();
  EXPECT_TRUE(FilesIn(outbox_).empty());
  // Nothing was stored, so the key is free for a retry.
  ASSERT_TRUE(
      Submit(kSubmitterToken, start, std::string(3000000, 'f'), &response)
          .ok());
  EXPECT_FALSE(response.duplicate());
}

TEST_F(NodeServiceTest, RefusesBadSubmissionsWithPreciseCodes) {
  v1::SubmitTransferResponse response;
  v1::SubmitTransferStart start = Start("");
  EXPECT_EQ(Submit(kSubmitterToken, start, "", &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  start = Start("k");
  start.add_recipients(kOwnId);
  EXPECT_EQ(Submit(kSubmitterToken, start, "", &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  start = Start("k");
  start.add_recipients("unknown-agency");
  EXPECT_EQ(Submit(kSubmitterToken, start, "", &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
  start = Start("k");
  start.mutable_bundle()->mutable_metadata()->set_schema_version(7);
  EXPECT_EQ(Submit(kSubmitterToken, start, "", &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  start = Start("k");
  start.set_time_to_live_seconds(31 * 86400);
  EXPECT_EQ(Submit(kSubmitterToken, start, "", &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(FilesIn(outbox_).empty());
  EXPECT_EQ(notified_.load(), 0);
}

TEST_F(NodeServiceTest, WithoutADirectorySubmitIsUnavailable) {
  directory_ = nullptr;
  v1::SubmitTransferResponse response;
  EXPECT_EQ(Submit(kSubmitterToken, Start("k"), "", &response).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(NodeServiceTest, OversizedEnvelopeIsRefusedBeforeAnyData) {
  config::NodeLimits limits;
  limits.max_envelope_bytes = 64 * 1024;
  StartNode(limits);
  v1::SubmitTransferStart start = Start("big");
  v1::AttachmentDescriptor* a = start.add_attachments();
  a->set_name("big.bin");
  a->set_size(uint64_t{1} << 40);
  v1::SubmitTransferResponse response;
  grpc::Status s = Submit(kSubmitterToken, start, "", &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(s.error_message(), HasSubstr("limit"));
  EXPECT_TRUE(FilesIn(outbox_).empty());
}

TEST_F(NodeServiceTest, SubmissionsAreRateLimitedPerClient) {
  config::NodeLimits limits;
  limits.submissions_per_minute_per_client = 1;
  StartNode(limits);
  v1::SubmitTransferResponse response;
  ASSERT_TRUE(Submit(kSubmitterToken, Start("one"), "", &response).ok());
  // A repeat is answered from the store, not counted.
  ASSERT_TRUE(Submit(kSubmitterToken, Start("one"), "", &response).ok());
  EXPECT_EQ(Submit(kSubmitterToken, Start("two"), "", &response).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  clock_.Advance(absl::Seconds(61));
  EXPECT_TRUE(Submit(kSubmitterToken, Start("two"), "", &response).ok());
}

TEST_F(NodeServiceTest, TransferStatusShowsEveryRecipientQueued) {
  v1::SubmitTransferResponse submitted;
  ASSERT_TRUE(Submit(kSubmitterToken, Start("s"), "", &submitted).ok());
  for (const std::string& token : {kSubmitterToken, kAdminToken}) {
    grpc::ClientContext context;
    Authorize(&context, token);
    v1::TransferStatusRequest request;
    request.set_transfer_id(submitted.transfer_id());
    v1::TransferStatusResponse status;
    ASSERT_TRUE(stub_->TransferStatus(&context, request, &status).ok());
    EXPECT_EQ(status.transfer_id(), submitted.transfer_id());
    EXPECT_EQ(status.state(), v1::DELIVERY_STATE_QUEUED);
    ASSERT_EQ(status.recipients_size(), 2);
    EXPECT_EQ(status.recipients(0).agency_id(), kPeerId);
    EXPECT_EQ(status.recipients(1).state(), v1::DELIVERY_STATE_QUEUED);
    EXPECT_EQ(status.created_at().seconds(), absl::ToUnixSeconds(kNow));
    EXPECT_EQ(status.expires_at().seconds(),
              absl::ToUnixSeconds(kNow + absl::Hours(24 * 5)));
    EXPECT_GT(status.envelope_size(), 0u);
  }
  grpc::ClientContext context;
  Authorize(&context, kSubmitterToken);
  v1::TransferStatusRequest request;
  request.set_transfer_id(std::string(32, '0'));
  v1::TransferStatusResponse status;
  EXPECT_EQ(stub_->TransferStatus(&context, request, &status).error_code(),
            grpc::StatusCode::NOT_FOUND);
  grpc::ClientContext bad;
  Authorize(&bad, kSubmitterToken);
  request.set_transfer_id("not-hex");
  EXPECT_EQ(stub_->TransferStatus(&bad, request, &status).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(NodeServiceTest, GetNodeInfoForAdmins) {
  v1::SubmitTransferResponse submitted;
  ASSERT_TRUE(Submit(kSubmitterToken, Start("s"), "", &submitted).ok());
  grpc::ClientContext context;
  Authorize(&context, kAdminToken);
  v1::NodeInfo info;
  ASSERT_TRUE(
      stub_->GetNodeInfo(&context, v1::GetNodeInfoRequest(), &info).ok());
  EXPECT_EQ(info.agency_id(), kOwnId);
  EXPECT_EQ(info.directory_version(), 1u);
  EXPECT_FALSE(info.router_connected());
  EXPECT_EQ(info.outbox_queued(), 2u);  // two recipients
  EXPECT_EQ(info.inbox_count(), 0u);
  EXPECT_FALSE(info.version().empty());
}

// Seals a bundle with one attachment from the peer to us and stores it in
// the inbox, as the router link would. Returns the transfer id.
std::string DeliverToInbox(NodeStore* store, const std::string& inbox,
                           const std::string& scratch, const Clock* clock,
                           const std::string& attachment) {
  const std::string input = scratch + "/scan.pdf";
  std::ofstream(input, std::ios::binary) << attachment;
  casefile::SealRequest seal;
  seal.bundle = MinimalBundle();
  seal.attachments.push_back({input, "scan.pdf", "application/pdf"});
  seal.options.clock = clock;
  const std::string temp = scratch + "/sealed.envelope";
  absl::StatusOr<crypto::EnvelopeHeader> header = casefile::SealCaseFile(
      Identity(kPeerId), {Identity(kOwnId).public_identity()}, seal, temp);
  EXPECT_TRUE(header.ok()) << header.status();
  const std::string path = absl::StrCat(
      inbox, "/", TransferIdToHex(header->transfer_id), ".envelope");
  std::filesystem::rename(temp, path);
  InboxRecord record;
  record.transfer_id = header->transfer_id;
  record.sender_id = kPeerId;
  record.created_at = absl::FromUnixSeconds(header->created_at);
  record.received_at = clock->Now();
  record.expires_at = absl::FromUnixSeconds(header->expires_at);
  record.content_type = header->content_type;
  record.envelope_path = path;
  record.envelope_size = std::filesystem::file_size(path);
  record.ciphertext_hash = header->ciphertext_hash;
  absl::StatusOr<bool> stored = store->InsertInbox(record, "", clock->Now());
  EXPECT_TRUE(stored.ok() && *stored);
  return TransferIdToHex(header->transfer_id);
}

TEST_F(NodeServiceTest, FetchTransferStreamsTheOpenedEnvelope) {
  std::string attachment(2500000, '\0');
  for (size_t i = 0; i < attachment.size(); ++i) {
    attachment[i] = static_cast<char>(i * 7);
  }
  const std::string id =
      DeliverToInbox(store_.get(), inbox_, dir_.path(), &clock_, attachment);
  // Read after expiry: validity is judged as of when it was stored.
  clock_.Advance(absl::Hours(24 * 10));

  grpc::ClientContext context;
  Authorize(&context, kReceiverToken);
  v1::FetchTransferRequest request;
  request.set_transfer_id(id);
  auto reader = stub_->FetchTransfer(&context, request);
  v1::FetchTransferResponse part;
  ASSERT_TRUE(reader->Read(&part));
  ASSERT_TRUE(part.has_header());
  EXPECT_EQ(part.header().transfer_id(), id);
  EXPECT_EQ(part.header().sender_id(), kPeerId);
  EXPECT_EQ(part.header().bundle().identity().family_name(), "Child");
  ASSERT_EQ(part.header().attachments_size(), 1);
  EXPECT_EQ(part.header().attachments(0).name(), "scan.pdf");
  EXPECT_EQ(part.header().attachments(0).size(), attachment.size());
  std::string received;
  bool ended = false;
  while (reader->Read(&part)) {
    ASSERT_FALSE(ended) << "nothing may follow FetchEnd";
    if (part.has_attachment_data()) {
      EXPECT_LE(part.attachment_data().data().size(), size_t{1} << 20);
      received += part.attachment_data().data();
    } else {
      ASSERT_TRUE(part.has_end());
      ended = true;
    }
  }
  ASSERT_TRUE(reader->Finish().ok());
  EXPECT_TRUE(ended);
  EXPECT_TRUE(received == attachment);

  grpc::ClientContext list_context;
  Authorize(&list_context, kReceiverToken);
  v1::ListInboxResponse inbox;
  ASSERT_TRUE(
      stub_->ListInbox(&list_context, v1::ListInboxRequest(), &inbox).ok());
  ASSERT_EQ(inbox.entries_size(), 1);
  EXPECT_EQ(inbox.entries(0).transfer_id(), id);
  EXPECT_EQ(inbox.entries(0).fetch_count(), 1u);
  EXPECT_TRUE(inbox.next_page_token().empty());
}

TEST_F(NodeServiceTest, FetchOfAnUnknownTransferIsNotFound) {
  grpc::ClientContext context;
  Authorize(&context, kReceiverToken);
  v1::FetchTransferRequest request;
  request.set_transfer_id(std::string(32, 'a'));
  auto reader = stub_->FetchTransfer(&context, request);
  v1::FetchTransferResponse part;
  EXPECT_FALSE(reader->Read(&part));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::NOT_FOUND);
}

// Fetches `id` to the end; sets `*ended` if FetchEnd came.
grpc::Status FetchAll(v1::Node::Stub* stub, const std::string& token,
                      const std::string& id, bool* ended) {
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + token);
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(30));
  v1::FetchTransferRequest request;
  request.set_transfer_id(id);
  auto reader = stub->FetchTransfer(&context, request);
  v1::FetchTransferResponse part;
  *ended = false;
  while (reader->Read(&part)) *ended = *ended || part.has_end();
  return reader->Finish();
}

TEST_F(NodeServiceTest, FetchOpensAnEnvelopeSealedToAPreviousKey) {
  const std::string id =
      DeliverToInbox(store_.get(), inbox_, dir_.path(), &clock_, "scan");
  // The node rotated: a new current key, the sealed-to key kept as previous.
  ASSERT_OK_AND_ASSIGN(crypto::SecretIdentity next,
                       crypto::SecretIdentity::Generate(kOwnId));
  keys_ = RingOf(next, {&Identity(kOwnId)});
  StartNode(config::NodeLimits{});
  bool ended = false;
  grpc::Status status = FetchAll(stub_.get(), kReceiverToken, id, &ended);
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(ended);
}

TEST_F(NodeServiceTest, FetchOfAnEnvelopeSealedToAKeyNoLongerHeldIsRefused) {
  const std::string id =
      DeliverToInbox(store_.get(), inbox_, dir_.path(), &clock_, "scan");
  ASSERT_OK_AND_ASSIGN(crypto::SecretIdentity next,
                       crypto::SecretIdentity::Generate(kOwnId));
  ASSERT_OK_AND_ASSIGN(crypto::SecretIdentity unrelated,
                       crypto::SecretIdentity::Generate(kOwnId));
  keys_ = RingOf(next, {&unrelated});
  StartNode(config::NodeLimits{});
  bool ended = false;
  grpc::Status status = FetchAll(stub_.get(), kReceiverToken, id, &ended);
  // As on a node with one key: the opener finds no recipient slot for it.
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_FALSE(ended);
}

TEST_F(NodeServiceTest, ATamperedInboxEnvelopeNeverEnds) {
  const std::string id = DeliverToInbox(store_.get(), inbox_, dir_.path(),
                                        &clock_, std::string(300000, 'x'));
  const std::string path = inbox_ + "/" + id + ".envelope";
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(-10, std::ios::end);
    f.put('\x01');
  }
  grpc::ClientContext context;
  Authorize(&context, kReceiverToken);
  v1::FetchTransferRequest request;
  request.set_transfer_id(id);
  auto reader = stub_->FetchTransfer(&context, request);
  v1::FetchTransferResponse part;
  while (reader->Read(&part)) EXPECT_FALSE(part.has_end());
  EXPECT_FALSE(reader->Finish().ok());
}

TEST_F(NodeServiceTest, FetchOfPrunedContentIsFailedPrecondition) {
  const std::string id =
      DeliverToInbox(store_.get(), inbox_, dir_.path(), &clock_, "scan");
  ASSERT_OK_AND_ASSIGN(std::string raw_id, TransferIdFromHex(id));
  // The file is left in place: the record alone decides.
  ASSERT_OK(store_->MarkInboxPruned(
      raw_id, absl::FromCivil(absl::CivilSecond(2027, 3, 4, 12, 0, 0),
                              absl::UTCTimeZone())));
  bool ended = false;
  grpc::Status status = FetchAll(stub_.get(), kReceiverToken, id, &ended);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(status.error_message(),
            absl::StrCat("transfer ", id,
                         "'s content was deleted on 2027-03-04 under the "
                         "node's [retention] setting; ask the sender to send "
                         "it again"));
  EXPECT_FALSE(ended);
  EXPECT_EQ((*store_->GetInbox(raw_id))->fetch_count, 0u);
}

TEST_F(NodeServiceTest, ListInboxPagesAndRefusesForeignTokens) {
  for (int i = 0; i < 3; ++i) {
    DeliverToInbox(store_.get(), inbox_, dir_.path(), &clock_, "a");
  }
  grpc::ClientContext context;
  Authorize(&context, kReceiverToken);
  v1::ListInboxRequest request;
  request.set_page_size(2);
  v1::ListInboxResponse page;
  ASSERT_TRUE(stub_->ListInbox(&context, request, &page).ok());
  EXPECT_EQ(page.entries_size(), 2);
  ASSERT_FALSE(page.next_page_token().empty());

  grpc::ClientContext next_context;
  Authorize(&next_context, kReceiverToken);
  request.set_page_token(page.next_page_token());
  v1::ListInboxResponse next;
  ASSERT_TRUE(stub_->ListInbox(&next_context, request, &next).ok());
  EXPECT_EQ(next.entries_size(), 1);
  EXPECT_TRUE(next.next_page_token().empty());

  grpc::ClientContext bad_context;
  Authorize(&bad_context, kReceiverToken);
  request.set_page_token("made-up");
  EXPECT_EQ(stub_->ListInbox(&bad_context, request, &next).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  grpc::ClientContext submitter_context;
  Authorize(&submitter_context, kSubmitterToken);
  EXPECT_EQ(stub_->ListInbox(&submitter_context, v1::ListInboxRequest(), &next)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

}  // namespace
}  // namespace handover::node::api

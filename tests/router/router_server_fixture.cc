#include "router/router_server_fixture.h"

#include <grpcpp/create_channel.h>

#include <chrono>
#include <fstream>

#include "absl/strings/str_split.h"
#include "common/byte_stream.h"
#include "crypto/key_file.h"
#include "crypto/opener.h"
#include "crypto/sealer.h"
#include "notice/notice_signing.h"
#include "rpc/tls_credentials.h"
#include "status_matchers.h"
#include "tls/test_certs.h"

namespace handover::router::testing {
namespace {

using handover::testing::DemoCertsDir;
using handover::v1::NodeMessage;
using handover::v1::RouterMessage;

std::map<std::string, std::string> ReadFingerprints() {
  std::map<std::string, std::string> out;
  std::ifstream in(DemoCertsDir() + "/fingerprints.txt");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> fields =
        absl::StrSplit(line, ' ', absl::SkipEmpty());
    if (fields.size() == 2) out[fields[0]] = fields[1];
  }
  return out;
}

}  // namespace

MailboxClient::MailboxClient(handover::v1::Router::Stub* stub, uint32_t window,
                             uint64_t directory_version) {
  context_.set_deadline(std::chrono::system_clock::now() +
                        std::chrono::seconds(20));
  stream_ = stub->Connect(&context_);
  NodeMessage hello;
  hello.mutable_hello()->set_window(window);
  hello.mutable_hello()->set_directory_version(directory_version);
  EXPECT_TRUE(stream_->Write(hello));
}

std::optional<Pushed> MailboxClient::NextEnvelope() {
  RouterMessage m;
  if (!Next(&m) || !m.has_envelope_head()) {
    ADD_FAILURE() << "expected an envelope head, got " << m.DebugString();
    return std::nullopt;
  }
  Pushed p;
  p.delivery_id = m.delivery_id();
  p.head = m.envelope_head();
  while (Next(&m)) {
    EXPECT_EQ(m.delivery_id(), p.delivery_id);
    if (m.has_envelope_end()) {
      EXPECT_EQ(m.envelope_end().ciphertext_size(), p.ciphertext.size());
      return p;
    }
    EXPECT_TRUE(m.has_ciphertext());
    EXPECT_LE(m.ciphertext().data().size(), size_t{1} << 20);
    p.ciphertext += m.ciphertext().data();
  }
  ADD_FAILURE() << "the stream ended inside an envelope";
  return std::nullopt;
}

void MailboxClient::Ack(uint64_t delivery_id, handover::v1::Ack::Result result,
                        const std::string& reason) {
  NodeMessage m;
  m.mutable_ack()->set_delivery_id(delivery_id);
  m.mutable_ack()->set_result(result);
  m.mutable_ack()->set_reason(reason);
  EXPECT_TRUE(stream_->Write(m));
}

void MailboxClient::Cancel() {
  if (cancelled_) return;
  cancelled_ = true;
  context_.TryCancel();
  stream_->Finish().ok();  // the status of a cancelled call is of no use
}

grpc::Status MailboxClient::Finish() {
  cancelled_ = true;
  stream_->WritesDone();
  return stream_->Finish();
}

void RouterServerTest::SetUp() {
  const std::string& certs = DemoCertsDir();
  ASSERT_FALSE(certs.empty());
  std::map<std::string, std::string> prints = ReadFingerprints();
  for (const char* id : {kStockport, kBirmingham, kPolice}) {
    agencies_.SetCertSha256(id, prints.at(id));
  }
  agencies_.SetCertSha256(kRouterId, prints.at("router"));
  ASSERT_OK(crypto::WriteKeyDirectory(Path("keys"), agencies_.Get(kRouterId)));
  ASSERT_OK(
      crypto::WriteKeyDirectory(Path("authority"), agencies_.authority()));
  agencies_.WriteSigned(Path("directory.signed"), 1,
                        absl::Now() - absl::Hours(1));

  config_.source = "test";
  config::RouterSettings& r = config_.router;
  r.agency_id = kRouterId;
  r.key_dir = Path("keys");
  r.listen = "127.0.0.1:0";
  r.tls_cert = certs + "/router.pem";
  r.tls_key = certs + "/router.key";
  r.client_ca = certs + "/ca.pem";
  r.data_dir = Path("data");
  r.directory = Path("directory.signed");
  r.trust_root = Path("authority/public.key");
  config_.limits.max_envelope_bytes = 1 << 20;
  config_.retry.initial_backoff = absl::Milliseconds(200);
  config_.retry.max_backoff = absl::Seconds(1);
  StartRouter();
}

void RouterServerTest::StartRouter() {
  RouterServerOptions options;
  options.background = false;  // tests run the sweeper by hand
  options.clock = &clock_;
  absl::StatusOr<std::unique_ptr<RouterServer>> server =
      RouterServer::Start(config_, options);
  ASSERT_TRUE(server.ok()) << server.status();
  server_ = std::move(server).value();
  stubs_.clear();
}

handover::v1::Router::Stub* RouterServerTest::Stub(const std::string& name) {
  auto it = stubs_.find(name);
  if (it != stubs_.end()) return it->second.get();
  rpc::ClientTlsFiles files;
  files.ca_path = DemoCertsDir() + "/ca.pem";
  files.cert_path = DemoCertsDir() + "/" + name + ".pem";
  files.key_path = DemoCertsDir() + "/" + name + ".key";
  auto credentials = rpc::MakeChannelCredentials(files);
  EXPECT_TRUE(credentials.ok()) << credentials.status();
  auto stub = handover::v1::Router::NewStub(
      rpc::MakeChannel(server_->address(), *credentials));
  return (stubs_[name] = std::move(stub)).get();
}

SealedEnvelope RouterServerTest::Seal(const std::string& from,
                                      const std::vector<std::string>& to,
                                      size_t bytes, absl::Time created_at,
                                      absl::Duration ttl) {
  std::vector<crypto::PublicIdentity> recipients;
  for (const std::string& id : to) recipients.push_back(agencies_.Public(id));
  return testing::Seal(agencies_.Get(from), recipients, bytes, created_at, ttl);
}

SealedEnvelope RouterServerTest::SealWithId(const std::string& from,
                                            const std::string& to,
                                            const std::string& transfer_id) {
  crypto::SealOptions options;
  options.transfer_id = transfer_id;
  StringSink sink;
  auto sealer = crypto::EnvelopeSealer::Create(
      agencies_.Get(from), {agencies_.Public(to)}, options, &sink);
  EXPECT_TRUE(sealer.ok()) << sealer.status();
  SealedEnvelope out;
  if (!sealer.ok()) return out;
  EXPECT_OK((*sealer)->Write("other"));
  EXPECT_TRUE((*sealer)->Finish().ok());
  StringSource source(sink.data());
  auto head = crypto::ReadEnvelopeHead(&source);
  EXPECT_TRUE(head.ok()) << head.status();
  if (!head.ok()) return out;
  out.transfer_id = transfer_id;
  out.head.set_signed_header(head->signed_header);
  out.head.set_signature(head->signature);
  out.head.add_wrapped_keys(head->wrapped_keys[0]);
  out.ciphertext = sink.data().substr(head->header.CiphertextOffset());
  out.ciphertext_hash = head->header.ciphertext_hash;
  return out;
}

grpc::Status RouterServerTest::Submit(const std::string& caller,
                                      const SealedEnvelope& e,
                                      bool* already_stored, size_t part_bytes) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(20));
  handover::v1::SubmitEnvelopeResponse response;
  auto writer = Stub(caller)->SubmitEnvelope(&context, &response);
  handover::v1::EnvelopePart part;
  *part.mutable_head() = e.head;
  bool open = writer->Write(part);
  for (size_t at = 0; open && at < e.ciphertext.size(); at += part_bytes) {
    part.Clear();
    part.mutable_ciphertext()->set_data(e.ciphertext.substr(at, part_bytes));
    open = writer->Write(part);
  }
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  if (already_stored != nullptr) *already_stored = response.already_stored();
  return status;
}

handover::v1::SignedNotice RouterServerTest::Receipt(
    const std::string& signer, const SealedEnvelope& e,
    const std::string& addressee) {
  handover::v1::Notice notice;
  notice.set_signer_id(signer);
  notice.set_addressee_id(addressee);
  notice.set_transfer_id(e.transfer_id);
  notice.mutable_issued_at()->set_seconds(absl::ToUnixSeconds(absl::Now()));
  notice.mutable_receipt()->set_ciphertext_hash(e.ciphertext_hash);
  notice.mutable_receipt()->mutable_stored_at()->set_seconds(
      absl::ToUnixSeconds(absl::Now()));
  absl::StatusOr<handover::v1::SignedNotice> signed_notice =
      notice::SignNotice(agencies_.Get(signer), notice);
  EXPECT_TRUE(signed_notice.ok()) << signed_notice.status();
  return *signed_notice;
}

grpc::Status RouterServerTest::SubmitNotice(
    const std::string& caller, const handover::v1::SignedNotice& notice) {
  grpc::ClientContext context;
  handover::v1::SubmitNoticeResponse response;
  return Stub(caller)->SubmitNotice(&context, notice, &response);
}

handover::v1::Notice RouterServerTest::NextNotice(MailboxClient* mailbox,
                                                  const std::string& signer,
                                                  uint64_t* delivery_id) {
  RouterMessage m;
  EXPECT_TRUE(mailbox->Next(&m));
  EXPECT_TRUE(m.has_notice()) << m.DebugString();
  if (delivery_id != nullptr) *delivery_id = m.delivery_id();
  auto keys =
      server_->directory()->Current()->SigningKeysAt(signer, absl::Now());
  EXPECT_TRUE(keys.ok()) << keys.status();
  absl::StatusOr<handover::v1::Notice> notice =
      notice::VerifyNotice(m.notice(), *keys);
  EXPECT_TRUE(notice.ok()) << notice.status();
  return notice.ok() ? *notice : handover::v1::Notice();
}

DeliveryState RouterServerTest::StateOf(const SealedEnvelope& e,
                                        const std::string& to) {
  return StateIn(server_->store(), e.transfer_id, to);
}

bool RouterServerTest::WaitForState(const SealedEnvelope& e,
                                    const std::string& to,
                                    DeliveryState state) {
  for (int i = 0; i < 100; ++i) {
    if (StateOf(e, to) == state) return true;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return StateOf(e, to) == state;
}

}  // namespace handover::router::testing

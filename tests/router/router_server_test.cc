// RouterServer in-process over real mTLS on loopback, with real SQLite
// files and demo certificates: submission and its refusals, the mailbox
// stream (delivery, redelivery, replacement, rejection), receipts, and the
// directory. The multi-daemon scenarios are in tests/integration.
#include "router/router_server.h"

#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>

#include <sys/stat.h>

#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/byte_stream.h"
#include "common/clock.h"
#include "common/file_util.h"
#include "crypto/key_file.h"
#include "crypto/opener.h"
#include "crypto/sealer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "handover/v1/router.grpc.pb.h"
#include "notice/notice_signing.h"
#include "router/router_test_util.h"
#include "router/sweeper.h"
#include "rpc/tls_credentials.h"
#include "status_matchers.h"
#include "temp_dir.h"
#include "tls/test_certs.h"

namespace handover::router {
namespace {

using handover::testing::DemoCertsDir;
using handover::testing::WriteTestFile;
using handover::v1::Ack;
using handover::v1::NodeMessage;
using handover::v1::RouterMessage;
using ::testing::HasSubstr;
using testing::kRouterId;
using testing::SealedEnvelope;

constexpr char kStockport[] = "stockport-cs";
constexpr char kBirmingham[] = "birmingham-cs";
constexpr char kPolice[] = "west-midlands-police";

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

// One received envelope.
struct Pushed {
  uint64_t delivery_id = 0;
  handover::v1::EnvelopeHead head;
  std::string ciphertext;
};

// The node's end of Router::Connect.
class MailboxClient {
 public:
  MailboxClient(handover::v1::Router::Stub* stub, uint32_t window,
                uint64_t directory_version = 1) {
    context_.set_deadline(std::chrono::system_clock::now() +
                          std::chrono::seconds(20));
    stream_ = stub->Connect(&context_);
    NodeMessage hello;
    hello.mutable_hello()->set_window(window);
    hello.mutable_hello()->set_directory_version(directory_version);
    EXPECT_TRUE(stream_->Write(hello));
  }
  ~MailboxClient() { Cancel(); }

  bool Next(RouterMessage* message) { return stream_->Read(message); }

  // Reads one whole envelope (head, ciphertext, end).
  std::optional<Pushed> NextEnvelope() {
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

  void Ack(uint64_t delivery_id, handover::v1::Ack::Result result,
           const std::string& reason = "") {
    NodeMessage m;
    m.mutable_ack()->set_delivery_id(delivery_id);
    m.mutable_ack()->set_result(result);
    m.mutable_ack()->set_reason(reason);
    EXPECT_TRUE(stream_->Write(m));
  }

  void Cancel() {
    if (cancelled_) return;
    cancelled_ = true;
    context_.TryCancel();
    stream_->Finish().ok();  // the status of a cancelled call is of no use
  }

  grpc::Status Finish() {
    cancelled_ = true;
    stream_->WritesDone();
    return stream_->Finish();
  }

 private:
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReaderWriter<NodeMessage, RouterMessage>> stream_;
  bool cancelled_ = false;
};

class RouterServerTest : public ::testing::Test {
 protected:
  RouterServerTest()
      : agencies_({kStockport, kBirmingham, kPolice}), clock_(absl::Now()) {}

  void SetUp() override {
    const std::string& certs = DemoCertsDir();
    ASSERT_FALSE(certs.empty());
    std::map<std::string, std::string> prints = ReadFingerprints();
    for (const char* id : {kStockport, kBirmingham, kPolice}) {
      agencies_.SetCertSha256(id, prints.at(id));
    }
    agencies_.SetCertSha256(kRouterId, prints.at("router"));
    ASSERT_OK(
        crypto::WriteKeyDirectory(Path("keys"), agencies_.Get(kRouterId)));
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

  void StartRouter() {
    RouterServerOptions options;
    options.background = false;  // tests run the sweeper by hand
    options.clock = &clock_;
    absl::StatusOr<std::unique_ptr<RouterServer>> server =
        RouterServer::Start(config_, options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(server).value();
    stubs_.clear();
  }

  std::string Path(const std::string& relative) const {
    return tmp_.path() + "/" + relative;
  }

  // A stub presenting `name`'s demo certificate.
  handover::v1::Router::Stub* Stub(const std::string& name) {
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

  SealedEnvelope Seal(const std::string& from,
                      const std::vector<std::string>& to, size_t bytes,
                      absl::Time created_at = absl::Now(),
                      absl::Duration ttl = absl::Hours(24 * 5)) {
    std::vector<crypto::PublicIdentity> recipients;
    for (const std::string& id : to) recipients.push_back(agencies_.Public(id));
    return testing::Seal(agencies_.Get(from), recipients, bytes, created_at,
                         ttl);
  }

  // Uploads `envelope` as `caller` in parts of `part_bytes`.
  grpc::Status Submit(const std::string& caller, const SealedEnvelope& e,
                      bool* already_stored = nullptr,
                      size_t part_bytes = 64 * 1024) {
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

  handover::v1::SignedNotice Receipt(const std::string& signer,
                                     const SealedEnvelope& e,
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

  grpc::Status SubmitNotice(const std::string& caller,
                            const handover::v1::SignedNotice& notice) {
    grpc::ClientContext context;
    handover::v1::SubmitNoticeResponse response;
    return Stub(caller)->SubmitNotice(&context, notice, &response);
  }

  // The next message on `mailbox` must be a notice; returns it verified
  // with `signer`'s directory keys.
  handover::v1::Notice NextNotice(MailboxClient* mailbox,
                                  const std::string& signer,
                                  uint64_t* delivery_id = nullptr) {
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

  DeliveryState StateOf(const SealedEnvelope& e, const std::string& to) {
    auto deliveries = server_->store()->ListDeliveries(e.transfer_id);
    EXPECT_TRUE(deliveries.ok()) << deliveries.status();
    for (const DeliveryRecord& d : *deliveries) {
      if (d.recipient_id == to) return d.state;
    }
    ADD_FAILURE() << "no delivery to " << to;
    return DeliveryState::kPending;
  }

  handover::testing::TempDir tmp_;
  testing::TestAgencies agencies_;
  FakeClock clock_;  // the router's; tests move it past backoffs and expiry
  config::RouterConfig config_;
  std::unique_ptr<RouterServer> server_;
  std::map<std::string, std::unique_ptr<handover::v1::Router::Stub>> stubs_;
};

TEST_F(RouterServerTest, DeliveryWithAReceipt) {
  // One envelope stored inline, one in the spool.
  SealedEnvelope small = Seal(kStockport, {kBirmingham}, 1000);
  SealedEnvelope large = Seal(kStockport, {kBirmingham}, 300 * 1024);
  bool already = true;
  ASSERT_TRUE(Submit(kStockport, small, &already).ok());
  EXPECT_FALSE(already);
  ASSERT_TRUE(Submit(kStockport, large, &already, 100 * 1024).ok());
  EXPECT_FALSE(already);
  auto stored = server_->store()->FindEnvelope(large.transfer_id);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->location, CiphertextLocation::kSpool);

  // The same envelope again: stored once, delivered once.
  ASSERT_TRUE(Submit(kStockport, small, &already).ok());
  EXPECT_TRUE(already);

  MailboxClient birmingham(Stub(kBirmingham), 8);
  std::optional<Pushed> first = birmingham.NextEnvelope();
  std::optional<Pushed> second = birmingham.NextEnvelope();
  ASSERT_TRUE(first && second);
  EXPECT_LT(first->delivery_id, second->delivery_id);
  EXPECT_EQ(first->head.signed_header(), small.head.signed_header());
  EXPECT_EQ(first->head.signature(), small.head.signature());
  EXPECT_EQ(first->head.wrapped_keys(0), small.head.wrapped_keys(0));
  EXPECT_EQ(first->ciphertext, small.ciphertext);
  EXPECT_EQ(second->ciphertext, large.ciphertext);
  birmingham.Ack(first->delivery_id, Ack::RESULT_STORED);
  birmingham.Ack(second->delivery_id, Ack::RESULT_STORED);

  // Receipts come back through the sender's mailbox.
  ASSERT_TRUE(
      SubmitNotice(kBirmingham, Receipt(kBirmingham, small, kStockport)).ok());
  ASSERT_TRUE(
      SubmitNotice(kBirmingham, Receipt(kBirmingham, small, kStockport)).ok());
  ASSERT_TRUE(
      SubmitNotice(kBirmingham, Receipt(kBirmingham, large, kStockport)).ok());
  EXPECT_EQ(StateOf(small, kBirmingham), DeliveryState::kReceipted);
  EXPECT_EQ(StateOf(large, kBirmingham), DeliveryState::kReceipted);
  stored = server_->store()->FindEnvelope(large.transfer_id);
  EXPECT_EQ((*stored)->location, CiphertextLocation::kDeleted);

  MailboxClient stockport(Stub(kStockport), 8);
  handover::v1::Notice receipt = NextNotice(&stockport, kBirmingham);
  EXPECT_EQ(receipt.transfer_id(), small.transfer_id);
  EXPECT_EQ(receipt.receipt().ciphertext_hash(), small.ciphertext_hash);
  EXPECT_EQ(NextNotice(&stockport, kBirmingham).transfer_id(),
            large.transfer_id);
}

TEST_F(RouterServerTest, SubmissionsAreCheckedWithoutDecrypting) {
  // Another agency's envelope.
  SealedEnvelope theirs = Seal(kStockport, {kBirmingham}, 100);
  grpc::Status s = Submit(kBirmingham, theirs);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(s.error_message(), HasSubstr("not the caller's agency"));

  // Signed with a key the directory does not list.
  absl::StatusOr<crypto::SecretIdentity> forger =
      crypto::SecretIdentity::Generate(kStockport);
  ASSERT_TRUE(forger.ok());
  SealedEnvelope forged =
      testing::Seal(*forger, {agencies_.Public(kBirmingham)}, 100, absl::Now());
  EXPECT_EQ(Submit(kStockport, forged).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);

  // Over [limits] max_envelope_bytes (1 MiB here), refused from the head.
  SealedEnvelope big = Seal(kStockport, {kBirmingham}, 1100 * 1024);
  EXPECT_EQ(Submit(kStockport, big).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);

  SealedEnvelope expired = Seal(kStockport, {kBirmingham}, 100,
                                absl::Now() - absl::Hours(2), absl::Hours(1));
  EXPECT_EQ(Submit(kStockport, expired).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  SealedEnvelope future =
      Seal(kStockport, {kBirmingham}, 100, absl::Now() + absl::Minutes(30));
  EXPECT_EQ(Submit(kStockport, future).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);

  absl::StatusOr<crypto::SecretIdentity> stranger =
      crypto::SecretIdentity::Generate("nobody-known");
  ASSERT_TRUE(stranger.ok());
  SealedEnvelope unknown =
      testing::Seal(agencies_.Get(kStockport), {stranger->public_identity()},
                    100, absl::Now());
  EXPECT_EQ(Submit(kStockport, unknown).error_code(),
            grpc::StatusCode::NOT_FOUND);

  SealedEnvelope to_router = Seal(kStockport, {kRouterId}, 100);
  EXPECT_EQ(Submit(kStockport, to_router).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  // Altered ciphertext and cut-short ciphertext fail the signed hash.
  SealedEnvelope tampered = Seal(kStockport, {kBirmingham}, 100 * 1024);
  tampered.ciphertext[5000] ^= 1;
  EXPECT_EQ(Submit(kStockport, tampered).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  SealedEnvelope cut = Seal(kStockport, {kBirmingham}, 100);
  cut.ciphertext.pop_back();
  EXPECT_EQ(Submit(kStockport, cut).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  // Nothing refused was stored, and the spool holds no leftovers.
  for (const SealedEnvelope* e : {&theirs, &forged, &big, &tampered, &cut}) {
    auto found = server_->store()->FindEnvelope(e->transfer_id);
    ASSERT_TRUE(found.ok());
    EXPECT_FALSE(found->has_value());
  }
  EXPECT_EQ(*server_->spool()->RemoveOrphans({}), 0);
}

TEST_F(RouterServerTest, ASecondHeaderForATransferIdIsRefused) {
  SealedEnvelope first = Seal(kStockport, {kBirmingham}, 100);
  ASSERT_TRUE(Submit(kStockport, first).ok());
  crypto::SealOptions options;
  options.transfer_id = first.transfer_id;
  StringSink sink;
  auto sealer = crypto::EnvelopeSealer::Create(
      agencies_.Get(kStockport), {agencies_.Public(kPolice)}, options, &sink);
  ASSERT_TRUE(sealer.ok());
  ASSERT_OK((*sealer)->Write("other"));
  ASSERT_TRUE((*sealer)->Finish().ok());
  StringSource source(sink.data());
  auto head = crypto::ReadEnvelopeHead(&source);
  ASSERT_TRUE(head.ok());
  SealedEnvelope second;
  second.head.set_signed_header(head->signed_header);
  second.head.set_signature(head->signature);
  second.head.add_wrapped_keys(head->wrapped_keys[0]);
  second.ciphertext = sink.data().substr(head->header.CiphertextOffset());
  grpc::Status s = Submit(kStockport, second);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS);
}

TEST_F(RouterServerTest, ARetryOfAStoredEnvelopeSucceedsEvenAfterItsExpiry) {
  SealedEnvelope e =
      Seal(kStockport, {kBirmingham}, 100, absl::Now(), absl::Hours(1));
  ASSERT_TRUE(Submit(kStockport, e).ok());
  clock_.Advance(absl::Hours(2));
  bool already = false;
  grpc::Status s = Submit(kStockport, e, &already);
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(already);
  // Another agency cannot learn anything by replaying it.
  EXPECT_EQ(Submit(kBirmingham, e).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(RouterServerTest, CallersAreKnownByTheirCertificate) {
  grpc::ClientContext context;
  handover::v1::SignedDirectory directory;
  ASSERT_TRUE(Stub(kStockport)
                  ->GetDirectory(&context, handover::v1::GetDirectoryRequest(),
                                 &directory)
                  .ok());
  EXPECT_EQ(directory.SerializeAsString(),
            *ReadFileBounded(Path("directory.signed"), 1 << 24));

  // A certificate from the right CA that the directory does not list.
  grpc::ClientContext other;
  grpc::Status s =
      Stub("case-system")
          ->GetDirectory(&other, handover::v1::GetDirectoryRequest(),
                         &directory);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(s.error_message(), "certificate is not in the directory");
}

TEST_F(RouterServerTest, AnUnansweredItemIsPushedAgainAfterTheBackoff) {
  SealedEnvelope e = Seal(kStockport, {kBirmingham}, 100);
  ASSERT_TRUE(Submit(kStockport, e).ok());
  uint64_t id = 0;
  {
    MailboxClient first(Stub(kBirmingham), 4);
    std::optional<Pushed> pushed = first.NextEnvelope();
    ASSERT_TRUE(pushed.has_value());
    id = pushed->delivery_id;
    EXPECT_EQ(StateOf(e, kBirmingham), DeliveryState::kPushed);
  }  // gone without an ack
  // The stream's end is noticed by the router shortly after; the item then
  // waits out the backoff (200ms) on the router's clock.
  for (int i = 0; i < 100 && StateOf(e, kBirmingham) != DeliveryState::kPending;
       ++i) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  auto deliveries = server_->store()->ListDeliveries(e.transfer_id);
  ASSERT_TRUE(deliveries.ok());
  EXPECT_EQ((*deliveries)[0].state, DeliveryState::kPending);
  EXPECT_EQ((*deliveries)[0].attempts, 1);

  clock_.Advance(absl::Seconds(1));
  MailboxClient second(Stub(kBirmingham), 4);
  std::optional<Pushed> again = second.NextEnvelope();
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->delivery_id, id);
  EXPECT_EQ(again->ciphertext, e.ciphertext);
  second.Ack(id, Ack::RESULT_STORED);
  for (int i = 0;
       i < 100 && StateOf(e, kBirmingham) != DeliveryState::kStoredAtNode;
       ++i) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_EQ(StateOf(e, kBirmingham), DeliveryState::kStoredAtNode);
}

TEST_F(RouterServerTest, ANewerStreamReplacesTheOlder) {
  MailboxClient older(Stub(kBirmingham), 4);
  RouterMessage m;
  // Wait until the router holds the first stream.
  for (int i = 0; i < 100 && !server_->hub()->IsConnected(kBirmingham); ++i) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  ASSERT_TRUE(server_->hub()->IsConnected(kBirmingham));
  MailboxClient newer(Stub(kBirmingham), 4);
  EXPECT_FALSE(older.Next(&m));  // ended by the router

  SealedEnvelope e = Seal(kStockport, {kBirmingham}, 100);
  ASSERT_TRUE(Submit(kStockport, e).ok());
  std::optional<Pushed> pushed = newer.NextEnvelope();
  ASSERT_TRUE(pushed.has_value());
  EXPECT_EQ(pushed->ciphertext, e.ciphertext);
  EXPECT_EQ(server_->hub()->live_streams(), 1u);
}

TEST_F(RouterServerTest, ARejectionBecomesASignedReportToTheSender) {
  SealedEnvelope e = Seal(kStockport, {kBirmingham, kPolice}, 100);
  ASSERT_TRUE(Submit(kStockport, e).ok());
  MailboxClient police(Stub(kPolice), 4);
  std::optional<Pushed> pushed = police.NextEnvelope();
  ASSERT_TRUE(pushed.has_value());
  police.Ack(pushed->delivery_id, Ack::RESULT_REJECTED,
             "not_a_recipient\nsecond line");

  MailboxClient stockport(Stub(kStockport), 4);
  handover::v1::Notice report = NextNotice(&stockport, kRouterId);
  EXPECT_EQ(report.signer_id(), kRouterId);
  EXPECT_EQ(report.transfer_id(), e.transfer_id);
  EXPECT_EQ(report.non_delivery().reason(),
            handover::v1::NON_DELIVERY_REASON_REJECTED_BY_RECIPIENT);
  EXPECT_EQ(report.non_delivery().undelivered_recipient(), kPolice);
  EXPECT_EQ(report.non_delivery().detail(), "not_a_recipient second line");
  EXPECT_EQ(StateOf(e, kPolice), DeliveryState::kRejected);
  EXPECT_EQ(StateOf(e, kBirmingham), DeliveryState::kPending);
}

TEST_F(RouterServerTest, ReceiptsAreChecked) {
  SealedEnvelope e = Seal(kStockport, {kBirmingham}, 100);
  ASSERT_TRUE(Submit(kStockport, e).ok());
  // Not a recipient.
  EXPECT_EQ(SubmitNotice(kPolice, Receipt(kPolice, e, kStockport)).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // Signed by one agency, submitted by another.
  EXPECT_EQ(
      SubmitNotice(kPolice, Receipt(kBirmingham, e, kStockport)).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  // Naming other ciphertext.
  SealedEnvelope other = e;
  other.ciphertext_hash = std::string(32, 'x');
  EXPECT_EQ(SubmitNotice(kBirmingham, Receipt(kBirmingham, other, kStockport))
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  // A bad signature.
  handover::v1::SignedNotice forged = Receipt(kBirmingham, e, kStockport);
  forged.mutable_signature()->at(0) ^= 1;
  EXPECT_EQ(SubmitNotice(kBirmingham, forged).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  // An unknown transfer.
  SealedEnvelope never = Seal(kStockport, {kBirmingham}, 100);
  EXPECT_EQ(SubmitNotice(kBirmingham, Receipt(kBirmingham, never, kStockport))
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(StateOf(e, kBirmingham), DeliveryState::kPending);
}

TEST_F(RouterServerTest, ANodeWithAnOlderDirectoryIsToldAtOnce) {
  MailboxClient node(Stub(kStockport), 4, /*directory_version=*/0);
  RouterMessage m;
  ASSERT_TRUE(node.Next(&m));
  ASSERT_TRUE(m.has_directory_changed()) << m.DebugString();
  EXPECT_EQ(m.directory_changed().version(), 1u);

  agencies_.WriteSigned(Path("directory.signed"), 2,
                        absl::Now() - absl::Hours(1));
  ASSERT_OK(server_->ReloadDirectory());
  ASSERT_TRUE(node.Next(&m));
  EXPECT_EQ(m.directory_changed().version(), 2u);
}

TEST_F(RouterServerTest, ExpiryReachesTheSenderAsAReport) {
  SealedEnvelope e =
      Seal(kStockport, {kBirmingham}, 100, absl::Now(), absl::Hours(1));
  ASSERT_TRUE(Submit(kStockport, e).ok());
  clock_.Advance(absl::Hours(1) + absl::Minutes(1));
  ASSERT_OK(server_->sweeper()->RunOnce().status());
  EXPECT_EQ(StateOf(e, kBirmingham), DeliveryState::kExpired);
  MailboxClient stockport(Stub(kStockport), 4);
  handover::v1::Notice report = NextNotice(&stockport, kRouterId);
  EXPECT_EQ(report.non_delivery().reason(),
            handover::v1::NON_DELIVERY_REASON_EXPIRED);
}

TEST_F(RouterServerTest, ARestartKeepsTheQueue) {
  SealedEnvelope small = Seal(kStockport, {kBirmingham}, 100);
  SealedEnvelope large = Seal(kStockport, {kBirmingham}, 200 * 1024);
  ASSERT_TRUE(Submit(kStockport, small).ok());
  ASSERT_TRUE(Submit(kStockport, large).ok());
  server_->Shutdown(absl::Seconds(1));
  server_.reset();
  // A file left by a crash is cleaned up.
  WriteTestFile(Path("data/spool/.stale.tmp-abc"), "x", 0600);
  StartRouter();
  MailboxClient birmingham(Stub(kBirmingham), 4);
  std::optional<Pushed> first = birmingham.NextEnvelope();
  std::optional<Pushed> second = birmingham.NextEnvelope();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->ciphertext, small.ciphertext);
  EXPECT_EQ(second->ciphertext, large.ciphertext);
  struct stat st;
  EXPECT_NE(stat(Path("data/spool/.stale.tmp-abc").c_str(), &st), 0);
}

}  // namespace
}  // namespace handover::router

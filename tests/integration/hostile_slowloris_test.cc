// Slowloris clients: streams opened and then held without progress, against
// the real daemons. Each daemon bounds how many streams one client (node)
// or agency (router) holds open, and cancels a stream that keeps it waiting
// longer than [limits] stream_stall_timeout; either way nothing is stored
// and every other client is still served.
#include <grpcpp/grpcpp.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "handover/v1/node.grpc.pb.h"
#include "handover/v1/router.grpc.pb.h"
#include "harness/flaky_proxy.h"
#include "harness/hostile_inputs.h"
#include "harness/network_test.h"
#include "hostile/catalogue.h"

namespace handover::integration {
namespace {

namespace v1 = handover::v1;

// One client-streaming call, opened and then left as the test says.
template <typename Request, typename Response>
struct HeldStream {
  grpc::ClientContext context;
  Response response;
  std::unique_ptr<grpc::ClientWriter<Request>> writer;
};
using HeldSubmit =
    HeldStream<v1::SubmitTransferRequest, v1::SubmitTransferResponse>;
using HeldUpload = HeldStream<v1::EnvelopePart, v1::SubmitEnvelopeResponse>;

// For a failure message only: cancels each held stream and says how it
// ended. CANCELLED means it was still open; anything else is why the daemon
// ended it early.
template <typename Held>
std::string HowTheyEnded(const std::vector<std::unique_ptr<Held>>& held) {
  std::string text = "held streams ended as:";
  for (const auto& stream : held) {
    stream->context.TryCancel();
    const grpc::Status status = stream->writer->Finish();
    absl::StrAppend(&text, " [", static_cast<int>(status.error_code()), " ",
                    status.error_message(), "]");
  }
  return text;
}

// A generous deadline: a stream the daemon fails to end shows as
// DEADLINE_EXCEEDED. (The daemon enforces it too, so it also bounds how
// long a stream lasts.) And wait for the channel to be ready, so that a
// first connection still being made on a loaded machine does not end a
// call as UNAVAILABLE.
void PrepareCall(grpc::ClientContext* context,
                 absl::Duration timeout = absl::Minutes(2)) {
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  context->set_wait_for_ready(true);
}

// The start of a submission to Birmingham declaring one text attachment of
// `size` bytes, and a message of 1 KiB of it.
v1::SubmitTransferRequest StartMessage(uint64_t size) {
  v1::SubmitTransferRequest start;
  start.mutable_start()->set_idempotency_key("slowloris-" + RandomHex(8));
  start.mutable_start()->add_recipients(kBirmingham);
  *start.mutable_start()->mutable_bundle() = MinimalBundle("REF-SLOWLORIS");
  v1::AttachmentDescriptor* attachment =
      start.mutable_start()->add_attachments();
  attachment->set_name("notes.txt");
  attachment->set_media_type("text/plain");
  attachment->set_size(size);
  return start;
}
v1::SubmitTransferRequest KibibyteMessage() {
  v1::SubmitTransferRequest data;
  data.mutable_attachment_data()->set_data(std::string(1024, 'x'));
  return data;
}

// A submission that declares a 1 MiB attachment, sends 1 KiB of it and
// then sends nothing more.
std::unique_ptr<HeldSubmit> StallSubmission(
    v1::Node::Stub& stub, const std::string& token,
    absl::Duration deadline = absl::Minutes(2)) {
  auto held = std::make_unique<HeldSubmit>();
  PrepareCall(&held->context, deadline);
  held->context.AddMetadata("authorization", "Bearer " + token);
  held->writer = stub.SubmitTransfer(&held->context, &held->response);
  EXPECT_TRUE(held->writer->Write(StartMessage(1 << 20)) &&
              held->writer->Write(KibibyteMessage()))
      << "the held submission ended before it could stall";
  return held;
}

// A genuine envelope's head, sent as `as`, and then nothing more.
std::unique_ptr<HeldUpload> StallUpload(v1::Router::Stub& stub,
                                        const v1::EnvelopePart& head) {
  auto held = std::make_unique<HeldUpload>();
  PrepareCall(&held->context);
  held->writer = stub.SubmitEnvelope(&held->context, &held->response);
  EXPECT_TRUE(held->writer->Write(head))
      << "the held upload ended before it could stall";
  return held;
}

// A stream that ends at once: refused over the limit, otherwise admitted and
// refused by the handler for having no content.
grpc::Status ProbeSubmit(v1::Node::Stub& stub, const std::string& token) {
  grpc::ClientContext context;
  PrepareCall(&context);
  if (!token.empty()) {
    context.AddMetadata("authorization", "Bearer " + token);
  }
  v1::SubmitTransferResponse response;
  auto writer = stub.SubmitTransfer(&context, &response);
  writer->WritesDone();
  return writer->Finish();
}

grpc::Status ProbeUpload(v1::Router::Stub& stub) {
  grpc::ClientContext context;
  PrepareCall(&context);
  v1::SubmitEnvelopeResponse response;
  auto writer = stub.SubmitEnvelope(&context, &response);
  writer->WritesDone();
  return writer->Finish();
}

// Probes until `wanted` holds for the answer (the held streams reach the
// daemon in their own time), at most `timeout`; returns the last answer.
grpc::Status ProbeUntil(const std::function<grpc::Status()>& probe,
                        const std::function<bool(const grpc::Status&)>& wanted,
                        absl::Duration timeout = absl::Seconds(30)) {
  const absl::Time deadline = absl::Now() + timeout;
  grpc::Status status = probe();
  while (!wanted(status) && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(50));
    status = probe();
  }
  return status;
}

bool OverLimit(const grpc::Status& s) {
  return s.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED;
}
bool UnderLimit(const grpc::Status& s) { return !OverLimit(s); }

// Temporary files left under `dir` (".NAME.tmp-XXXXXX").
std::vector<std::string> TemporaryFiles(const std::string& dir) {
  std::vector<std::string> found;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (absl::StrContains(name, ".tmp-")) found.push_back(entry.path());
  }
  return found;
}

class SlowlorisTest : public NetworkTest {
 protected:
  // Starts the network with these [limits] lines for Stockport's node and
  // the router, and counts every store once it is quiet.
  void StartWithLimits(const std::string& node, const std::string& router) {
    ASSERT_NO_FATAL_FAILURE(CreateNetwork(HostileNetworkOptions()));
    net().node_settings(kStockport).extra_toml = "\n[limits]\n" + node;
    net().router_settings().extra_toml = "\n[limits]\n" + router;
    ASSERT_OK(net().StartAll());
    absl::StatusOr<StoreCounts> counts = CountStoresWhenQuiet(net(), Wait());
    ASSERT_TRUE(counts.ok()) << counts.status();
    before_ = *std::move(counts);
  }

  // Every store as it was at the start, and no temporary file anywhere.
  void ExpectNothingStored() {
    absl::StatusOr<StoreCounts> after = CountStoresWhenQuiet(net(), Wait());
    ASSERT_TRUE(after.ok()) << after.status();
    EXPECT_EQ(before_.ChangesTo(*after), "") << "a slowloris stored something";
    EXPECT_TRUE(TemporaryFiles(net().root()).empty());
  }

  StoreCounts before_;
};

TEST_F(SlowlorisTest, NodeBoundsEachClientsOpenStreams) {
  ASSERT_NO_FATAL_FAILURE(
      StartWithLimits("max_open_streams_per_client = 3", ""));
  const std::string token = net().Token(kStockport, Role::kSubmitter);
  auto stub = v1::Node::NewStub(net().NodeChannel(kStockport, ""));

  std::vector<std::unique_ptr<HeldSubmit>> held;
  for (int i = 0; i < 3; ++i) held.push_back(StallSubmission(*stub, token));
  const grpc::Status refused =
      ProbeUntil([&] { return ProbeSubmit(*stub, token); }, OverLimit);
  ASSERT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << refused.error_message() << "; " << HowTheyEnded(held);
  EXPECT_TRUE(absl::StrContains(
      refused.error_message(),
      "already has the most open streams allowed (3, set by [limits] "
      "max_open_streams_per_client); try again later"))
      << refused.error_message();

  // The case system (its own client) still gets a stream, and the held-up
  // client's own unary calls are still answered.
  auto case_system =
      v1::Node::NewStub(net().NodeChannel(kStockport, "case-system"));
  const grpc::Status other = ProbeSubmit(*case_system, "");
  EXPECT_EQ(other.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << other.error_message();
  EXPECT_EQ(net()
                .Client(kStockport, Role::kSubmitter)
                ->Status(RandomHex(16))
                .status()
                .code(),
            absl::StatusCode::kNotFound);

  // The slowloris gives up: its places come back and nothing it sent was
  // kept, not even a temporary file.
  for (auto& stream : held) {
    stream->context.TryCancel();
    EXPECT_EQ(stream->writer->Finish().error_code(),
              grpc::StatusCode::CANCELLED);
  }
  const grpc::Status freed =
      ProbeUntil([&] { return ProbeSubmit(*stub, token); }, UnderLimit);
  EXPECT_EQ(freed.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << freed.error_message();
  ASSERT_NO_FATAL_FAILURE(ExpectNothingStored());
  ASSERT_OK(Send(kStockport, {kBirmingham}, "REF-AFTER").status());
}

TEST_F(SlowlorisTest, AClientWhoseHostVanishesGivesItsPlaceBack) {
  // One place per client, and no stall timeout to free it: only the node's
  // keepalive pings can notice the client has gone.
  ASSERT_NO_FATAL_FAILURE(StartWithLimits(
      "max_open_streams_per_client = 1\nstream_stall_timeout = \"1h\"", ""));
  const std::string token = net().Token(kStockport, Role::kSubmitter);
  FlakyProxyOptions options;
  options.target = net().node_process(kStockport).address();
  options.faults_enabled = false;
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<FlakyProxy> proxy,
                       FlakyProxy::Start(options));
  auto far = v1::Node::NewStub(UnlimitedChannel(net(), proxy->address(), ""));
  // Its deadline is far beyond the test's, so it cannot free the place.
  std::unique_ptr<HeldSubmit> held =
      StallSubmission(*far, token, absl::Hours(1));
  auto near = v1::Node::NewStub(net().NodeChannel(kStockport, ""));
  const grpc::Status refused =
      ProbeUntil([&] { return ProbeSubmit(*near, token); }, OverLimit);
  ASSERT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << refused.error_message();

  // The far host vanishes: its connection stays open, but nothing more
  // crosses it, not even a close. Pings every 60 s, 20 s to answer.
  proxy->set_frozen(true);
  const grpc::Status freed = ProbeUntil(
      [&] { return ProbeSubmit(*near, token); }, UnderLimit, absl::Minutes(4));
  EXPECT_EQ(freed.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << freed.error_message();
  ASSERT_NO_FATAL_FAILURE(ExpectNothingStored());
  held->context.TryCancel();
}

TEST_F(SlowlorisTest, NodeCancelsAStalledUploadButNotASlowOne) {
  ASSERT_NO_FATAL_FAILURE(StartWithLimits("stream_stall_timeout = \"3s\"", ""));
  const std::string token = net().Token(kStockport, Role::kSubmitter);
  auto stub = v1::Node::NewStub(net().NodeChannel(kStockport, ""));

  std::unique_ptr<HeldSubmit> stalled = StallSubmission(*stub, token);
  EXPECT_EQ(stalled->writer->Finish().error_code(),
            grpc::StatusCode::CANCELLED);
  EXPECT_TRUE(
      absl::StrContains(net().node_process(kStockport).ReadLog(),
                        "cancelled, the client sent or took nothing for"));
  ASSERT_NO_FATAL_FAILURE(ExpectNothingStored());

  // A slow client that keeps sending, 1 KiB every 300 ms for 3 s in all,
  // is not cut off: only a wait longer than the timeout is.
  grpc::ClientContext context;
  PrepareCall(&context);
  context.AddMetadata("authorization", "Bearer " + token);
  v1::SubmitTransferResponse response;
  auto writer = stub->SubmitTransfer(&context, &response);
  ASSERT_TRUE(writer->Write(StartMessage(10 * 1024)));
  const v1::SubmitTransferRequest data = KibibyteMessage();
  for (int i = 0; i < 10; ++i) {
    absl::SleepFor(absl::Milliseconds(300));
    ASSERT_TRUE(writer->Write(data)) << "cut off after " << i << " KiB";
  }
  writer->WritesDone();
  const grpc::Status done = writer->Finish();
  ASSERT_TRUE(done.ok()) << done.error_message();
  EXPECT_FALSE(response.transfer_id().empty());
}

class RouterSlowlorisTest : public SlowlorisTest {
 protected:
  // The head of a genuine envelope from the police force, which runs no
  // node here, so no stream of its own competes with the test's.
  v1::EnvelopePart PoliceHead() {
    absl::StatusOr<RawEnvelope> envelope = SealRawEnvelope(
        net().Identity(kPolice),
        {net().Identity(kBirmingham).public_identity()}, "REF-SLOWLORIS", {},
        Scratch("police-" + RandomHex(4) + ".hov"));
    EXPECT_TRUE(envelope.ok()) << envelope.status();
    return envelope.ok() ? PartsOf(*envelope).front() : v1::EnvelopePart();
  }
};

TEST_F(RouterSlowlorisTest, RouterBoundsEachAgencysOpenStreams) {
  ASSERT_NO_FATAL_FAILURE(
      StartWithLimits("", "max_open_streams_per_agency = 2"));
  auto police = v1::Router::NewStub(net().RouterChannel(kPolice));
  const v1::EnvelopePart head = PoliceHead();

  std::vector<std::unique_ptr<HeldUpload>> held;
  for (int i = 0; i < 2; ++i) held.push_back(StallUpload(*police, head));
  const grpc::Status refused =
      ProbeUntil([&] { return ProbeUpload(*police); }, OverLimit);
  ASSERT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << refused.error_message() << "; " << HowTheyEnded(held);
  EXPECT_EQ(refused.error_message(),
            absl::StrCat("'", kPolice,
                         "' already has the most open streams allowed (2, "
                         "set by [limits] max_open_streams_per_agency); try "
                         "again later, once one has finished"));

  // Another agency's upload is admitted (and refused only for being empty).
  auto stockport = v1::Router::NewStub(net().RouterChannel(kStockport));
  const grpc::Status other = ProbeUpload(*stockport);
  EXPECT_EQ(other.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << other.error_message();

  for (auto& stream : held) {
    stream->context.TryCancel();
    EXPECT_EQ(stream->writer->Finish().error_code(),
              grpc::StatusCode::CANCELLED);
  }
  const grpc::Status freed =
      ProbeUntil([&] { return ProbeUpload(*police); }, UnderLimit);
  EXPECT_EQ(freed.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << freed.error_message();
  ASSERT_NO_FATAL_FAILURE(ExpectNothingStored());
  ASSERT_OK_AND_ASSIGN(const StoreCounts after, CountStores(net()));
  EXPECT_GT(after.router_refusals, before_.router_refusals)
      << "the refusal over the limit is on record";
}

TEST_F(RouterSlowlorisTest, RouterCancelsAStalledUpload) {
  ASSERT_NO_FATAL_FAILURE(StartWithLimits("", "stream_stall_timeout = \"3s\""));
  auto police = v1::Router::NewStub(net().RouterChannel(kPolice));
  std::unique_ptr<HeldUpload> stalled = StallUpload(*police, PoliceHead());
  EXPECT_EQ(stalled->writer->Finish().error_code(),
            grpc::StatusCode::CANCELLED);
  EXPECT_TRUE(absl::StrContains(
      net().router_process().ReadLog(),
      absl::StrCat("SubmitEnvelope from ", kPolice,
                   ": cancelled, the client sent or took nothing for")));
  ASSERT_NO_FATAL_FAILURE(ExpectNothingStored());
  // The router still takes a genuine transfer.
  ASSERT_OK(Send(kStockport, {kBirmingham}, "REF-AFTER").status());
}

}  // namespace
}  // namespace handover::integration

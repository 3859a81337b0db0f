// The network commands (submit, inbox, fetch, status) against a scripted
// node on loopback: what they send, what they print, what they leave on
// disk, and the one error line for each kind of failure.
#include <stdlib.h>

#include <string>
#include <vector>

#include "cli/cli_fixture.h"
#include "cli/fake_node.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "handover/v1/notice.pb.h"
#include "nlohmann/json.hpp"
#include "tls/test_certs.h"

namespace handover::testing {
namespace {

namespace v1 = handover::v1;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kTransferId[] = "0123456789abcdef0123456789abcdef";
constexpr char kToken[] = "demo-token-8f14e45fceea167a5a36dedd4bea2543";

class CliNodeTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    // The commands read these; a developer's own settings must not leak in.
    unsetenv("HANDOVER_NODE");
    unsetenv("HANDOVER_CA");
    unsetenv("HANDOVER_TOKEN_FILE");
    WriteTestFile(Path("token"), std::string(kToken) + "\n", 0600);
  }

  std::string Ca() const { return DemoCertsDir() + "/ca.pem"; }

  // Connection options with the bearer token in ./token.
  std::vector<std::string> ByToken() const {
    return {"--node", node_.address(), "--ca", Ca(), "--token-file", "token"};
  }
  // Connection options with the demo case system's certificate.
  std::vector<std::string> ByCert() const {
    return {"--node", node_.address(),
            "--ca",   Ca(),
            "--cert", DemoCertsDir() + "/case-system.pem",
            "--key",  DemoCertsDir() + "/case-system.key"};
  }

  CommandResult Run(std::vector<std::string> args,
                    const std::vector<std::string>& connection) {
    args.insert(args.end(), connection.begin(), connection.end());
    return Handover(args);
  }

  FakeNode node_;
};

v1::SubmitTransferResponse Accepted(bool duplicate = false) {
  v1::SubmitTransferResponse response;
  response.set_transfer_id(kTransferId);
  response.set_duplicate(duplicate);
  return response;
}

// ---- submit --------------------------------------------------------------

TEST_F(CliNodeTest, SubmitStreamsAttachmentsInPiecesAndPrintsTheId) {
  WriteBundle("bundle.json");
  const std::string big = PatternBytes(2 * 1024 * 1024 + 12345, 1);
  const std::string small = PatternBytes(999, 2);
  WriteFile("scan.pdf", big);
  WriteFile("note.txt", small);
  node_.service().SetSubmitAnswer(grpc::Status::OK, Accepted());

  CommandResult r =
      Run({"submit", "--bundle", "bundle.json", "--to", "birmingham-cs", "--to",
           "birmingham-health", "--idempotency-key", "STK-1", "--attach",
           "scan.pdf", "--attach", "note.txt", "--format", "json"},
          ByToken());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  nlohmann::json out = nlohmann::json::parse(r.out);
  EXPECT_EQ(out["transfer_id"], kTransferId);
  EXPECT_EQ(out["duplicate"], false);
  EXPECT_EQ(out["recipients"],
            nlohmann::json({"birmingham-cs", "birmingham-health"}));

  const SeenSubmit seen = node_.service().last_submit();
  EXPECT_EQ(seen.start.idempotency_key(), "STK-1");
  EXPECT_THAT(seen.start.recipients(),
              ElementsAre("birmingham-cs", "birmingham-health"));
  EXPECT_EQ(seen.start.time_to_live_seconds(), 0u);
  ASSERT_EQ(seen.start.attachments_size(), 2);
  EXPECT_EQ(seen.start.attachments(0).name(), "scan.pdf");
  EXPECT_EQ(seen.start.attachments(0).media_type(), "application/pdf");
  EXPECT_EQ(seen.start.attachments(0).size(), big.size());
  EXPECT_EQ(seen.start.attachments(1).name(), "note.txt");
  EXPECT_EQ(seen.start.attachments(1).size(), small.size());
  // The bundle's own list describes exactly the files that follow.
  ASSERT_EQ(seen.start.bundle().attachments_size(), 2);
  EXPECT_EQ(seen.start.bundle().attachments(0).name(), "scan.pdf");
  EXPECT_EQ(seen.start.bundle().attachments(0).size_bytes(), big.size());
  EXPECT_EQ(seen.start.bundle().attachments(1).name(), "note.txt");
  EXPECT_EQ(seen.attachment_bytes, big + small);
  EXPECT_LE(seen.largest_message, 1024u * 1024u);
  EXPECT_GE(seen.messages, 4u);  // 2 MiB + a bit, then 999 bytes
  EXPECT_EQ(node_.service().last_caller().bearer_token,
            std::optional<std::string>(kToken));
}

TEST_F(CliNodeTest, SubmitByCertificateSendsTheCertificateAndNoToken) {
  WriteBundle("bundle.json");
  node_.service().SetSubmitAnswer(grpc::Status::OK, Accepted());
  CommandResult r = Run({"submit", "--bundle", "bundle.json", "--to",
                         "birmingham-cs", "--idempotency-key", "k"},
                        ByCert());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(std::string("transfer id  ") + kTransferId));
  const SeenCaller caller = node_.service().last_caller();
  EXPECT_EQ(caller.bearer_token, std::nullopt);
  ASSERT_TRUE(caller.cert_sha256.has_value());
  const std::string fingerprints =
      ReadTestFile(DemoCertsDir() + "/fingerprints.txt");
  EXPECT_THAT(fingerprints,
              HasSubstr("case-system " + *caller.cert_sha256 + "\n"));
}

TEST_F(CliNodeTest, SubmitSaysDuplicateWhenTheKeyWasSeen) {
  WriteBundle("bundle.json");
  node_.service().SetSubmitAnswer(grpc::Status::OK, Accepted(true));
  CommandResult r = Run({"submit", "--bundle", "bundle.json", "--to",
                         "birmingham-cs", "--idempotency-key", "k"},
                        ByToken());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("duplicate    yes"));
}

TEST_F(CliNodeTest, SubmitNamesAnAttachmentWithFileColonName) {
  WriteBundle("bundle.json");
  WriteFile("IMG_0001.jpg", "jpeg bytes");
  node_.service().SetSubmitAnswer(grpc::Status::OK, Accepted());
  CommandResult r = Run({"submit", "--bundle", "bundle.json", "--to",
                         "birmingham-cs", "--idempotency-key", "k", "--attach",
                         "IMG_0001.jpg:photo.jpg", "--ttl", "12h"},
                        ByToken());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const SeenSubmit seen = node_.service().last_submit();
  ASSERT_EQ(seen.start.attachments_size(), 1);
  EXPECT_EQ(seen.start.attachments(0).name(), "photo.jpg");
  EXPECT_EQ(seen.start.attachments(0).media_type(), "image/jpeg");
  EXPECT_EQ(seen.start.time_to_live_seconds(), 12u * 3600u);
  EXPECT_EQ(seen.attachment_bytes, "jpeg bytes");
}

TEST_F(CliNodeTest, SubmitOutsideTheRoleIsOnePlainLine) {
  WriteBundle("bundle.json");
  node_.service().SetSubmitAnswer(
      grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                   "SubmitTransfer needs the role submitter; client "
                   "'records-reader' has the role receiver"),
      {});
  CommandResult r = Run({"submit", "--bundle", "bundle.json", "--to",
                         "birmingham-cs", "--idempotency-key", "k"},
                        ByToken());
  ExpectOneErrorLine(r, 1,
                     "handover submit: this client's role may not call "
                     "SubmitTransfer: SubmitTransfer needs the role "
                     "submitter;");
}

TEST_F(CliNodeTest, SubmitRefusedForAnotherReasonSaysSo) {
  WriteBundle("bundle.json");
  node_.service().SetSubmitAnswer(
      grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                   "recipient agency birmingham-cs is revoked"),
      {});
  CommandResult r = Run({"submit", "--bundle", "bundle.json", "--to",
                         "birmingham-cs", "--idempotency-key", "k"},
                        ByToken());
  ExpectOneErrorLine(r, 1,
                     "handover submit: SubmitTransfer was refused: recipient "
                     "agency birmingham-cs is revoked\n");
}

TEST_F(CliNodeTest, SubmitChecksTheBundleBeforeSendingAnything) {
  WriteFile("bundle.json", "{\"metadata\": ");
  CommandResult r = Run({"submit", "--bundle", "bundle.json", "--to",
                         "birmingham-cs", "--idempotency-key", "k"},
                        ByToken());
  ExpectOneErrorLine(r, 1, "handover submit: bundle.json");
  EXPECT_EQ(node_.service().last_submit().start.idempotency_key(), "");
}

TEST_F(CliNodeTest, SubmitNamesAMissingAttachment) {
  WriteBundle("bundle.json");
  CommandResult r =
      Run({"submit", "--bundle", "bundle.json", "--to", "birmingham-cs",
           "--idempotency-key", "k", "--attach", "missing.pdf"},
          ByToken());
  ExpectOneErrorLine(r, 1, "handover submit: missing.pdf: ");
  EXPECT_EQ(node_.service().last_submit().start.idempotency_key(), "");
}

TEST_F(CliNodeTest, SubmitRefusesAFileTheBundleListsButIsNotAttached) {
  nlohmann::json bundle = WriteBundle("bundle.json");
  bundle["attachments"] = {{{"name", "photo.jpg"}, {"label", "photo"}}};
  WriteFile("bundle.json", bundle.dump());
  CommandResult r = Run({"submit", "--bundle", "bundle.json", "--to",
                         "birmingham-cs", "--idempotency-key", "k"},
                        ByToken());
  ExpectOneErrorLine(r, 1,
                     "handover submit: bundle.json lists 1 attachment(s) "
                     "with no matching --attach file\n");
}

// ---- inbox ---------------------------------------------------------------

v1::InboxEntry Entry(const std::string& id, const std::string& sender) {
  v1::InboxEntry e;
  e.set_transfer_id(id);
  e.set_sender_id(sender);
  e.mutable_created_at()->set_seconds(1780000000);
  e.mutable_received_at()->set_seconds(1780000060);
  e.mutable_expires_at()->set_seconds(1780432000);
  e.set_content_type("application/vnd.handover.case-bundle.v1");
  e.set_envelope_size(1238768);
  e.set_fetch_count(1);
  return e;
}

std::vector<v1::ListInboxResponse> TwoPages() {
  v1::ListInboxResponse first, second;
  *first.add_entries() =
      Entry("11111111111111111111111111111111", "stockport-cs");
  *first.add_entries() =
      Entry("22222222222222222222222222222222", "stockport-health");
  first.set_next_page_token("p1");
  *second.add_entries() =
      Entry("33333333333333333333333333333333", "greater-manchester-police");
  return {first, second};
}

TEST_F(CliNodeTest, InboxShowsOnePageAsATableWithTheNextToken) {
  node_.service().SetInboxPages(TwoPages());
  CommandResult r = Run({"inbox", "--page-size", "2"}, ByToken());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("TRANSFER ID"));
  EXPECT_THAT(r.out,
              HasSubstr("11111111111111111111111111111111  stockport-cs"));
  EXPECT_THAT(r.out, HasSubstr("2026-05-28T20:27:40Z"));  // received
  EXPECT_THAT(r.out, HasSubstr("1.2 MiB"));
  EXPECT_THAT(r.out, Not(HasSubstr("33333333333333333333333333333333")));
  EXPECT_THAT(r.out, HasSubstr("more: --page-token p1\n"));
  const auto requests = node_.service().inbox_requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].page_size(), 2u);
}

TEST_F(CliNodeTest, InboxAllFollowsEveryPage) {
  node_.service().SetInboxPages(TwoPages());
  CommandResult r = Run({"inbox", "--all", "--format", "json"}, ByToken());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json out = nlohmann::json::parse(r.out);
  ASSERT_EQ(out["entries"].size(), 3u);
  EXPECT_EQ(out["entries"][2]["sender_id"], "greater-manchester-police");
  EXPECT_EQ(out["entries"][0]["envelope_bytes"], 1238768);
  EXPECT_EQ(out["entries"][0]["received_at"], "2026-05-28T20:27:40Z");
  EXPECT_EQ(out["next_page_token"], "");
  const auto requests = node_.service().inbox_requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].page_token(), "");
  EXPECT_EQ(requests[1].page_token(), "p1");
}

TEST_F(CliNodeTest, InboxContinuesFromAPageToken) {
  node_.service().SetInboxPages(TwoPages());
  CommandResult r =
      Run({"inbox", "--page-token", "p1", "--format", "json"}, ByToken());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["entries"].size(), 1u);
}

TEST_F(CliNodeTest, EmptyInboxSaysSo) {
  node_.service().SetInboxPages({v1::ListInboxResponse()});
  CommandResult r = Run({"inbox"}, ByToken());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "the inbox is empty\n");
}

TEST_F(CliNodeTest, InboxBadPageTokenIsOneLine) {
  node_.service().SetInboxPages(TwoPages());
  CommandResult r = Run({"inbox", "--page-token", "p9"}, ByToken());
  ExpectOneErrorLine(r, 1,
                     "handover inbox: the node rejected the ListInbox "
                     "request: page_token is not a token we issued\n");
}

// ---- fetch ---------------------------------------------------------------

v1::FetchTransferResponse Header(
    const std::vector<std::pair<std::string, uint64_t>>& attachments) {
  v1::FetchTransferResponse m;
  v1::FetchHeader* h = m.mutable_header();
  h->set_transfer_id(kTransferId);
  h->set_sender_id("stockport-cs");
  h->mutable_created_at()->set_seconds(1780000000);
  h->mutable_bundle()->mutable_metadata()->set_schema_version(1);
  h->mutable_bundle()->mutable_metadata()->set_sender_reference("REF-1");
  for (const auto& [name, size] : attachments) {
    v1::FetchedAttachment* a = h->add_attachments();
    a->set_name(name);
    a->set_media_type("application/octet-stream");
    a->set_size(size);
  }
  return m;
}

v1::FetchTransferResponse Data(const std::string& bytes) {
  v1::FetchTransferResponse m;
  m.mutable_attachment_data()->set_data(bytes);
  return m;
}

v1::FetchTransferResponse End() {
  v1::FetchTransferResponse m;
  m.mutable_end();
  return m;
}

TEST_F(CliNodeTest, FetchWritesTheBundleAndAttachments) {
  const std::string a = PatternBytes(3000, 3);
  const std::string c = PatternBytes(5000, 4);
  // Pieces that straddle attachment boundaries, and an empty attachment.
  node_.service().SetFetchAnswer(
      {Header({{"a.bin", a.size()}, {"empty.txt", 0}, {"c.bin", c.size()}}),
       Data(a.substr(0, 1000)), Data(a.substr(1000) + c.substr(0, 10)),
       Data(c.substr(10)), End()},
      grpc::Status::OK);
  CommandResult r = Run({"fetch", kTransferId, "--out", "received"}, ByToken());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(node_.service().last_fetch_id(), kTransferId);
  EXPECT_THAT(r.out, HasSubstr(std::string("fetched      ") + kTransferId));
  EXPECT_THAT(r.out, HasSubstr("from         stockport-cs"));
  EXPECT_THAT(r.out, HasSubstr("bundle       received/bundle.json"));
  EXPECT_EQ(ReadFile("received/attachments/a.bin"), a);
  EXPECT_EQ(ReadFile("received/attachments/empty.txt"), "");
  EXPECT_EQ(ReadFile("received/attachments/c.bin"), c);
  EXPECT_EQ(ModeOf("received/attachments/a.bin"), 0600);
  EXPECT_EQ(ModeOf("received/bundle.json"), 0600);
  EXPECT_EQ(ModeOf("received"), 0700);
  nlohmann::json bundle =
      nlohmann::json::parse(ReadFile("received/bundle.json"));
  EXPECT_EQ(bundle["metadata"]["sender_reference"], "REF-1");
  EXPECT_THAT(List(), ElementsAre("received", "token"));
}

TEST_F(CliNodeTest, FetchAsJsonListsWhatWasWritten) {
  node_.service().SetFetchAnswer({Header({{"x.txt", 2}}), Data("hi"), End()},
                                 grpc::Status::OK);
  CommandResult r = Run(
      {"fetch", kTransferId, "--out", "out", "--format", "json"}, ByToken());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json out = nlohmann::json::parse(r.out);
  EXPECT_EQ(out["transfer_id"], kTransferId);
  EXPECT_EQ(out["sender_id"], "stockport-cs");
  EXPECT_EQ(out["out"], "out");
  EXPECT_EQ(out["bundle_file"], "out/bundle.json");
  EXPECT_EQ(out["attachments"][0]["name"], "x.txt");
  EXPECT_EQ(out["attachments"][0]["size_bytes"], 2);
}

TEST_F(CliNodeTest, FetchWithoutFetchEndLeavesNothing) {
  node_.service().SetFetchAnswer({Header({{"x.txt", 2}}), Data("hi")},
                                 grpc::Status::OK);
  CommandResult r = Run({"fetch", kTransferId, "--out", "received"}, ByToken());
  ExpectOneErrorLine(r, 1,
                     "handover fetch: the node ended FetchTransfer "
                     "without FetchEnd; nothing was written\n");
  EXPECT_THAT(List(), ElementsAre("token"));
}

TEST_F(CliNodeTest, FetchThatFailsVerificationLeavesNothing) {
  node_.service().SetFetchAnswer(
      {Header({{"x.bin", 4000}}), Data(std::string(3000, 'x'))},
      grpc::Status(grpc::StatusCode::DATA_LOSS,
                   "chunk 3 fails authentication"));
  CommandResult r = Run({"fetch", kTransferId, "--out", "received"}, ByToken());
  ExpectOneErrorLine(r, 1,
                     "handover fetch: the transfer's data did not verify: "
                     "chunk 3 fails authentication\n");
  EXPECT_THAT(List(), ElementsAre("token"));
}

TEST_F(CliNodeTest, FetchRefusesAnUnsafeAttachmentName) {
  node_.service().SetFetchAnswer(
      {Header({{"../escaped", 2}}), Data("hi"), End()}, grpc::Status::OK);
  CommandResult r = Run({"fetch", kTransferId, "--out", "received"}, ByToken());
  ExpectOneErrorLine(r, 1,
                     "handover fetch: the node's FetchTransfer stream is "
                     "broken: attachment 0 has an unsafe name\n");
  EXPECT_THAT(r.err, Not(HasSubstr("escaped")));
  EXPECT_THAT(List(), ElementsAre("token"));
}

TEST_F(CliNodeTest, FetchRefusesMoreBytesThanDeclared) {
  node_.service().SetFetchAnswer({Header({{"x.txt", 2}}), Data("hi!"), End()},
                                 grpc::Status::OK);
  CommandResult r = Run({"fetch", kTransferId, "--out", "received"}, ByToken());
  ExpectOneErrorLine(r, 1,
                     "handover fetch: the node's FetchTransfer stream is "
                     "broken: more attachment bytes than the header "
                     "declared\n");
  EXPECT_THAT(List(), ElementsAre("token"));
}

TEST_F(CliNodeTest, FetchRefusesAnOutputDirectoryThatIsNotEmpty) {
  WriteFile("received", "a file");
  CommandResult r = Run({"fetch", kTransferId, "--out", "received"}, ByToken());
  ExpectOneErrorLine(r, 1,
                     "handover fetch: received already exists and is not an "
                     "empty directory\n");
  EXPECT_EQ(node_.service().last_fetch_id(), "");
  EXPECT_EQ(ReadFile("received"), "a file");
}

TEST_F(CliNodeTest, FetchOfAnUnknownTransferIsNotFound) {
  node_.service().SetFetchAnswer(
      {}, grpc::Status(grpc::StatusCode::NOT_FOUND,
                       "no transfer 0123456789abcdef0123456789abcdef in the "
                       "inbox"));
  CommandResult r = Run({"fetch", kTransferId, "--out", "received"}, ByToken());
  ExpectOneErrorLine(r, 1, "handover fetch: not found: no transfer ");
  EXPECT_THAT(List(), ElementsAre("token"));
}

// ---- status --------------------------------------------------------------

v1::TransferStatusResponse StatusIn(v1::DeliveryState state,
                                    const std::string& reason = "") {
  v1::TransferStatusResponse s;
  s.set_transfer_id(kTransferId);
  s.set_state(state);
  s.mutable_created_at()->set_seconds(1780000000);
  s.mutable_expires_at()->set_seconds(1780432000);
  s.set_envelope_size(4096);
  v1::RecipientStatus* r = s.add_recipients();
  r->set_agency_id("birmingham-cs");
  r->set_state(state);
  r->set_reason(reason);
  r->mutable_updated_at()->set_seconds(1780000030);
  if (state == v1::DELIVERY_STATE_DELIVERED) {
    v1::Notice notice;
    notice.set_signer_id("birmingham-cs");
    notice.set_addressee_id("stockport-cs");
    notice.mutable_issued_at()->set_seconds(1780000029);
    notice.mutable_receipt()->set_ciphertext_hash(std::string(32, '\x01'));
    notice.mutable_receipt()->mutable_stored_at()->set_seconds(1780000028);
    r->mutable_receipt()->set_notice(notice.SerializeAsString());
    r->mutable_receipt()->set_signature(std::string(64, 's'));
    r->mutable_receipt()->set_signer_key_id(std::string(16, '\xab'));
  }
  return s;
}

TEST_F(CliNodeTest, StatusShowsEachRecipientAndTheSignedReceipt) {
  node_.service().SetStatusAnswers({StatusIn(v1::DELIVERY_STATE_DELIVERED)});
  CommandResult r = Run({"status", kTransferId}, ByCert());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("state          delivered\n"));
  EXPECT_THAT(r.out, HasSubstr("recipients     birmingham-cs: delivered at "
                               "2026-05-28T20:27:10Z\n"));
  EXPECT_THAT(r.out, HasSubstr("receipt signed by birmingham-cs (key "
                               "abababababababababababababababab) at "
                               "2026-05-28T20:27:09Z"));
}

TEST_F(CliNodeTest, StatusAsJsonCarriesTheReceipt) {
  node_.service().SetStatusAnswers({StatusIn(v1::DELIVERY_STATE_DELIVERED)});
  CommandResult r = Run({"status", kTransferId, "--format", "json"}, ByCert());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json out = nlohmann::json::parse(r.out);
  EXPECT_EQ(out["state"], "delivered");
  EXPECT_EQ(out["envelope_bytes"], 4096);
  const nlohmann::json& rec = out["recipients"][0];
  EXPECT_EQ(rec["agency_id"], "birmingham-cs");
  EXPECT_EQ(rec["receipt"]["signer_id"], "birmingham-cs");
  std::string hash_hex;
  for (int i = 0; i < 32; ++i) hash_hex += "01";
  EXPECT_EQ(rec["receipt"]["ciphertext_sha256"], hash_hex);
  EXPECT_EQ(rec["receipt"]["signer_key_id"],
            "abababababababababababababababab");
  EXPECT_EQ(rec["receipt"]["stored_at"], "2026-05-28T20:27:08Z");
  EXPECT_TRUE(rec["report"].is_null());
}

TEST_F(CliNodeTest, StatusWaitAsksAgainUntilDelivered) {
  node_.service().SetStatusAnswers({StatusIn(v1::DELIVERY_STATE_QUEUED),
                                    StatusIn(v1::DELIVERY_STATE_AT_ROUTER),
                                    StatusIn(v1::DELIVERY_STATE_DELIVERED)});
  CommandResult r = Run({"status", kTransferId, "--wait", "delivered",
                         "--timeout", "30s", "--format", "json"},
                        ByCert());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["state"], "delivered");
  EXPECT_EQ(node_.service().status_calls(), 3);
}

TEST_F(CliNodeTest, StatusWaitForAtRouterIsMetByDelivered) {
  node_.service().SetStatusAnswers({StatusIn(v1::DELIVERY_STATE_DELIVERED)});
  CommandResult r =
      Run({"status", kTransferId, "--wait", "at-router"}, ByCert());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(node_.service().status_calls(), 1);
}

TEST_F(CliNodeTest, StatusWaitStopsWhenTheTransferFails) {
  node_.service().SetStatusAnswers(
      {StatusIn(v1::DELIVERY_STATE_AT_ROUTER),
       StatusIn(v1::DELIVERY_STATE_FAILED, "recipient revoked")});
  CommandResult r =
      Run({"status", kTransferId, "--wait", "delivered"}, ByCert());
  ExpectOneErrorLine(
      r, 1,
      std::string("handover status: transfer ") + kTransferId +
          " will not be delivered: birmingham-cs is failed (recipient "
          "revoked)\n");
}

TEST_F(CliNodeTest, StatusWaitGivesUpAfterTheTimeout) {
  node_.service().SetStatusAnswers({StatusIn(v1::DELIVERY_STATE_QUEUED)});
  CommandResult r =
      Run({"status", kTransferId, "--wait", "delivered", "--timeout", "1s"},
          ByCert());
  ExpectOneErrorLine(r, 1,
                     std::string("handover status: transfer ") + kTransferId +
                         " did not become delivered within 1s (it is "
                         "queued)\n");
  EXPECT_GE(node_.service().status_calls(), 2);
}

TEST_F(CliNodeTest, StatusWithAnUnknownTokenIsOneLine) {
  node_.service().SetStatusError(
      grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "unknown bearer token"));
  CommandResult r = Run({"status", kTransferId}, ByToken());
  ExpectOneErrorLine(r, 1,
                     "handover status: the node at " + node_.address() +
                         " does not accept this client's certificate or "
                         "token: unknown bearer token\n");
}

// ---- info ----------------------------------------------------------------

v1::NodeInfo Info(bool connected, uint64_t directory_version) {
  v1::NodeInfo info;
  info.set_agency_id("stockport-cs");
  info.set_directory_version(directory_version);
  info.set_router_connected(connected);
  info.set_outbox_queued(2);
  info.set_inbox_count(5);
  info.set_version("0.1.0");
  return info;
}

TEST_F(CliNodeTest, InfoShowsHowTheNodeIsDoing) {
  node_.service().SetInfoAnswers({Info(true, 3)});
  CommandResult r = Run({"info"}, ByToken());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("agency     stockport-cs\n"));
  EXPECT_THAT(r.out, HasSubstr("directory  version 3\n"));
  EXPECT_THAT(r.out, HasSubstr("router     connected\n"));
  EXPECT_THAT(r.out, HasSubstr("outbox     2 recipient(s) queued\n"));
  EXPECT_THAT(r.out, HasSubstr("log        0 entries\n"));
  EXPECT_THAT(r.out, HasSubstr("ready      yes\n"));
}

TEST_F(CliNodeTest, InfoSaysWhenTheDeliveryLogMissedEvents) {
  v1::NodeInfo info = Info(true, 3);
  info.set_log_size(120);
  info.set_log_failures(2);
  node_.service().SetInfoAnswers({info, info});
  CommandResult r = Run({"info"}, ByToken());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("log        120 entries; 2 event(s) NOT "
                               "recorded, see the node's own log\n"));
  CommandResult json = Run({"info", "--format", "json"}, ByToken());
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(nlohmann::json::parse(json.out)["log_failures"], 2);
}

TEST_F(CliNodeTest, InfoWaitReadyAsksUntilConnectedWithADirectory) {
  node_.service().SetInfoAnswers(
      {Info(false, 0), Info(true, 0), Info(true, 1)});
  CommandResult r =
      Run({"info", "--wait-ready", "--format", "json"}, ByToken());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json out = nlohmann::json::parse(r.out);
  EXPECT_EQ(out["ready"], true);
  EXPECT_EQ(out["directory_version"], 1);
  EXPECT_EQ(node_.service().info_calls(), 3);
}

TEST_F(CliNodeTest, InfoWaitReadyGivesUp) {
  node_.service().SetInfoAnswers({Info(false, 1)});
  CommandResult r = Run({"info", "--wait-ready", "--timeout", "1s"}, ByToken());
  ExpectOneErrorLine(r, 1,
                     "handover info: the node at " + node_.address() +
                         " was not ready within 1s (router not connected, "
                         "directory version 1)\n");
}

TEST_F(CliNodeTest, InfoOutsideTheRoleIsOneLine) {
  CommandResult r = Run({"info", "--wait-ready"}, ByToken());
  ExpectOneErrorLine(r, 1,
                     "handover info: this client's role may not call "
                     "GetNodeInfo: GetNodeInfo needs the role admin;");
  EXPECT_EQ(node_.service().info_calls(), 1);
}

// ---- connection ----------------------------------------------------------

TEST_F(CliNodeTest, AnUnreachableNodeIsOneLine) {
  CommandResult r = Handover({"inbox", "--node", "127.0.0.1:1", "--ca", Ca(),
                              "--token-file", "token"});
  ExpectOneErrorLine(r, 1,
                     "handover inbox: cannot reach the node at 127.0.0.1:1");
}

TEST_F(CliNodeTest, ANodeCertificateFromAnotherCaIsOneLine) {
  // gRPC's own handshake log must not add a second line.
  CommandResult made = RunMakeDemoCerts({Path("other")});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  CommandResult r = Handover({"inbox", "--node", node_.address(), "--ca",
                              "other/ca.pem", "--token-file", "token"});
  ExpectOneErrorLine(
      r, 1,
      "handover inbox: cannot reach the node at " + node_.address() + ": ");
  EXPECT_THAT(r.err, HasSubstr("certificate verify failed"));
  EXPECT_TRUE(node_.service().inbox_requests().empty());
}

TEST_F(CliNodeTest, EnvironmentSuppliesNodeCaAndTokenFile) {
  node_.service().SetInboxPages({v1::ListInboxResponse()});
  setenv("HANDOVER_NODE", node_.address().c_str(), 1);
  setenv("HANDOVER_CA", Ca().c_str(), 1);
  setenv("HANDOVER_TOKEN_FILE", "token", 1);
  CommandResult r = Handover({"inbox"});
  unsetenv("HANDOVER_NODE");
  unsetenv("HANDOVER_CA");
  unsetenv("HANDOVER_TOKEN_FILE");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(node_.service().last_caller().bearer_token,
            std::optional<std::string>(kToken));
}

TEST_F(CliNodeTest, ATokenFileReadableByOthersIsRefused) {
  WriteTestFile(Path("open.token"), kToken, 0644);
  CommandResult r = Handover({"inbox", "--node", node_.address(), "--ca", Ca(),
                              "--token-file", "open.token"});
  ExpectOneErrorLine(r, 1, "handover inbox: open.token has mode 0644");
  EXPECT_TRUE(node_.service().inbox_requests().empty());
}

TEST_F(CliNodeTest, AnEmptyTokenFileIsRefused) {
  WriteTestFile(Path("empty.token"), "\n", 0600);
  CommandResult r = Handover({"inbox", "--node", node_.address(), "--ca", Ca(),
                              "--token-file", "empty.token"});
  ExpectOneErrorLine(r, 1, "handover inbox: empty.token holds no token\n");
}

TEST_F(CliNodeTest, AClientKeyReadableByOthersIsRefused) {
  CopyTestFile(DemoCertsDir() + "/case-system.key", Path("open.key"), 0644);
  CommandResult r =
      Handover({"inbox", "--node", node_.address(), "--ca", Ca(), "--cert",
                DemoCertsDir() + "/case-system.pem", "--key", "open.key"});
  ExpectOneErrorLine(r, 1, "handover inbox: open.key has mode 0644");
}

// ---- recalls --------------------------------------------------------------

v1::ListRecalledTransfersResponse OneRecall() {
  v1::ListRecalledTransfersResponse r;
  v1::RecalledTransfer* t = r.add_transfers();
  t->set_transfer_id("11111111111111111111111111111111");
  t->set_sender_id("stockport-cs");
  t->set_signing_key_id("0123456789abcdef0123456789abcdef");
  t->mutable_signed_at()->set_seconds(1780000000);
  t->mutable_accepted_at()->set_seconds(1780000060);
  t->set_fetch_count(2);
  t->set_acknowledged(false);
  t->mutable_recall()->mutable_flagged_at()->set_seconds(1780000120);
  t->mutable_recall()->set_reason(
      "signing key 0123456789abcdef0123456789abcdef compromised since "
      "2026-05-28T20:00:00Z, (directory version 8)");
  t->mutable_recall()->set_directory_version(8);
  return r;
}

TEST_F(CliNodeTest, RecallsListsWhatToReverifyAsATable) {
  node_.service().SetRecallsAnswer(OneRecall());
  CommandResult r = Run({"recalls"}, ByToken());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("TRANSFER"));
  EXPECT_THAT(r.out, HasSubstr("11111111111111111111111111111111  "
                               "stockport-cs  "
                               "0123456789abcdef0123456789abcdef  "
                               "2026-05-28T20:26:40Z  2026-05-28T20:27:40Z  "
                               "yes      no            2026-05-28T20:28:40Z"));
}

TEST_F(CliNodeTest, RecallsAsCsvQuotesTheReason) {
  node_.service().SetRecallsAnswer(OneRecall());
  CommandResult r = Run({"recalls", "--format", "csv"}, ByToken());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "transfer_id,sender_id,signing_key_id,signed_at,accepted_at,"
            "fetched,acknowledged,flagged_at,reason\n"
            "11111111111111111111111111111111,stockport-cs,"
            "0123456789abcdef0123456789abcdef,2026-05-28T20:26:40Z,"
            "2026-05-28T20:27:40Z,yes,no,2026-05-28T20:28:40Z,"
            "\"signing key 0123456789abcdef0123456789abcdef compromised since "
            "2026-05-28T20:00:00Z, (directory version 8)\"\n");
}

TEST_F(CliNodeTest, RecallsAsJsonAndWhenThereAreNone) {
  node_.service().SetRecallsAnswer(OneRecall());
  CommandResult j = Run({"recalls", "--format", "json"}, ByToken());
  ASSERT_EQ(j.exit_code, 0) << j.err;
  nlohmann::json parsed = nlohmann::json::parse(j.out);
  ASSERT_EQ(parsed["transfers"].size(), 1u);
  EXPECT_EQ(parsed["transfers"][0]["directory_version"], 8);
  EXPECT_EQ(parsed["transfers"][0]["acknowledged"], false);
  node_.service().SetRecallsAnswer({});
  CommandResult none = Run({"recalls"}, ByToken());
  ASSERT_EQ(none.exit_code, 0) << none.err;
  EXPECT_EQ(none.out, "nothing recalled\n");
  CommandResult bad = Run({"recalls", "--format", "xml"}, ByToken());
  EXPECT_EQ(bad.exit_code, 2);
}

TEST_F(CliNodeTest, InboxWarnsAboutRecalledTransfers) {
  v1::ListInboxResponse page;
  *page.add_entries() =
      Entry("11111111111111111111111111111111", "stockport-cs");
  *page.add_entries() =
      Entry("22222222222222222222222222222222", "stockport-health");
  page.mutable_entries(0)->mutable_recall()->set_reason("signing key x");
  node_.service().SetInboxPages({page});
  CommandResult r = Run({"inbox"}, ByToken());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("WARNING: 1 transfer was signed by a "
                               "compromised key"));
  EXPECT_THAT(r.out, HasSubstr("RECALLED"));
}

}  // namespace
}  // namespace handover::testing

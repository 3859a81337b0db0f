// `handover seal`, `open` and `inspect` end to end: a transfer from
// Stockport children's services to Birmingham children's services and
// Birmingham's health team, with a West Midlands Police key that was not
// addressed.
#include <time.h>

#include <chrono>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "cli_fixture.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace handover::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;
using Json = nlohmann::json;

constexpr char kSender[] = "stockport-cs";
constexpr char kSocialCare[] = "birmingham-cs";
constexpr char kHealth[] = "birmingham-health";
constexpr char kPolice[] = "west-midlands-police";

class CliTransferTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    for (const char* agency : {kSender, kSocialCare, kHealth, kPolice}) {
      CommandResult r = Handover({"keygen", "--agency", agency, "--out",
                                  KeyDir(agency), "--format", "json"});
      ASSERT_EQ(r.exit_code, 0) << r.err;
      keys_[agency] = Json::parse(r.out);
    }
    bundle_ = WriteBundle("bundle.json");
    photo_ = PatternBytes(3000, 1);
    plan_ = PatternBytes(300 * 1024 + 17, 2);  // several 64 KiB chunks
    WriteFile("photo.jpg", photo_);
    WriteFile("care-plan.pdf", plan_);
  }

  CommandResult Seal(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"seal",
                                     "--key",
                                     KeyDir(kSender),
                                     "--to",
                                     PublicKey(kSocialCare),
                                     PublicKey(kHealth),
                                     "--in",
                                     "bundle.json",
                                     "--attach",
                                     "photo.jpg",
                                     "care-plan.pdf",
                                     "--out",
                                     "transfer.hov"};
    args.insert(args.end(), extra.begin(), extra.end());
    return Handover(args);
  }

  // Seals with JSON output and returns the parsed summary.
  Json SealOk() {
    CommandResult r = Seal({"--format", "json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err, "");
    return r.exit_code == 0 ? Json::parse(r.out) : Json();
  }

  CommandResult Open(const std::string& agency, const std::string& out,
                     const std::string& sender = kSender) {
    return Handover({"open", "--key", KeyDir(agency), "--sender",
                     PublicKey(sender), "--in", "transfer.hov", "--out", out});
  }

  void ExpectNoCaseContent(const CommandResult& r) {
    for (const char* s : {"Zephyrine", "Testcase", "2008-02-29", "REF-0001"}) {
      EXPECT_THAT(r.out, Not(HasSubstr(s)));
      EXPECT_THAT(r.err, Not(HasSubstr(s)));
    }
  }

  std::map<std::string, Json> keys_;
  Json bundle_;
  std::string photo_;
  std::string plan_;
};

TEST_F(CliTransferTest, SealSummaryListsRecipientsAndSizes) {
  Json s = SealOk();
  ASSERT_FALSE(s.is_null());
  EXPECT_THAT(s["transfer_id"].get<std::string>(),
              MatchesRegex("[0-9a-f]{32}"));
  EXPECT_EQ(s["file"], "transfer.hov");
  EXPECT_EQ(s["sender"]["agency_id"], kSender);
  EXPECT_EQ(s["sender"]["key_id"], keys_[kSender]["signing_key_id"]);
  ASSERT_EQ(s["recipients"].size(), 2u);
  EXPECT_EQ(s["recipients"][0]["agency_id"], kSocialCare);
  EXPECT_EQ(s["recipients"][0]["key_id"],
            keys_[kSocialCare]["encryption_key_id"]);
  EXPECT_EQ(s["recipients"][1]["agency_id"], kHealth);
  EXPECT_EQ(s["attachments"][0]["name"], "photo.jpg");
  EXPECT_EQ(s["attachments"][0]["media_type"], "image/jpeg");
  EXPECT_EQ(s["attachments"][0]["size_bytes"], photo_.size());
  EXPECT_EQ(s["attachments"][1]["name"], "care-plan.pdf");
  EXPECT_EQ(s["attachments"][1]["size_bytes"], plan_.size());
  EXPECT_GT(s["plaintext_bytes"].get<uint64_t>(), photo_.size() + plan_.size());
  EXPECT_EQ(s["file_bytes"].get<uint64_t>(), ReadFile("transfer.hov").size());
}

TEST_F(CliTransferTest, SealTextSummaryShowsNoCaseContent) {
  CommandResult r = Seal();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("sealed           transfer.hov\n"));
  EXPECT_THAT(r.out, HasSubstr("recipients       birmingham-cs (key "));
  EXPECT_THAT(r.out, HasSubstr("\n                 birmingham-health (key "));
  ExpectNoCaseContent(r);
}

TEST_F(CliTransferTest, EachRecipientOpensTheSameBytes) {
  Json sealed = SealOk();
  for (const char* agency : {kSocialCare, kHealth}) {
    SCOPED_TRACE(agency);
    const std::string out = std::string("in-") + agency;
    CommandResult r = Open(agency, out);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err, "");
    EXPECT_THAT(r.out, HasSubstr("transfer id      " +
                                 sealed["transfer_id"].get<std::string>()));
    EXPECT_THAT(r.out, HasSubstr("sender           stockport-cs (key "));
    EXPECT_THAT(r.out,
                HasSubstr("photo.jpg, image/jpeg, 3000 bytes (2.9 KiB)"));
    ExpectNoCaseContent(r);
    EXPECT_THAT(List(out), ElementsAre("attachments", "bundle.json"));
    EXPECT_THAT(List(out + "/attachments"),
                ElementsAre("care-plan.pdf", "photo.jpg"));
    EXPECT_EQ(ReadFile(out + "/attachments/photo.jpg"), photo_);
    EXPECT_EQ(ReadFile(out + "/attachments/care-plan.pdf"), plan_);
    EXPECT_EQ(ModeOf(out + "/attachments/photo.jpg"), 0600);
    Json opened = Json::parse(ReadFile(out + "/bundle.json"));
    for (const char* part : {"metadata", "identity", "legal_status"}) {
      EXPECT_EQ(opened[part], bundle_[part]) << part;
    }
    ASSERT_EQ(opened["attachments"].size(), 2u);
    EXPECT_EQ(opened["attachments"][0]["name"], "photo.jpg");
    EXPECT_EQ(opened["attachments"][1]["name"], "care-plan.pdf");
    EXPECT_EQ(opened["attachments"][1]["media_type"], "application/pdf");
  }
}

TEST_F(CliTransferTest, OpenJsonSummaryListsAttachments) {
  SealOk();
  CommandResult r = Handover({"open", "--key", KeyDir(kHealth), "--sender",
                              PublicKey(kSender), "--in", "transfer.hov",
                              "--out", "got", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Json j = Json::parse(r.out);
  EXPECT_EQ(j["signature_verified"], true);
  EXPECT_EQ(j["sender"]["agency_id"], kSender);
  EXPECT_EQ(j["bundle_file"], "got/bundle.json");
  ASSERT_EQ(j["attachments"].size(), 2u);
  EXPECT_EQ(j["attachments"][1]["name"], "care-plan.pdf");
  EXPECT_EQ(j["attachments"][1]["size_bytes"], plan_.size());
}

TEST_F(CliTransferTest, NonRecipientCannotOpen) {
  SealOk();
  const auto before = List();
  CommandResult r = Open(kPolice, "police");
  ExpectOneErrorLine(r, 1, "handover open: transfer.hov: ");
  EXPECT_THAT(r.err, HasSubstr("recipient"));
  EXPECT_FALSE(Exists("police"));
  EXPECT_EQ(List(), before);
}

TEST_F(CliTransferTest, WrongSenderKeyFails) {
  SealOk();
  const auto before = List();
  CommandResult r = Open(kSocialCare, "out", kHealth);
  ExpectOneErrorLine(r, 1, "handover open: transfer.hov: ");
  EXPECT_FALSE(Exists("out"));
  EXPECT_EQ(List(), before);
}

TEST_F(CliTransferTest, TamperedCiphertextFailsAndLeavesNothing) {
  SealOk();
  FlipByteFromEnd("transfer.hov", 1000);  // inside the care plan's chunks
  const auto before = List();
  CommandResult r = Open(kSocialCare, "out");
  ExpectOneErrorLine(r, 1, "handover open: transfer.hov: ");
  EXPECT_FALSE(Exists("out"));
  EXPECT_EQ(List(), before);  // no staging directory left behind either
}

TEST_F(CliTransferTest, TruncatedEnvelopeFails) {
  SealOk();
  const std::string bytes = ReadFile("transfer.hov");
  WriteFile("transfer.hov", bytes.substr(0, bytes.size() - 10));
  CommandResult r = Open(kSocialCare, "out");
  ExpectOneErrorLine(r, 1, "handover open: transfer.hov: ");
  EXPECT_FALSE(Exists("out"));
}

TEST_F(CliTransferTest, ExpiredEnvelopeIsRefused) {
  ASSERT_EQ(Seal({"--ttl", "1s"}).exit_code, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  CommandResult r = Open(kSocialCare, "out");
  ExpectOneErrorLine(r, 1, "handover open: transfer.hov: envelope expired at ");
  EXPECT_FALSE(Exists("out"));
}

TEST_F(CliTransferTest, OpenRefusesANonEmptyOutputDirectory) {
  SealOk();
  WriteFile("keep.txt", "precious");
  CommandResult r = Open(kSocialCare, "keep.txt");
  ExpectOneErrorLine(r, 1, "handover open: keep.txt already exists");
  EXPECT_EQ(ReadFile("keep.txt"), "precious");
}

TEST_F(CliTransferTest, MissingInputsNameTheirPaths) {
  CommandResult seal =
      Handover({"seal", "--key", KeyDir(kSender), "--to", PublicKey(kHealth),
                "--in", "missing.json", "--out", "t.hov"});
  ExpectOneErrorLine(seal, 1, "handover seal: ");
  EXPECT_THAT(seal.err, HasSubstr("missing.json"));
  EXPECT_THAT(seal.err, HasSubstr("No such file or directory"));
  EXPECT_FALSE(Exists("t.hov"));

  CommandResult attach = Seal({"--attach", "absent.pdf"});
  ExpectOneErrorLine(attach, 1, "handover seal: absent.pdf: ");
  EXPECT_FALSE(Exists("transfer.hov"));

  CommandResult open =
      Handover({"open", "--key", KeyDir(kHealth), "--sender",
                PublicKey(kSender), "--in", "missing.hov", "--out", "o"});
  ExpectOneErrorLine(open, 1, "handover open: ");
  EXPECT_THAT(open.err, HasSubstr("missing.hov"));
  EXPECT_FALSE(Exists("o"));
}

TEST_F(CliTransferTest, MalformedBundleJsonFailsWithoutOutput) {
  WriteFile("bundle.json", R"({"identity": {"given_names": "A",}})");
  CommandResult r = Seal();
  ExpectOneErrorLine(r, 1, "handover seal: bundle.json");
  EXPECT_FALSE(Exists("transfer.hov"));
}

TEST_F(CliTransferTest, InvalidBundleFailsValidation) {
  Json bad = bundle_;
  bad["metadata"]["schema_version"] = 7;
  WriteFile("bundle.json", bad.dump());
  CommandResult r = Seal();
  ExpectOneErrorLine(r, 1, "handover seal: bundle.json");
  EXPECT_FALSE(Exists("transfer.hov"));
}

TEST_F(CliTransferTest, BundleListingAMissingAttachmentFails) {
  Json listed = bundle_;
  listed["attachments"] = {{{"name", "school-report.pdf"}, {"label", "edu"}}};
  WriteFile("bundle.json", listed.dump());
  CommandResult r = Seal();
  ExpectOneErrorLine(r, 1,
                     "handover seal: bundle.json lists 1 attachment(s) with "
                     "no matching --attach or --attach-as file\n");
  EXPECT_FALSE(Exists("transfer.hov"));
}

TEST_F(CliTransferTest, SealWillNotReplaceAnExistingFileUnlessForced) {
  WriteFile("transfer.hov", "older");
  CommandResult r = Seal();
  ExpectOneErrorLine(r, 1,
                     "handover seal: transfer.hov already exists; choose "
                     "another --out or add --force\n");
  EXPECT_EQ(ReadFile("transfer.hov"), "older");
  EXPECT_EQ(Seal({"--force"}).exit_code, 0);
  EXPECT_NE(ReadFile("transfer.hov"), "older");
}

TEST_F(CliTransferTest, AttachAsRenamesTheAttachment) {
  CommandResult r = Seal({"--attach-as", "plan-copy.pdf=care-plan.pdf"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(Open(kHealth, "out").exit_code, 0);
  EXPECT_EQ(ReadFile("out/attachments/plan-copy.pdf"), plan_);
}

TEST_F(CliTransferTest, RecipientGivenTwiceFails) {
  CommandResult r =
      Handover({"seal", "--key", KeyDir(kSender), "--to", PublicKey(kHealth),
                KeyDir(kHealth), "--in", "bundle.json", "--out", "t.hov"});
  ExpectOneErrorLine(r, 1,
                     "handover seal: keys/birmingham-health: agency "
                     "birmingham-health is already a recipient\n");
  EXPECT_FALSE(Exists("t.hov"));
}

TEST_F(CliTransferTest, TwoAttachmentsWithOneNameFail) {
  CommandResult r = Seal({"--attach-as", "photo.jpg=care-plan.pdf"});
  ExpectOneErrorLine(r, 1,
                     "handover seal: care-plan.pdf: another attachment "
                     "already has the name this one would get; rename one "
                     "with --attach-as NAME=FILE\n");
  EXPECT_FALSE(Exists("transfer.hov"));
}

TEST_F(CliTransferTest, UnlistedAttachmentsGetTheDefaultLabel) {
  SealOk();
  ASSERT_EQ(Open(kHealth, "out").exit_code, 0);
  Json opened = Json::parse(ReadFile("out/bundle.json"));
  EXPECT_EQ(opened["attachments"][0]["label"], "attachment");
  EXPECT_EQ(opened["attachments"][0]["media_type"], "image/jpeg");
}

// Removes what proto3 JSON leaves out: false, 0, "" and empty containers.
void DropDefaults(Json& j) {
  if (!j.is_object() && !j.is_array()) return;
  for (Json& child : j) DropDefaults(child);
  if (!j.is_object()) return;
  for (auto it = j.begin(); it != j.end();) {
    const Json& v = it.value();
    const bool empty = v == false || v == 0 || v == "" ||
                       ((v.is_array() || v.is_object()) && v.empty());
    it = empty ? j.erase(it) : std::next(it);
  }
}

// The documented example bundle, as scripts/demo and docs/CLI.md use it.
TEST_F(CliTransferTest, SampleBundleRoundTrips) {
  const std::string sample =
      std::string(HANDOVER_SOURCE_DIR) + "/docs/examples/child-bundle.json";
  CommandResult r =
      Handover({"seal", "--key", KeyDir(kSender), "--to",
                PublicKey(kSocialCare), "--in", sample, "--attach", "photo.jpg",
                "care-plan.pdf", "--out", "transfer.hov"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ExpectNoCaseContent(r);
  ASSERT_EQ(Open(kSocialCare, "out").exit_code, 0);
  std::ifstream in(sample);
  Json expected = Json::parse(in);
  Json opened = Json::parse(ReadFile("out/bundle.json"));
  ASSERT_EQ(opened["attachments"].size(), expected["attachments"].size());
  for (size_t i = 0; i < opened["attachments"].size(); ++i) {
    Json& want = expected["attachments"][i];
    Json& got = opened["attachments"][i];
    EXPECT_EQ(got["size_bytes"], i == 0 ? std::to_string(photo_.size())
                                        : std::to_string(plan_.size()));
    want.erase("size_bytes");
    got.erase("size_bytes");
  }
  DropDefaults(expected);
  for (const auto& [key, value] : expected.items()) {
    EXPECT_EQ(opened[key], value) << key;
  }
  EXPECT_EQ(opened.size(), expected.size());
  EXPECT_EQ(ReadFile("out/attachments/photo.jpg"), photo_);
}

int64_t ParseUtc(const std::string& iso) {
  struct tm tm = {};
  EXPECT_NE(strptime(iso.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm), nullptr) << iso;
  return timegm(&tm);
}

TEST_F(CliTransferTest, InspectJsonNeedsNoKey) {
  Json sealed = SealOk();
  ASSERT_EQ(Seal({"--ttl", "12h", "--force"}).exit_code, 0);
  CommandResult r = Handover({"inspect", "transfer.hov", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Json j = Json::parse(r.out);
  EXPECT_EQ(j["format_version"], 1);
  EXPECT_THAT(j["transfer_id"].get<std::string>(),
              MatchesRegex("[0-9a-f]{32}"));
  EXPECT_EQ(j["sender"]["agency_id"], kSender);
  EXPECT_EQ(j["sender"]["key_id"], keys_[kSender]["signing_key_id"]);
  ASSERT_EQ(j["recipients"].size(), 2u);
  EXPECT_EQ(j["recipients"][1]["agency_id"], kHealth);
  EXPECT_EQ(j["recipients"][1]["key_id"], keys_[kHealth]["encryption_key_id"]);
  EXPECT_EQ(j["content_type"], "application/vnd.handover.case-bundle.v1");
  EXPECT_EQ(j["chunk_size"], 65536);
  EXPECT_EQ(ParseUtc(j["expires_at"]) - ParseUtc(j["created_at"]), 12 * 3600);
  EXPECT_NEAR(ParseUtc(j["created_at"]), time(nullptr), 60);
  EXPECT_GT(j["plaintext_bytes"].get<uint64_t>(), plan_.size());
  EXPECT_GT(j["ciphertext_bytes"], j["plaintext_bytes"]);
}

TEST_F(CliTransferTest, InspectTextShowsSenderAndRecipients) {
  SealOk();
  CommandResult r = Handover({"inspect", "transfer.hov"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string sender_key = keys_[kSender]["signing_key_id"];
  const std::string health_key = keys_[kHealth]["encryption_key_id"];
  EXPECT_THAT(r.out, HasSubstr("format version   1\n"));
  EXPECT_THAT(r.out,
              HasSubstr("sender           stockport-cs (key " + sender_key));
  EXPECT_THAT(r.out, HasSubstr("birmingham-health (key " + health_key + ")"));
  EXPECT_THAT(r.out,
              MatchesRegex("(.|\n)*expires +[0-9-]{10}T[0-9:]{8}Z\n(.|\n)*"));
  ExpectNoCaseContent(r);
}

TEST_F(CliTransferTest, InspectRejectsANonEnvelope) {
  CommandResult r = Handover({"inspect", "bundle.json"});
  ExpectOneErrorLine(r, 1, "handover inspect: bundle.json: ");
}

}  // namespace
}  // namespace handover::testing

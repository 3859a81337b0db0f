// `handover log`: help and usage errors; offline verification of a real
// delivery log (a SQLite file and its export, made here with the daemon's
// own code) before and after an edit; and the online subcommands against
// the scripted node, with proofs built from real Merkle trees.
#include <stdlib.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "auditlog/merkle.h"
#include "cli/cli_fixture.h"
#include "cli/fake_node.h"
#include "crypto/identity.h"
#include "crypto/key_file.h"
#include "deliverylog/log_entry_codec.h"
#include "deliverylog/log_export.h"
#include "deliverylog/sqlite_delivery_log.h"
#include "deliverylog/tree_head.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "sqlite/sqlite_db.h"
#include "tls/test_certs.h"

namespace handover::testing {
namespace {

namespace v1 = handover::v1;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kTransferHex[] = "00112233445566778899aabbccddeeff";
constexpr char kToken[] = "demo-token-8f14e45fceea167a5a36dedd4bea2543";
constexpr int64_t kBase = 1780000000;  // 2026-05-28T20:26:40Z

std::string RawTransferId() {
  std::string id;
  for (int i = 0; i < 16; ++i) id.push_back(static_cast<char>(i * 0x11));
  return id;
}

std::string Hex(const std::string& bytes) { return crypto::ToHex(bytes); }

// A valid entry (deliverylog/log_entry_codec.h ValidateEntry).
v1::LogEntry Entry(uint64_t index, int64_t seconds, v1::LogEventKind event,
                   const std::string& detail) {
  v1::LogEntry e;
  e.set_index(index);
  e.mutable_time()->set_seconds(seconds);
  e.set_event(event);
  e.set_transfer_id(RawTransferId());
  e.set_sender("stockport-cs");
  e.set_recipient("birmingham-cs");
  e.set_view("police");
  e.set_size(1000 + index);
  e.set_envelope_hash(std::string(32, static_cast<char>(index)));
  e.set_actor("case-system");
  e.set_detail(detail);
  return e;
}

std::vector<std::string> Words(const std::string& text) {
  std::vector<std::string> words;
  for (size_t at = 0; at < text.size();) {
    const size_t space = std::min(text.find(' ', at), text.size());
    words.push_back(text.substr(at, space - at));
    at = space + 1;
  }
  return words;
}

// ---- help and usage ------------------------------------------------------

class CliLogHelpTest : public CliTest,
                       public ::testing::WithParamInterface<std::string> {};

TEST_P(CliLogHelpTest, PrintsUsageDescriptionAndExample) {
  std::vector<std::string> args = Words(GetParam());
  args.push_back("--help");
  CommandResult r = Handover(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_THAT(r.out, HasSubstr("Usage: handover " + GetParam()));
  EXPECT_THAT(r.out, HasSubstr("Example"));
  EXPECT_THAT(r.out, HasSubstr("  handover " + GetParam() + " "));
}

INSTANTIATE_TEST_SUITE_P(EveryLogCommand, CliLogHelpTest,
                         ::testing::Values("log", "log list", "log show",
                                           "log verify", "log export",
                                           "log head", "log prove",
                                           "log overdue", "log reconcile"),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name) {
                             if (c == ' ') c = '_';
                           }
                           return name;
                         });

class CliLogUsageTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    unsetenv("HANDOVER_NODE");
    unsetenv("HANDOVER_CA");
    unsetenv("HANDOVER_TOKEN_FILE");
  }
  // Connection options that pass the usage checks; nothing listens.
  CommandResult Run(std::vector<std::string> args) {
    for (const char* a :
         {"--node", "127.0.0.1:1", "--ca", "ca.pem", "--token-file", "t"}) {
      args.push_back(a);
    }
    return Handover(args);
  }
};

TEST_F(CliLogUsageTest, TopLevelHelpListsLog) {
  CommandResult r = Handover({"--help"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("  log "));
  EXPECT_THAT(r.out, HasSubstr("handover log show"));
}

TEST_F(CliLogUsageTest, AnUnknownEventKindNamesTheValidOnes) {
  CommandResult r = Run({"log", "list", "--event", "delivred"});
  ExpectOneErrorLine(r, 2,
                     "handover log list: --event: 'delivred' is not an "
                     "event; use one of submitted, sealed, queued, "
                     "sent_to_router, accepted_by_router, forwarded, "
                     "delivered, receipt_verified, ");
  EXPECT_THAT(r.err, HasSubstr("acknowledgement_verified"));
  EXPECT_THAT(r.err, HasSubstr("(see 'handover log list --help')\n"));
}

TEST_F(CliLogUsageTest, AnUnknownKindAmongSeveralIsRefused) {
  CommandResult r = Run({"log", "list", "--event", "failed,nope"});
  ExpectOneErrorLine(r, 2, "handover log list: --event: 'nope' is not an");
}

TEST_F(CliLogUsageTest, ABadTimeIsAUsageError) {
  CommandResult r = Run({"log", "list", "--since", "yesterday"});
  ExpectOneErrorLine(r, 2,
                     "handover log list: --since: 'yesterday' is not a time; "
                     "use RFC 3339");
}

TEST_F(CliLogUsageTest, BadListValues) {
  ExpectOneErrorLine(Run({"log", "list", "--limit", "0"}), 2,
                     "handover log list: --limit: ");
  ExpectOneErrorLine(Run({"log", "list", "--transfer", "ABC"}), 2,
                     "handover log list: --transfer: ");
  ExpectOneErrorLine(Run({"log", "list", "--agency", "Not An Agency"}), 2,
                     "handover log list: --agency: ");
  ExpectOneErrorLine(Run({"log", "list", "--format", "xml"}), 2,
                     "handover log list: --format: ");
}

TEST_F(CliLogUsageTest, LogNeedsASubcommand) {
  ExpectOneErrorLine(Handover({"log"}), 2, "handover log: ");
}

TEST_F(CliLogUsageTest, ShowNeedsATransferId) {
  ExpectOneErrorLine(Run({"log", "show", "not-hex"}), 2,
                     "handover log show: TRANSFER: a transfer id is 32 "
                     "lower-case hex digits");
}

TEST_F(CliLogUsageTest, OnlineCommandsNeedANode) {
  CommandResult r = Handover({"log", "head", "--ca", "ca.pem"});
  ExpectOneErrorLine(r, 2, "handover log head: --node is required");
  r = Handover({"log", "verify", "--ca", "ca.pem", "--token-file", "t"});
  ExpectOneErrorLine(r, 2,
                     "handover log verify: --node is required (or set "
                     "HANDOVER_NODE to the node's host:port) (see 'handover "
                     "log verify --help')\n");
  r = Handover({"log", "verify", "--node", "127.0.0.1:1", "--ca", "ca.pem"});
  ExpectOneErrorLine(r, 2, "handover log verify: credentials are required");
}

TEST_F(CliLogUsageTest, OfflineVerifyNeedsAPublicKey) {
  CommandResult r = Handover({"log", "verify", "--db", "log.db"});
  ExpectOneErrorLine(r, 2,
                     "handover log verify: --db and --file need --public-key "
                     "FILE");
  r = Handover({"log", "verify", "--file", "log.jsonl"});
  ExpectOneErrorLine(r, 2, "handover log verify: --db and --file need");
}

TEST_F(CliLogUsageTest, APublicKeyIsOnlyForOfflineVerify) {
  CommandResult r = Run({"log", "verify", "--public-key", "k.pub"});
  ExpectOneErrorLine(r, 2,
                     "handover log verify: --public-key is for offline "
                     "verification");
}

TEST_F(CliLogUsageTest, DbAndFileExcludeEachOther) {
  CommandResult r = Handover(
      {"log", "verify", "--db", "a", "--file", "b", "--public-key", "k.pub"});
  ExpectOneErrorLine(r, 2, "handover log verify: ");
}

TEST_F(CliLogUsageTest, ProveRootsNeedTheirSizes) {
  const std::string root(64, 'a');
  ExpectOneErrorLine(Run({"log", "prove", "--index", "1", "--old-root", root}),
                     2, "handover log prove: --old-root requires --old-size");
  ExpectOneErrorLine(Run({"log", "prove", "--index", "1", "--root", root}), 2,
                     "handover log prove: --root requires --size");
  ExpectOneErrorLine(
      Run({"log", "prove", "--index", "1", "--size", "4", "--root", "abc"}), 2,
      "handover log prove: --root: a root hash is 64 hex");
  ExpectOneErrorLine(Run({"log", "prove"}), 2,
                     "handover log prove: --index is required");
}

TEST_F(CliLogUsageTest, ExportNeedsOut) {
  ExpectOneErrorLine(Run({"log", "export"}), 2,
                     "handover log export: --out is required");
}

// ---- offline verification of a real log ----------------------------------

// A node's log as the daemon writes it: 8 entries, heads signed at sizes 3
// and 8, the public key where `handover keygen` puts it, and an export.
class CliLogOfflineTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    auto id = crypto::SecretIdentity::Generate("stockport-cs");
    ASSERT_TRUE(id.ok()) << id.status();
    signer_ = std::make_shared<crypto::SecretIdentity>(*std::move(id));
    ASSERT_TRUE(
        crypto::WriteKeyDirectory(Path("keys/stockport-cs"), *signer_).ok());
    deliverylog::SqliteDeliveryLogOptions options;
    options.path = Path("node-log.db");
    options.log_id = "stockport-cs";
    options.signer = signer_;
    auto log = deliverylog::SqliteDeliveryLog::Open(options);
    ASSERT_TRUE(log.ok()) << log.status();
    for (int i = 0; i < 8; ++i) {
      v1::LogEntry e = Entry(0, 0, static_cast<v1::LogEventKind>(1 + i % 7),
                             absl::StrCat("step ", i));
      e.clear_time();  // the log's clock sets it
      auto index = (*log)->Append(e);
      ASSERT_TRUE(index.ok()) << index.status();
      if (i == 2 || i == 7) {
        ASSERT_TRUE((*log)->PublishTreeHead().ok());
      }
    }
    log->reset();
    ASSERT_TRUE(
        deliverylog::WriteExport(Path("node-log.db"), Path("export.jsonl"))
            .ok());
  }

  void EditEntry3() {
    auto db = sqlite::SqliteDb::Open(Path("node-log.db"));
    ASSERT_TRUE(db.ok()) << db.status();
    ASSERT_TRUE(
        (*db)->Exec("UPDATE log_entries SET detail='x' WHERE idx=3").ok());
  }

  CommandResult Verify(const std::string& mode, const std::string& path,
                       std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {
        "log", "verify",       mode,
        path,  "--public-key", "keys/stockport-cs/public.key"};
    args.insert(args.end(), extra.begin(), extra.end());
    return Handover(args);
  }

  std::shared_ptr<crypto::SecretIdentity> signer_;
};

TEST_F(CliLogOfflineTest, AnUntouchedDatabaseVerifies) {
  CommandResult r = Verify("--db", "node-log.db");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_THAT(r.out, HasSubstr("result       OK\n"));
  EXPECT_THAT(r.out, HasSubstr("verified     log database node-log.db\n"));
  EXPECT_THAT(r.out, HasSubstr("entries      8\n"));
  EXPECT_THAT(r.out, HasSubstr("tree heads   2\n"));
  EXPECT_THAT(r.out, HasSubstr("latest head  size 8 signed at "));
  EXPECT_THAT(r.out, HasSubstr("key id " +
                               Hex(signer_->public_identity().sign_key_id())));
}

TEST_F(CliLogOfflineTest, AnUntouchedExportVerifies) {
  CommandResult r = Verify("--file", "export.jsonl", {"--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json out = nlohmann::json::parse(r.out);
  EXPECT_EQ(out["ok"], true);
  EXPECT_EQ(out["verified"], "log export export.jsonl");
  EXPECT_EQ(out["entries"], 8);
  EXPECT_EQ(out["tree_heads"], 2);
  EXPECT_EQ(out["latest_verified_head"]["tree_size"], 8);
  EXPECT_EQ(out["latest_verified_head"]["log_id"], "stockport-cs");
}

TEST_F(CliLogOfflineTest, AKeyDirectoryAndRotatedKeysAreAccepted) {
  Keygen("stockport-cs-old");
  CommandResult r = Handover({"log", "verify", "--db", "node-log.db",
                              "--public-key", PublicKey("stockport-cs-old"),
                              "--public-key", "keys/stockport-cs"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(CliLogOfflineTest, AnEditedDatabaseEntryIsNamed) {
  EditEntry3();
  CommandResult r = Verify("--db", "node-log.db");
  ExpectOneErrorLine(r, 1, "handover log verify: FAILED: entry 3 was edited");
  EXPECT_THAT(r.err, HasSubstr("(first bad entry: 3) in log database "
                               "node-log.db\n"));
}

TEST_F(CliLogOfflineTest, AnEditedExportEntryIsFound) {
  const std::string original = ReadFile("export.jsonl");
  const std::string edited = absl::StrReplaceAll(
      original, {{"\"detail\":\"step 3\"", "\"detail\":\"x\""}});
  ASSERT_NE(edited, original);
  WriteFile("export.jsonl", edited);
  CommandResult r = Verify("--file", "export.jsonl");
  ExpectOneErrorLine(r, 1,
                     "handover log verify: FAILED: entries before 8 no "
                     "longer match the tree head signed at ");
  // The head at size 3 still verifies, so the edit is at 3 or later.
  EXPECT_THAT(r.err, HasSubstr("(first bad entry: 3) in log export "
                               "export.jsonl\n"));
}

TEST_F(CliLogOfflineTest, AnExportOfAnEditedDatabaseFailsToo) {
  EditEntry3();
  ASSERT_TRUE(
      deliverylog::WriteExport(Path("node-log.db"), Path("edited.jsonl")).ok());
  CommandResult r = Verify("--file", "edited.jsonl");
  ExpectOneErrorLine(r, 1, "handover log verify: FAILED: ");
  EXPECT_THAT(r.err, HasSubstr("(first bad entry: 3)"));
}

TEST_F(CliLogOfflineTest, AnotherAgencysKeyDoesNotVerify) {
  Keygen("other-cs");
  CommandResult r = Handover({"log", "verify", "--db", "node-log.db",
                              "--public-key", PublicKey("other-cs")});
  ExpectOneErrorLine(r, 1, "handover log verify: FAILED: the tree head");
  EXPECT_THAT(r.err, HasSubstr("does not verify"));
}

TEST_F(CliLogOfflineTest, MissingFilesAreOneLine) {
  ExpectOneErrorLine(Verify("--db", "nope.db"), 1,
                     "handover log verify: no delivery log at nope.db\n");
  ExpectOneErrorLine(Verify("--file", "nope.jsonl"), 1,
                     "handover log verify: no log export at nope.jsonl\n");
  CommandResult r = Handover(
      {"log", "verify", "--db", "node-log.db", "--public-key", "missing.pub"});
  ExpectOneErrorLine(r, 1, "handover log verify: ");
  EXPECT_THAT(r.err, HasSubstr("missing.pub"));
  EXPECT_FALSE(Exists("nope.db"));
}

TEST_F(CliLogOfflineTest, AFileThatIsNotAnExportIsOneLine) {
  WriteFile("notes.txt", "hello\n");
  ExpectOneErrorLine(Verify("--file", "notes.txt"), 1,
                     "handover log verify: log export notes.txt: line 1: ");
}

// ---- online, against the scripted node -----------------------------------

class CliLogNodeTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    unsetenv("HANDOVER_NODE");
    unsetenv("HANDOVER_CA");
    unsetenv("HANDOVER_TOKEN_FILE");
    WriteTestFile(Path("token"), std::string(kToken) + "\n", 0600);
  }

  CommandResult Run(std::vector<std::string> args) {
    for (const std::string& a :
         {std::string("--node"), node_.address(), std::string("--ca"),
          DemoCertsDir() + "/ca.pem", std::string("--token-file"),
          std::string("token")}) {
      args.push_back(a);
    }
    return Handover(args);
  }

  FakeNodeService& node() { return node_.service(); }

  FakeNode node_;
};

std::vector<v1::ListLogResponse> TwoLogPages() {
  v1::ListLogResponse first, second;
  first.set_log_id("stockport-cs");
  *first.add_entries() =
      Entry(0, kBase, v1::LOG_EVENT_KIND_SUBMITTED, "from case-system");
  *first.add_entries() =
      Entry(1, kBase + 1, v1::LOG_EVENT_KIND_SEALED, "view police");
  first.set_next_page_token("p1");
  second.set_log_id("stockport-cs");
  *second.add_entries() = Entry(2, kBase + 2, v1::LOG_EVENT_KIND_FAILED,
                                "refused: \"no key\", retrying");
  return {first, second};
}

TEST_F(CliLogNodeTest, ListShowsOnePageAndHowToGetTheNext) {
  node().SetLogPages(TwoLogPages());
  CommandResult r = Run({"log", "list", "--limit", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_THAT(r.out, HasSubstr("INDEX  TIME                  EVENT      "
                               "TRANSFER       SENDER"));
  EXPECT_THAT(r.out, HasSubstr("0      2026-05-28T20:26:40Z  submitted  "
                               "001122334455\xe2\x80\xa6  stockport-cs"));
  EXPECT_THAT(r.out, HasSubstr("view police\n"));
  EXPECT_THAT(r.out, Not(HasSubstr("retrying")));
  EXPECT_THAT(r.out, HasSubstr("more: --after p1 (or --all)\n"));
  const auto requests = node().log_requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].page_size(), 2u);
  EXPECT_EQ(requests[0].page_token(), "");
}

TEST_F(CliLogNodeTest, ListAllFollowsEveryPage) {
  node().SetLogPages(TwoLogPages());
  CommandResult r = Run({"log", "list", "--all", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json out = nlohmann::json::parse(r.out);
  EXPECT_EQ(out["log_id"], "stockport-cs");
  ASSERT_EQ(out["entries"].size(), 3u);
  EXPECT_EQ(out["entries"][2]["event"], "failed");
  EXPECT_EQ(out["entries"][2]["transfer_id"], kTransferHex);
  EXPECT_EQ(out["entries"][0]["time"], "2026-05-28T20:26:40.000000Z");
  EXPECT_EQ(out["next_page_token"], "");
  const auto requests = node().log_requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].page_token(), "");
  EXPECT_EQ(requests[1].page_token(), "p1");
  EXPECT_EQ(requests[1].page_size(), 100u);
}

TEST_F(CliLogNodeTest, ListContinuesAfterAToken) {
  node().SetLogPages(TwoLogPages());
  CommandResult r = Run({"log", "list", "--after", "p1", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["entries"].size(), 1u);
}

TEST_F(CliLogNodeTest, ListSendsEveryFilter) {
  node().SetLogPages({v1::ListLogResponse()});
  CommandResult r = Run({"log", "list", "--since", "2026-05-01T00:00:00Z",
                         "--until", "2026-06-01T12:00:00+01:00", "--agency",
                         "birmingham-cs", "--event", "failed,rejected",
                         "--event", "expired", "--transfer", kTransferHex});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "no log entries match\n");
  const auto requests = node().log_requests();
  ASSERT_EQ(requests.size(), 1u);
  const v1::ListLogRequest& q = requests[0];
  EXPECT_EQ(q.since().seconds(), 1777593600);
  EXPECT_EQ(q.until().seconds(), 1780311600);
  EXPECT_EQ(q.agency(), "birmingham-cs");
  EXPECT_THAT(q.events(), ElementsAre(v1::LOG_EVENT_KIND_FAILED,
                                      v1::LOG_EVENT_KIND_REJECTED,
                                      v1::LOG_EVENT_KIND_EXPIRED));
  EXPECT_EQ(q.transfer_id(), kTransferHex);
}

TEST_F(CliLogNodeTest, ListSinceADurationMeansThatLongAgo) {
  node().SetLogPages({v1::ListLogResponse()});
  const int64_t before = absl::ToUnixSeconds(absl::Now());
  CommandResult r = Run({"log", "list", "--since", "2h"});
  const int64_t after = absl::ToUnixSeconds(absl::Now());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto requests = node().log_requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_GE(requests[0].since().seconds(), before - 7200 - 1);
  EXPECT_LE(requests[0].since().seconds(), after - 7200 + 1);
  EXPECT_FALSE(requests[0].has_until());
}

TEST_F(CliLogNodeTest, ListAsCsvQuotesAndPutsTheNextPageOnStderr) {
  std::vector<v1::ListLogResponse> pages = TwoLogPages();
  std::swap(pages[0], pages[1]);  // the quoted entry first; no more token
  pages[0].set_next_page_token("p1");
  node().SetLogPages(pages);
  CommandResult r = Run({"log", "list", "--format", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "index,time,event,transfer_id,sender,recipient,view,size,"
            "envelope_hash,actor,detail\r\n"
            "2,2026-05-28T20:26:42.000000Z,failed," +
                std::string(kTransferHex) +
                ",stockport-cs,birmingham-cs,police,1002," +
                Hex(std::string(32, '\x02')) +
                ",case-system,\"refused: \"\"no key\"\", retrying\"\r\n");
  EXPECT_EQ(r.err, "handover log list: more: --after p1 (or --all)\n");
}

TEST_F(CliLogNodeTest, ListOutsideTheRoleIsOneLine) {
  node().SetLogError(grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                                  "ListLog needs the role admin; client 'x' "
                                  "has the role receiver"));
  CommandResult r = Run({"log", "list", "--all"});
  ExpectOneErrorLine(r, 1,
                     "handover log list: this client's role may not call "
                     "ListLog: ListLog needs the role admin;");
}

TEST_F(CliLogNodeTest, ListAllRefusesATokenLoop) {
  std::vector<v1::ListLogResponse> pages = TwoLogPages();
  pages[1].set_next_page_token("p1");
  node().SetLogPages(pages);
  ExpectOneErrorLine(Run({"log", "list", "--all"}), 1,
                     "handover log list: the node returned a page token it "
                     "had already given\n");
}

// The router's log: six entries, of which 1, 3 and 4 are the transfer's,
// in a real Merkle tree with a head signed by the router's key.
class CliLogShowTest : public CliLogNodeTest {
 protected:
  void SetUp() override {
    CliLogNodeTest::SetUp();
    auto id = crypto::SecretIdentity::Generate("router");
    ASSERT_TRUE(id.ok()) << id.status();
    router_ = std::make_unique<crypto::SecretIdentity>(*std::move(id));
    ASSERT_TRUE(crypto::WriteKeyDirectory(Path("keys/router"), *router_).ok());
    auditlog::InMemorySubtreeHashes tree;
    std::vector<v1::LogEntry> all;
    const v1::LogEventKind kinds[] = {
        v1::LOG_EVENT_KIND_ACCEPTED_BY_ROUTER, v1::LOG_EVENT_KIND_FORWARDED,
        v1::LOG_EVENT_KIND_ACCEPTED_BY_ROUTER, v1::LOG_EVENT_KIND_FORWARDED,
        v1::LOG_EVENT_KIND_DELIVERED,          v1::LOG_EVENT_KIND_FORWARDED};
    for (int i = 0; i < 6; ++i) {
      v1::LogEntry e = Entry(i, kBase + 10 * i, kinds[i], "router step");
      e.set_actor("router");
      all.push_back(e);
      ASSERT_TRUE(
          tree.AppendLeafHash(auditlog::LeafHash(deliverylog::EncodeLeaf(e)))
              .ok());
    }
    auto root = auditlog::RootHash(tree, 6);
    ASSERT_TRUE(root.ok());
    auto head = deliverylog::SignTreeHead(*router_, "router", 6, *root,
                                          absl::FromUnixSeconds(kBase + 60));
    ASSERT_TRUE(head.ok()) << head.status();
    *answer_.mutable_router_tree_head() = *head;
    for (int i : {1, 3, 4}) {
      *answer_.add_router_entries() = all[i];
      auto path = auditlog::InclusionProof(tree, i, 6);
      ASSERT_TRUE(path.ok());
      v1::InclusionProof* proof = answer_.add_router_proofs();
      proof->set_leaf_index(i);
      proof->set_tree_size(6);
      for (const std::string& h : *path) proof->add_hashes(h);
    }
    *answer_.add_node_entries() =
        Entry(40, kBase + 5, v1::LOG_EVENT_KIND_SENT_TO_ROUTER, "uploaded");
    *answer_.add_node_entries() = Entry(
        41, kBase + 45, v1::LOG_EVENT_KIND_RECEIPT_VERIFIED, "receipt ok");
    v1::RecipientStatus* recipient = answer_.add_recipients();
    recipient->set_agency_id("birmingham-cs");
    recipient->set_state(v1::DELIVERY_STATE_DELIVERED);
    recipient->mutable_updated_at()->set_seconds(kBase + 40);
  }

  std::unique_ptr<crypto::SecretIdentity> router_;
  v1::ShowTransferLogResponse answer_;
};

TEST_F(CliLogShowTest, ProvesTheRouterEntriesAndMergesTheTimeline) {
  node().SetShowAnswer(answer_);
  CommandResult r = Run({"log", "show", kTransferHex});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(node().last_show_id(), kTransferHex);
  EXPECT_THAT(r.out, HasSubstr("transfer " + std::string(kTransferHex) +
                               ": 5 log entries (2 at this node, 3 at the "
                               "router)\n"));
  // Sorted by time across both logs, each saying where it was logged.
  const size_t sent = r.out.find("node    40     sent_to_router");
  const size_t forwarded = r.out.find("router  1      forwarded");
  const size_t delivered = r.out.find("router  4      delivered");
  const size_t receipt = r.out.find("node    41     receipt_verified");
  ASSERT_NE(sent, std::string::npos) << r.out;
  ASSERT_NE(forwarded, std::string::npos) << r.out;
  ASSERT_NE(delivered, std::string::npos) << r.out;
  ASSERT_NE(receipt, std::string::npos) << r.out;
  EXPECT_LT(sent, forwarded);
  EXPECT_LT(forwarded, delivered);
  EXPECT_LT(delivered, receipt);
  EXPECT_THAT(r.out, HasSubstr("recipients\n  birmingham-cs: delivered at "
                               "2026-05-28T20:27:20Z\n"));
  EXPECT_THAT(r.out, HasSubstr("router entries proven against the router's "
                               "tree head of size 6 signed at "
                               "2026-05-28T20:27:40.000000Z\n"));
  EXPECT_THAT(r.out, HasSubstr("head signature not checked: pass "
                               "--router-key FILE"));
  EXPECT_THAT(r.out, Not(HasSubstr("WARNING")));
}

TEST_F(CliLogShowTest, ChecksTheHeadSignatureWithTheRoutersKey) {
  node().SetShowAnswer(answer_);
  CommandResult r = Run(
      {"log", "show", kTransferHex, "--router-key", "keys/router/public.key"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("head signature valid: made with the key in "
                               "keys/router/public.key\n"));
  EXPECT_THAT(r.out, Not(HasSubstr("WARNING")));
}

TEST_F(CliLogShowTest, WarnsWhenTheHeadSignatureDoesNotVerify) {
  Keygen("impostor");
  node().SetShowAnswer(answer_);
  CommandResult r =
      Run({"log", "show", kTransferHex, "--router-key", PublicKey("impostor")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("WARNING: the router's tree head signature "
                               "does not verify with keys/impostor/"
                               "public.key: "));
}

TEST_F(CliLogShowTest, WarnsWhenARouterProofFails) {
  // The router's copy of entry 3 edited after the head was signed.
  answer_.mutable_router_entries(1)->set_detail("edited");
  node().SetShowAnswer(answer_);
  CommandResult r = Run({"log", "show", kTransferHex});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("WARNING: the router's entries are NOT "
                               "proven: router entry 3: "));
  EXPECT_THAT(r.out, HasSubstr("(against the router's tree head of size 6 "
                               "signed at 2026-05-28T20:27:40.000000Z)\n"));
  EXPECT_THAT(r.out, Not(HasSubstr("router entries proven")));
}

TEST_F(CliLogShowTest, WarnsWhenARouterEntryIsAboutAnotherTransfer) {
  // A real entry of the router's log, with a valid proof, but not this
  // transfer's.
  answer_.mutable_router_entries(0)->set_transfer_id(std::string(16, 'z'));
  node().SetShowAnswer(answer_);
  CommandResult r = Run({"log", "show", kTransferHex});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("WARNING: the router's entries are NOT "
                               "proven: router entry 1 is about another "
                               "transfer\n"));
}

TEST_F(CliLogShowTest, WarnsWhenAProofHashIsCorrupted) {
  std::string* hash = answer_.mutable_router_proofs(2)->mutable_hashes(0);
  (*hash)[0] ^= 0x01;
  node().SetShowAnswer(answer_);
  CommandResult r = Run({"log", "show", kTransferHex, "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json out = nlohmann::json::parse(r.out);
  EXPECT_EQ(out["router"]["proven"], false);
  EXPECT_THAT(out["router"]["proof_problem"].get<std::string>(),
              HasSubstr("router entry 4: "));
  EXPECT_EQ(out["router"]["tree_head"]["tree_size"], 6);
  ASSERT_EQ(out["timeline"].size(), 5u);
  EXPECT_EQ(out["timeline"][0]["log"], "node");
  EXPECT_EQ(out["timeline"][1]["log"], "router");
  EXPECT_EQ(out["recipients"][0]["state"], "delivered");
}

TEST_F(CliLogShowTest, ARouterErrorIsAWarningAndTheNodesPartStands) {
  v1::ShowTransferLogResponse answer;
  *answer.mutable_node_entries() = answer_.node_entries();
  answer.set_router_error(
      "the router could not be asked: it did not answer in time");
  node().SetShowAnswer(answer);
  CommandResult r = Run({"log", "show", kTransferHex});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("2 log entries (2 at this node, 0 at the "
                               "router)"));
  EXPECT_THAT(r.out, HasSubstr("WARNING: no router entries: the router could "
                               "not be asked: it did not answer in time; only "
                               "this node's entries are shown\n"));
}

TEST_F(CliLogShowTest, AnUnknownTransferIsOneLine) {
  node().SetLogError(
      grpc::Status(grpc::StatusCode::NOT_FOUND, "no such transfer"));
  ExpectOneErrorLine(Run({"log", "show", kTransferHex}), 1,
                     "handover log show: not found: no such transfer\n");
}

v1::VerifyLogResponse Verified() {
  v1::VerifyLogResponse v;
  v.set_ok(true);
  v.set_entries(12);
  v.set_tree_heads(3);
  v1::SignedTreeHead* head = v.mutable_latest_verified_head();
  head->set_log_id("stockport-cs");
  head->set_tree_size(10);
  head->set_root_hash(std::string(32, '\x07'));
  head->mutable_timestamp()->set_seconds(kBase);
  head->set_signer_key_id(std::string(16, '\x09'));
  return v;
}

TEST_F(CliLogNodeTest, VerifyOnlineSaysOk) {
  node().SetVerifyAnswer(Verified());
  CommandResult r = Run({"log", "verify"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("result          OK\n"));
  EXPECT_THAT(r.out, HasSubstr("verified        the log of the node at " +
                               node_.address() + "\n"));
  EXPECT_THAT(r.out, HasSubstr("entries         12\n"));
  EXPECT_THAT(r.out, HasSubstr("tree heads      3\n"));
  EXPECT_THAT(r.out, HasSubstr("latest head     size 10 signed at "
                               "2026-05-28T20:26:40.000000Z\n"));
  EXPECT_THAT(r.out, HasSubstr("not yet signed  entries 10 to 11 read well, "
                               "but no signed head covers them yet, so they "
                               "are not proven\n"));
}

TEST_F(CliLogNodeTest, VerifyOnlineTakesTheConnectionFromTheEnvironment) {
  node().SetVerifyAnswer(Verified());
  setenv("HANDOVER_NODE", node_.address().c_str(), 1);
  setenv("HANDOVER_CA", (DemoCertsDir() + "/ca.pem").c_str(), 1);
  setenv("HANDOVER_TOKEN_FILE", "token", 1);
  CommandResult r = Handover({"log", "verify"});
  unsetenv("HANDOVER_NODE");
  unsetenv("HANDOVER_CA");
  unsetenv("HANDOVER_TOKEN_FILE");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(node().last_caller().bearer_token,
            std::optional<std::string>(kToken));
}

TEST_F(CliLogNodeTest, VerifyOnlineByCertificate) {
  node().SetVerifyAnswer(Verified());
  CommandResult r = Handover({"log", "verify", "--node", node_.address(),
                              "--ca", DemoCertsDir() + "/ca.pem", "--cert",
                              DemoCertsDir() + "/case-system.pem", "--key",
                              DemoCertsDir() + "/case-system.key"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(node().last_caller().cert_sha256.has_value());
  EXPECT_FALSE(node().last_caller().bearer_token.has_value());
}

TEST_F(CliLogNodeTest, VerifyOnlineFailureIsOneLineAndExit1) {
  v1::VerifyLogResponse v;
  v.set_ok(false);
  v.set_entries(3);
  v.set_has_first_bad_index(true);
  v.set_first_bad_index(3);
  v.set_problem(
      "entry 3 was edited: it no longer matches its stored leaf "
      "hash");
  node().SetVerifyAnswer(v);
  ExpectOneErrorLine(Run({"log", "verify"}), 1,
                     "handover log verify: FAILED: entry 3 was edited: it no "
                     "longer matches its stored leaf hash (first bad entry: "
                     "3) in the log of the node at " +
                         node_.address() + "\n");
}

TEST_F(CliLogNodeTest, VerifyOutsideTheRoleIsOneLine) {
  node().SetLogError(grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                                  "VerifyLog needs the role admin"));
  ExpectOneErrorLine(Run({"log", "verify"}), 1,
                     "handover log verify: this client's role may not call "
                     "VerifyLog: VerifyLog needs the role admin\n");
}

// An export's bytes, in chunks that split lines anywhere.
std::vector<std::string> Chunks(const std::string& bytes, size_t size) {
  std::vector<std::string> chunks;
  for (size_t at = 0; at < bytes.size(); at += size) {
    chunks.push_back(bytes.substr(at, size));
  }
  return chunks;
}

std::string ExportBytes() {
  return "{\"format\":\"handover-log-export/1\",\"log_id\":\"stockport-cs\"}\n"
         "{\"entry\":{\"index\":0}}\n"
         "{\"entry\":{\"index\":1}}\n"
         "{\"tree_head\":{\"tree_size\":2}}\n";
}

TEST_F(CliLogNodeTest, ExportWritesTheStreamAtomically) {
  node().SetExportAnswer(Chunks(ExportBytes(), 7), grpc::Status::OK);
  CommandResult r = Run({"log", "export", "--out", "log.jsonl"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadFile("log.jsonl"), ExportBytes());
  EXPECT_EQ(ModeOf("log.jsonl"), 0600);
  EXPECT_THAT(List(), ElementsAre("log.jsonl", "token"));
  EXPECT_THAT(r.out, HasSubstr("wrote       log.jsonl (mode 0600)\n"));
  EXPECT_THAT(r.out, HasSubstr("entries     2\n"));
  EXPECT_THAT(r.out, HasSubstr("tree heads  1\n"));
  EXPECT_THAT(r.out,
              HasSubstr("bytes       " + std::to_string(ExportBytes().size()) +
                        " bytes\n"));
}

TEST_F(CliLogNodeTest, ExportRefusesToReplaceAFileUnlessForced) {
  node().SetExportAnswer({ExportBytes()}, grpc::Status::OK);
  WriteFile("log.jsonl", "keep me");
  ExpectOneErrorLine(Run({"log", "export", "--out", "log.jsonl"}), 1,
                     "handover log export: log.jsonl already exists; pass "
                     "--force to replace it\n");
  EXPECT_EQ(ReadFile("log.jsonl"), "keep me");
  CommandResult r = Run(
      {"log", "export", "--out", "log.jsonl", "--force", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadFile("log.jsonl"), ExportBytes());
  nlohmann::json out = nlohmann::json::parse(r.out);
  EXPECT_EQ(out["entries"], 2);
  EXPECT_EQ(out["bytes"], ExportBytes().size());
}

TEST_F(CliLogNodeTest, AnExportThatBreaksOffLeavesNothing) {
  node().SetExportAnswer(
      Chunks(ExportBytes(), 20),
      grpc::Status(grpc::StatusCode::INTERNAL, "the log could not be read"));
  ExpectOneErrorLine(Run({"log", "export", "--out", "log.jsonl"}), 1,
                     "handover log export: the node failed during ExportLog: "
                     "the log could not be read\n");
  EXPECT_THAT(List(), ElementsAre("token"));
}

v1::SignedTreeHead SomeHead() {
  v1::SignedTreeHead head;
  head.set_log_id("stockport-cs");
  head.set_tree_size(42);
  head.set_root_hash(std::string(32, '\x01'));
  head.mutable_timestamp()->set_seconds(kBase);
  head.mutable_timestamp()->set_nanos(250000000);
  head.set_signature(std::string(64, '\x02'));
  head.set_signer_key_id(std::string(16, '\x03'));
  return head;
}

TEST_F(CliLogNodeTest, HeadShowsTheNewestHead) {
  node().SetTreeHead(SomeHead());
  CommandResult r = Run({"log", "head"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "log        stockport-cs\n"
            "size       42 entries\n"
            "root       " +
                Hex(std::string(32, '\x01')) +
                "\n"
                "signed at  2026-05-28T20:26:40.250000Z\n"
                "key id     03030303030303030303030303030303\n");
  const auto requests = node().tree_head_requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_FALSE(requests[0].publish());
}

TEST_F(CliLogNodeTest, HeadPublishAsksForAFreshOne) {
  node().SetTreeHead(SomeHead());
  CommandResult r = Run({"log", "head", "--publish", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["tree_size"], 42);
  const auto requests = node().tree_head_requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_TRUE(requests[0].publish());
}

// The node's log: eight entries in a real tree, its newest head at size 8.
class CliLogProveTest : public CliLogNodeTest {
 protected:
  void SetUp() override {
    CliLogNodeTest::SetUp();
    for (int i = 0; i < 8; ++i) {
      entries_.push_back(Entry(i, kBase + i, v1::LOG_EVENT_KIND_QUEUED,
                               absl::StrCat("entry ", i)));
      ASSERT_TRUE(tree_
                      .AppendLeafHash(auditlog::LeafHash(
                          deliverylog::EncodeLeaf(entries_.back())))
                      .ok());
    }
    v1::SignedTreeHead head = SomeHead();
    head.set_tree_size(8);
    head.set_root_hash(Root(8));
    node().SetTreeHead(head);
  }

  std::string Root(uint64_t size) {
    auto root = auditlog::RootHash(tree_, size);
    EXPECT_TRUE(root.ok());
    return root.ok() ? *root : "";
  }

  // The node's answer for entry `index` in the tree of 8, and a consistency
  // proof from `old_size` if not 0.
  v1::ProveLogResponse Answer(uint64_t index, uint64_t old_size = 0) {
    v1::ProveLogResponse p;
    *p.mutable_entry() = entries_[index];
    p.mutable_inclusion()->set_leaf_index(index);
    p.mutable_inclusion()->set_tree_size(8);
    auto path = auditlog::InclusionProof(tree_, index, 8);
    EXPECT_TRUE(path.ok());
    for (const std::string& h : *path) p.mutable_inclusion()->add_hashes(h);
    if (old_size != 0) {
      p.mutable_consistency()->set_old_size(old_size);
      p.mutable_consistency()->set_new_size(8);
      auto proof = auditlog::ConsistencyProof(tree_, old_size, 8);
      EXPECT_TRUE(proof.ok());
      for (const std::string& h : *proof) {
        p.mutable_consistency()->add_hashes(h);
      }
    }
    return p;
  }

  auditlog::InMemorySubtreeHashes tree_;
  std::vector<v1::LogEntry> entries_;
};

TEST_F(CliLogProveTest, ProvesInclusionAgainstTheNewestHead) {
  node().SetProveAnswer(Answer(5));
  CommandResult r = Run({"log", "prove", "--index", "5"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("entry      5 queued at "
                               "2026-05-28T20:26:45Z\n"));
  EXPECT_THAT(r.out, HasSubstr("inclusion  proven: entry 5 is in the log "
                               "of size 8 (3 hashes)\n"));
  EXPECT_THAT(r.out, HasSubstr("against the node's tree head of size 8 "
                               "signed at 2026-05-28T20:26:40.250000Z\n"));
  const auto requests = node().prove_requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].leaf_index(), 5u);
  EXPECT_EQ(requests[0].tree_size(), 8u);
  EXPECT_EQ(requests[0].old_size(), 0u);
}

TEST_F(CliLogProveTest, ABadInclusionProofFails) {
  v1::ProveLogResponse answer = Answer(5);
  answer.mutable_entry()->set_detail("edited");
  node().SetProveAnswer(answer);
  ExpectOneErrorLine(Run({"log", "prove", "--index", "5"}), 1,
                     "handover log prove: FAILED: the inclusion proof for "
                     "entry 5 does not verify against the node's tree head "
                     "of size 8 signed at ");
}

TEST_F(CliLogProveTest, ProvesConsistencyWithAKeptRoot) {
  node().SetProveAnswer(Answer(2, 4));
  CommandResult r = Run({"log", "prove", "--index", "2", "--old-size", "4",
                         "--old-root", Hex(Root(4)), "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json out = nlohmann::json::parse(r.out);
  EXPECT_EQ(out["inclusion"]["checked"], true);
  EXPECT_EQ(out["consistency"]["checked"], true);
  EXPECT_EQ(out["consistency"]["old_size"], 4);
  EXPECT_EQ(out["entry"]["index"], 2);
  EXPECT_EQ(node().prove_requests()[0].old_size(), 4u);
}

TEST_F(CliLogProveTest, ConsistencyWithoutAKeptRootIsNotChecked) {
  node().SetProveAnswer(Answer(2, 4));
  CommandResult r = Run({"log", "prove", "--index", "2", "--old-size", "4"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("consistency  NOT CHECKED: pass --old-root HEX "
                               "(the root of the tree head of size 4 you "
                               "hold)\n"));
}

TEST_F(CliLogProveTest, AWrongKeptRootFails) {
  node().SetProveAnswer(Answer(2, 4));
  ExpectOneErrorLine(Run({"log", "prove", "--index", "2", "--old-size", "4",
                          "--old-root", Hex(Root(3))}),
                     1,
                     "handover log prove: FAILED: the log of size 4 with the "
                     "root given by --old-root is not a prefix of the node's "
                     "tree head of size 8");
}

TEST_F(CliLogProveTest, AnOlderSizeIsCheckedAgainstAGivenRoot) {
  v1::ProveLogResponse answer;
  *answer.mutable_entry() = entries_[1];
  answer.mutable_inclusion()->set_leaf_index(1);
  answer.mutable_inclusion()->set_tree_size(5);
  auto path = auditlog::InclusionProof(tree_, 1, 5);
  ASSERT_TRUE(path.ok());
  for (const std::string& h : *path) answer.mutable_inclusion()->add_hashes(h);
  node().SetProveAnswer(answer);
  CommandResult r = Run({"log", "prove", "--index", "1", "--size", "5"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("inclusion  NOT CHECKED: no root for a tree "
                               "of size 5 is known here"));
  r = Run(
      {"log", "prove", "--index", "1", "--size", "5", "--root", Hex(Root(5))});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("inclusion  proven: entry 1 is in the log "
                               "of size 5"));
  EXPECT_EQ(node().prove_requests().back().tree_size(), 5u);
}

TEST_F(CliLogProveTest, AnIndexBeyondTheHeadIsOneLine) {
  ExpectOneErrorLine(Run({"log", "prove", "--index", "8"}), 1,
                     "handover log prove: --index 8 is not in a log of size "
                     "8\n");
  EXPECT_TRUE(node().prove_requests().empty());
}

TEST_F(CliLogNodeTest, LogOverdueIsTheOverdueCommand) {
  v1::ListOverdueResponse overdue;
  v1::OverdueItem* item = overdue.add_items();
  item->set_transfer_id(kTransferHex);
  item->set_agency_id("greater-manchester-police");
  item->set_kind(v1::AGENCY_KIND_POLICE_FORCE);
  item->set_state(v1::DELIVERY_STATE_DELIVERED);
  item->mutable_due_at()->set_seconds(kBase);
  node().SetOverdueAnswer(overdue);
  CommandResult r = Run({"log", "overdue"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  CommandResult plain = Run({"overdue"});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_EQ(r.out, plain.out);
  EXPECT_THAT(r.out, HasSubstr("2026-05-28T20:26:40Z  "
                               "greater-manchester-police  police_force"));
}

// ---- log reconcile --------------------------------------------------------

class CliLogReconcileTest : public CliLogNodeTest {
 protected:
  // Two stuck copies: one at the router for 3h 12m (and a bit), one
  // delivered but not acknowledged for 2d 5h (and a bit).
  static v1::ReconcileLogResponse TwoRows() {
    const int64_t now = absl::ToUnixSeconds(absl::Now());
    v1::ReconcileLogResponse r;
    v1::ReconcileRow* older = r.add_rows();
    older->set_transfer_id(kTransferHex);
    older->set_recipient("greater-manchester-police");
    older->set_view("police");
    older->set_stage(v1::RECONCILE_STAGE_DELIVERED_NOT_ACKNOWLEDGED);
    older->mutable_since()->set_seconds(now - (2 * 86400 + 5 * 3600 + 30));
    older->set_detail("receipt verified; not acknowledged by the recipient");
    v1::ReconcileRow* newer = r.add_rows();
    newer->set_transfer_id("ffeeddccbbaa99887766554433221100");
    newer->set_recipient("birmingham-cs");
    newer->set_stage(v1::RECONCILE_STAGE_ACCEPTED_NOT_DELIVERED);
    newer->mutable_since()->set_seconds(now - (3 * 3600 + 12 * 60 + 30));
    newer->set_detail("the router holds it, \"pushed\" 2 times");
    return r;
  }
};

TEST_F(CliLogUsageTest, ReconcileUsageErrorsAreOneLine) {
  ExpectOneErrorLine(Run({"log", "reconcile", "--since", "yesterday"}), 2,
                     "handover log reconcile: --since: 'yesterday' is not a "
                     "time; use RFC 3339");
  ExpectOneErrorLine(Run({"log", "reconcile", "--until", "soon"}), 2,
                     "handover log reconcile: --until: ");
  ExpectOneErrorLine(Run({"log", "reconcile", "--format", "xml"}), 2,
                     "handover log reconcile: --format: ");
  ExpectOneErrorLine(Run({"log", "reconcile", "--fail-if-any=maybe"}), 2,
                     "handover log reconcile: ");
  ExpectOneErrorLine(Handover({"log", "reconcile", "--ca", "ca.pem"}), 2,
                     "handover log reconcile: --node is required");
}

TEST_F(CliLogReconcileTest, TableShowsStageInWordsAndHowLong) {
  node().SetReconcileAnswer(TwoRows());
  CommandResult r = Run({"log", "reconcile", "--since", "7d"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_THAT(r.out, HasSubstr("TRANSFER                          RECIPIENT"
                               "                  VIEW    STAGE"));
  EXPECT_THAT(r.out, HasSubstr("FOR     SINCE (UTC)\n"));
  EXPECT_THAT(r.out,
              HasSubstr(std::string(kTransferHex) +
                        "  greater-manchester-police  police  delivered, "
                        "not acknowledged  2d 5h   "));
  EXPECT_THAT(r.out, HasSubstr("ffeeddccbbaa99887766554433221100  "
                               "birmingham-cs              -       at "
                               "router, not delivered     3h 12m  "));
  EXPECT_THAT(r.out, Not(HasSubstr("WARNING")));
  EXPECT_THAT(r.out, Not(HasSubstr("pushed")));  // detail: csv and json only
  const auto requests = node().reconcile_requests();
  ASSERT_EQ(requests.size(), 1u);
  const int64_t week_ago = absl::ToUnixSeconds(absl::Now()) - 7 * 86400;
  EXPECT_NEAR(requests[0].since().seconds(), week_ago, 5);
  EXPECT_FALSE(requests[0].has_until());
}

TEST_F(CliLogReconcileTest, SendsAnExactWindow) {
  CommandResult r = Run({"log", "reconcile", "--since", "2026-05-01T00:00:00Z",
                         "--until", "2026-06-01T12:00:00+01:00"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("nothing stuck"));
  const auto requests = node().reconcile_requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].since().seconds(), 1777593600);
  EXPECT_EQ(requests[0].until().seconds(), 1780311600);
}

TEST_F(CliLogReconcileTest, Json) {
  v1::ReconcileLogResponse answer = TwoRows();
  answer.set_truncated(true);
  node().SetReconcileAnswer(answer);
  CommandResult r = Run({"log", "reconcile", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json out = nlohmann::json::parse(r.out);
  EXPECT_EQ(out["router_error"], "");
  EXPECT_EQ(out["truncated"], true);
  ASSERT_EQ(out["rows"].size(), 2u);
  EXPECT_EQ(out["rows"][0]["transfer_id"], kTransferHex);
  EXPECT_EQ(out["rows"][0]["stage"], "delivered_not_acknowledged");
  EXPECT_EQ(out["rows"][0]["stage_text"], "delivered, not acknowledged");
  EXPECT_EQ(out["rows"][0]["view"], "police");
  EXPECT_NEAR(out["rows"][0]["for_seconds"].get<int64_t>(),
              2 * 86400 + 5 * 3600 + 30, 5);
  EXPECT_EQ(out["rows"][1]["stage"], "accepted_not_delivered");
  EXPECT_EQ(out["rows"][1]["detail"],
            "the router holds it, \"pushed\" 2 times");
}

TEST_F(CliLogReconcileTest, CsvKeepsWarningsOffStdout) {
  v1::ReconcileLogResponse answer = TwoRows();
  answer.set_router_error("the router could not be asked: unavailable");
  node().SetReconcileAnswer(answer);
  CommandResult r = Run({"log", "reconcile", "--format", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, ::testing::StartsWith(
                         "transfer_id,recipient,view,stage,since,for_seconds,"
                         "detail\r\n" +
                         std::string(kTransferHex) +
                         ",greater-manchester-police,police,"
                         "delivered_not_acknowledged,"));
  EXPECT_THAT(r.out, HasSubstr(",birmingham-cs,,accepted_not_delivered,"));
  EXPECT_THAT(
      r.out, HasSubstr(",\"the router holds it, \"\"pushed\"\" 2 times\"\r\n"));
  EXPECT_THAT(r.out, Not(HasSubstr("WARNING")));
  EXPECT_EQ(r.err,
            "handover log reconcile: WARNING: the router's log was not "
            "consulted (the router could not be asked: unavailable); copies "
            "at the router rest on this node's view alone\n");
}

TEST_F(CliLogReconcileTest, WarnsWhenTheRouterWasNotAskedAndNotesTruncation) {
  v1::ReconcileLogResponse answer = TwoRows();
  answer.set_router_error("the router could not be asked: connection refused");
  answer.set_truncated(true);
  node().SetReconcileAnswer(answer);
  CommandResult r = Run({"log", "reconcile"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, ::testing::StartsWith(
                         "WARNING: the router's log was not consulted (the "
                         "router could not be asked: connection refused); "
                         "copies at the router rest on this node's view "
                         "alone\nTRANSFER "));
  EXPECT_THAT(r.out, HasSubstr("at router, not delivered"));
  EXPECT_THAT(r.out, ::testing::EndsWith(
                         "note: more transfers were sent in this window than "
                         "one call examines (1000); only the oldest are "
                         "shown: narrow it with --since/--until\n"));
}

TEST_F(CliLogReconcileTest, FailIfAnyExitsOneOnlyWhenSomethingIsStuck) {
  CommandResult r = Run({"log", "reconcile", "--fail-if-any"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_THAT(r.out, HasSubstr("nothing stuck"));

  node().SetReconcileAnswer(TwoRows());
  r = Run({"log", "reconcile"});
  EXPECT_EQ(r.exit_code, 0) << r.err;  // a report, even with rows
  // The report is still printed; the exit status and one line on stderr
  // are for the script.
  r = Run({"log", "reconcile", "--fail-if-any"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "handover log reconcile: 2 copies are stuck (--fail-if-any)\n");
  EXPECT_THAT(r.out, HasSubstr("at router, not delivered"));
}

TEST_F(CliLogReconcileTest, ANodeErrorIsOneLine) {
  node().SetLogError(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                  "since must be before until"));
  CommandResult r = Run({"log", "reconcile", "--since", "1h", "--until", "2h"});
  ExpectOneErrorLine(r, 1, "handover log reconcile: ");
  EXPECT_THAT(r.err, HasSubstr("since must be before until"));
  EXPECT_EQ(r.out, "");
}

}  // namespace
}  // namespace handover::testing

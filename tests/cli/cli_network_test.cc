// The network commands against the real daemons: handover-router and two
// handover-node processes from the committed demo network
// (certs-example/demo), moved to free ports, with real TLS and real SQLite
// files. The wider end-to-end suite is tests/integration; these few check
// that the CLI and the node agree on the wire.
#include <sys/stat.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "cli/cli_fixture.h"
#include "cli/run_command.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "harness/daemon_process.h"
#include "nlohmann/json.hpp"
#include "temp_dir.h"

namespace handover::testing {
namespace {

using integration::DaemonProcess;
using ::testing::HasSubstr;

std::string SourcePath(const std::string& relative) {
  return std::string(HANDOVER_SOURCE_DIR) + "/" + relative;
}
std::string BinaryPath(const std::string& relative) {
  return std::string(HANDOVER_BINARY_DIR) + "/" + relative;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void Spit(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

// Replaces one exact line in a config, failing the test if it is absent.
void ReplaceLine(const std::string& path, const std::string& from,
                 const std::string& to) {
  const std::string text = Slurp(path);
  ASSERT_NE(text.find(from + "\n"), std::string::npos) << path << ": " << from;
  Spit(path, absl::StrReplaceAll(text, {{from + "\n", to + "\n"}}));
}

// One network for the whole suite: starting it takes a few seconds.
class CliNetworkTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    UseSubprocessLeakSuppressions();
    dir_ = new TempDir();
    net_ = dir_->path() + "/net";
    CommandResult copied = RunCommand(
        {SourcePath("certs-example/use-demo-network"), net_}, dir_->path());
    ASSERT_EQ(copied.exit_code, 0) << copied.err;

    // Free ports instead of the demo's fixed ones, so tests never collide.
    ReplaceLine(net_ + "/router.toml", "listen = \"127.0.0.1:7400\"",
                "listen = \"127.0.0.1:0\"");
    router_ = new DaemonProcess("router",
                                {BinaryPath("daemon/router/handover-router"),
                                 "--config", net_ + "/router.toml"},
                                net_ + "/data/router", net_ + "/router.log");
    ASSERT_TRUE(router_->Start().ok());
    absl::StatusOr<std::string> router_address =
        router_->WaitForListenAddress(absl::Seconds(30));
    ASSERT_TRUE(router_address.ok()) << router_address.status();

    const std::vector<std::pair<std::string, int>> agencies = {
        {"stockport-cs", 7401}, {"birmingham-cs", 7403}};
    for (const auto& [agency, port] : agencies) {
      const std::string config = net_ + "/node-" + agency + ".toml";
      ReplaceLine(config, absl::StrCat("address = \"127.0.0.1:", port, "\""),
                  "address = \"127.0.0.1:0\"");
      ReplaceLine(config, "address = \"127.0.0.1:7400\"",
                  absl::StrCat("address = \"", *router_address, "\""));
      auto* node = new DaemonProcess(
          agency,
          {BinaryPath("daemon/node/app/handover-node"), "--config", config},
          net_ + "/data/" + agency, net_ + "/" + agency + ".log");
      nodes_->push_back(node);
      ASSERT_TRUE(node->Start().ok());
      absl::StatusOr<std::string> address =
          node->WaitForListenAddress(absl::Seconds(30));
      ASSERT_TRUE(address.ok()) << address.status();
      CommandResult ready =
          Handover({"info", "--node", *address, "--ca", "tls/ca.pem",
                    "--token-file", "tokens/" + agency + "/admin.token",
                    "--wait-ready", "--timeout", "60s"});
      ASSERT_EQ(ready.exit_code, 0) << ready.err << node->LogTail(20);
    }
  }

  static void TearDownTestSuite() {
    // Every daemon stops cleanly on SIGTERM.
    for (DaemonProcess* node : *nodes_) {
      absl::StatusOr<integration::ExitStatus> exit =
          node->Stop(absl::Seconds(20));
      EXPECT_TRUE(exit.ok() && exit->ok())
          << node->name() << ": " << node->LogTail(20);
      delete node;
    }
    nodes_->clear();
    if (router_ != nullptr) {
      absl::StatusOr<integration::ExitStatus> exit =
          router_->Stop(absl::Seconds(20));
      EXPECT_TRUE(exit.ok() && exit->ok()) << router_->LogTail(20);
      delete router_;
      router_ = nullptr;
    }
    delete dir_;
    dir_ = nullptr;
  }

  void SetUp() override {
    ASSERT_EQ(nodes_->size(), 2u) << "the network did not start";
  }

  static CommandResult Handover(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {BinaryPath("client/handover")};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv, net_);
  }

  static std::vector<std::string> CaseSystemAt(const DaemonProcess& node) {
    return {"--node", node.address(),        "--ca",  "tls/ca.pem",
            "--cert", "tls/case-system.pem", "--key", "tls/case-system.key"};
  }
  static std::vector<std::string> ReceiverAt(const DaemonProcess& node) {
    return {"--node",       node.address(),
            "--ca",         "tls/ca.pem",
            "--token-file", "tokens/" + node.name() + "/receiver.token"};
  }
  static CommandResult Run(std::vector<std::string> args,
                           const std::vector<std::string>& connection) {
    args.insert(args.end(), connection.begin(), connection.end());
    return Handover(args);
  }

  static const DaemonProcess& Stockport() { return *(*nodes_)[0]; }
  static const DaemonProcess& Birmingham() { return *(*nodes_)[1]; }

  static CommandResult Submit(const std::string& key) {
    return Run(
        {"submit", "--bundle", SourcePath("docs/examples/child-bundle.json"),
         "--to", "birmingham-cs", "--idempotency-key", key, "--attach",
         "photo.jpg", "--attach", "care-plan.pdf", "--format", "json"},
        CaseSystemAt(Stockport()));
  }

  static TempDir* dir_;
  static std::string net_;
  static DaemonProcess* router_;
  static std::vector<DaemonProcess*>* nodes_;
};

TempDir* CliNetworkTest::dir_ = nullptr;
std::string CliNetworkTest::net_;
DaemonProcess* CliNetworkTest::router_ = nullptr;
std::vector<DaemonProcess*>* CliNetworkTest::nodes_ =
    new std::vector<DaemonProcess*>();

TEST_F(CliNetworkTest, SubmitWaitFetchRoundTrip) {
  // A care plan of several 1 MiB messages, and a photo, as the bundle lists.
  const std::string photo = PatternBytes(184213, 5);
  const std::string plan = PatternBytes(3 * 1024 * 1024 + 77, 6);
  Spit(net_ + "/photo.jpg", photo);
  Spit(net_ + "/care-plan.pdf", plan);

  CommandResult submitted = Submit("round-trip-1");
  ASSERT_EQ(submitted.exit_code, 0) << submitted.err;
  const std::string id =
      nlohmann::json::parse(submitted.out)["transfer_id"].get<std::string>();
  ASSERT_EQ(id.size(), 32u);

  CommandResult status = Run({"status", id, "--wait", "delivered", "--timeout",
                              "60s", "--format", "json"},
                             CaseSystemAt(Stockport()));
  ASSERT_EQ(status.exit_code, 0) << status.err;
  nlohmann::json s = nlohmann::json::parse(status.out);
  EXPECT_EQ(s["state"], "delivered");
  ASSERT_EQ(s["recipients"].size(), 1u);
  EXPECT_EQ(s["recipients"][0]["agency_id"], "birmingham-cs");
  EXPECT_EQ(s["recipients"][0]["receipt"]["signer_id"], "birmingham-cs");

  CommandResult inbox =
      Run({"inbox", "--all", "--format", "json"}, ReceiverAt(Birmingham()));
  ASSERT_EQ(inbox.exit_code, 0) << inbox.err;
  bool listed = false;
  const nlohmann::json listing = nlohmann::json::parse(inbox.out);
  for (const nlohmann::json& e : listing["entries"]) {
    if (e["transfer_id"] == id) {
      listed = true;
      EXPECT_EQ(e["sender_id"], "stockport-cs");
    }
  }
  EXPECT_TRUE(listed) << inbox.out;

  CommandResult fetched =
      Run({"fetch", id, "--out", "received-" + id}, ReceiverAt(Birmingham()));
  ASSERT_EQ(fetched.exit_code, 0) << fetched.err;
  EXPECT_EQ(Slurp(net_ + "/received-" + id + "/attachments/photo.jpg"), photo);
  EXPECT_EQ(Slurp(net_ + "/received-" + id + "/attachments/care-plan.pdf"),
            plan);
  nlohmann::json bundle =
      nlohmann::json::parse(Slurp(net_ + "/received-" + id + "/bundle.json"));
  EXPECT_EQ(bundle["metadata"]["sender_reference"], "STK-CSC-SAMPLE-000123");
}

TEST_F(CliNetworkTest, TheSameIdempotencyKeyNeverSendsTwice) {
  Spit(net_ + "/photo.jpg", PatternBytes(184213, 7));
  Spit(net_ + "/care-plan.pdf", PatternBytes(1000, 8));
  CommandResult first = Submit("twice-1");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  CommandResult second = Submit("twice-1");
  ASSERT_EQ(second.exit_code, 0) << second.err;
  nlohmann::json a = nlohmann::json::parse(first.out);
  nlohmann::json b = nlohmann::json::parse(second.out);
  EXPECT_EQ(a["duplicate"], false);
  EXPECT_EQ(b["duplicate"], true);
  EXPECT_EQ(a["transfer_id"], b["transfer_id"]);
}

TEST_F(CliNetworkTest, EachClientKeepsToItsRole) {
  CommandResult inbox = Run({"inbox"}, CaseSystemAt(Birmingham()));
  ExpectOneErrorLine(inbox, 1,
                     "handover inbox: this client's role may not call "
                     "ListInbox: ");
  Spit(net_ + "/photo.jpg", "x");
  Spit(net_ + "/care-plan.pdf", "y");
  CommandResult submit =
      Run({"submit", "--bundle", SourcePath("docs/examples/child-bundle.json"),
           "--to", "stockport-cs", "--idempotency-key", "role-1", "--attach",
           "photo.jpg", "--attach", "care-plan.pdf"},
          ReceiverAt(Birmingham()));
  ExpectOneErrorLine(submit, 1,
                     "handover submit: this client's role may not call "
                     "SubmitTransfer: ");
}

TEST_F(CliNetworkTest, AnUnknownTokenIsRefused) {
  Spit(net_ + "/stranger.token", "not-a-token-any-node-knows\n");
  ASSERT_EQ(chmod((net_ + "/stranger.token").c_str(), 0600), 0);
  CommandResult r = Handover({"inbox", "--node", Birmingham().address(), "--ca",
                              "tls/ca.pem", "--token-file", "stranger.token"});
  ExpectOneErrorLine(r, 1,
                     "handover inbox: the node at " + Birmingham().address() +
                         " does not accept this client's certificate or "
                         "token: ");
}

}  // namespace
}  // namespace handover::testing

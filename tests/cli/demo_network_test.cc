// certs-example/make-demo-network and use-demo-network: the demo network
// they write loads with the daemons' own config loaders, its directory
// verifies and says what the demo needs, secrets get mode 0600, and the
// committed copy in certs-example/demo stays usable.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cli_fixture.h"
#include "config/node_config.h"
#include "config/router_config.h"
#include "crypto/sha256.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace handover::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::vector<std::string>& Agencies() {
  static const std::vector<std::string> agencies = {
      "stockport-cs",      "stockport-health",          "birmingham-cs",
      "birmingham-health", "greater-manchester-police", "west-midlands-police"};
  return agencies;
}

std::string Script(const std::string& name) {
  return std::string(HANDOVER_SOURCE_DIR) + "/certs-example/" + name;
}

std::string HandoverBinary() {
  return std::string(HANDOVER_BINARY_DIR) + "/client/handover";
}

class DemoNetworkTest : public CliTest {
 protected:
  CommandResult MakeNetwork(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> argv = {Script("make-demo-network")};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.push_back("net");
    argv.push_back(HandoverBinary());
    return RunCommand(argv, dir_);
  }

  // Checks what every copy of the network must satisfy, in `net`.
  void ExpectUsableNetwork(const std::string& net) {
    absl::StatusOr<config::RouterConfig> router =
        config::LoadRouterConfig(net + "/router.toml");
    ASSERT_TRUE(router.ok()) << router.status();
    EXPECT_EQ(router->router.agency_id, "handover-router");
    EXPECT_EQ(router->router.listen, "127.0.0.1:7400");
    int port = 7401;
    for (const std::string& agency : Agencies()) {
      SCOPED_TRACE(agency);
      absl::StatusOr<config::NodeConfig> node =
          config::LoadNodeConfig(net + "/node-" + agency + ".toml");
      ASSERT_TRUE(node.ok()) << node.status();
      EXPECT_EQ(node->node.agency_id, agency);
      EXPECT_EQ(node->router.agency_id, "handover-router");
      EXPECT_EQ(node->listen.address, "127.0.0.1:" + std::to_string(port++));
      EXPECT_EQ(node->router.address, "127.0.0.1:7400");
      std::set<std::string> names;
      for (const config::ClientEntry& c : node->clients) {
        names.insert(c.name);
        if (c.name == "records-reader" || c.name == "duty-admin") {
          const std::string file =
              net + "/tokens/" + agency + "/" +
              (c.name == "records-reader" ? "receiver.token" : "admin.token");
          std::string token = ReadFileAt(file);
          ASSERT_FALSE(token.empty()) << file;
          token.pop_back();  // the newline
          EXPECT_EQ(c.token_sha256, crypto::Sha256Hex(token));
          EXPECT_EQ(ModeAt(file), 0600);
        }
      }
      const bool police = agency.find("police") != std::string::npos;
      std::set<std::string> expected = {"case-system", "records-reader",
                                        "duty-admin"};
      if (police) expected.insert("control-room");
      EXPECT_EQ(names, expected);
    }
    CommandResult verify =
        RunCommand({HandoverBinary(), "directory", "verify", "--trust-root",
                    "authority/public.key", "--in", "directory.signed",
                    "--format", "json"},
                   net);
    ASSERT_EQ(verify.exit_code, 0) << verify.err;
  }

  std::string ReadFileAt(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }

  int ModeAt(const std::string& path) {
    struct stat st;
    if (stat(path.c_str(), &st) != 0) return -1;
    return st.st_mode & 07777;
  }
};

TEST_F(DemoNetworkTest, MakesANetworkThatTheDaemonsWouldLoad) {
  CommandResult r = MakeNetwork();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("DEMO ONLY"));
  ExpectUsableNetwork(Path("net"));
  EXPECT_THAT(ReadFile("net/README.md"),
              HasSubstr("DEMO ONLY — never use for real records"));
  for (const std::string secret :
       {"net/authority/secret.key", "net/keys/handover-router/secret.key",
        "net/keys/stockport-cs/secret.key", "net/tls/router.key",
        "net/tls/case-system.key"}) {
    EXPECT_EQ(ModeOf(secret), 0600) << secret;
  }
  // Nothing of the scratch directory is left behind.
  for (const std::string& name : List("net")) {
    EXPECT_EQ(name.find(".make-demo-network"), std::string::npos) << name;
  }
}

TEST_F(DemoNetworkTest, TheDirectoryListsTheAgenciesTheDemoNeeds) {
  ASSERT_EQ(MakeNetwork().exit_code, 0);
  CommandResult r = RunCommand({HandoverBinary(), "directory", "show", "--in",
                                "directory.signed", "--format", "json"},
                               Path("net"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json dir = nlohmann::json::parse(r.out);
  std::map<std::string, nlohmann::json> by_id;
  for (const nlohmann::json& a : dir["agencies"]) by_id[a["id"]] = a;
  ASSERT_EQ(by_id.size(), 7u);
  EXPECT_EQ(by_id["handover-router"]["kind"], "AGENCY_KIND_OTHER");
  EXPECT_TRUE(by_id["handover-router"]["areas"].empty());
  EXPECT_EQ(by_id["stockport-cs"]["areas"], nlohmann::json({"E08000007"}));
  EXPECT_EQ(by_id["birmingham-cs"]["areas"], nlohmann::json({"E08000025"}));
  EXPECT_EQ(by_id["greater-manchester-police"]["areas"].size(), 10u);
  EXPECT_EQ(by_id["west-midlands-police"]["areas"].size(), 7u);
  EXPECT_EQ(by_id["west-midlands-police"]["kind"], "AGENCY_KIND_POLICE_FORCE");
  // Each fingerprint is that of the agency's own certificate.
  const std::string fingerprints = ReadFile("net/tls/fingerprints.txt");
  for (const std::string& agency : Agencies()) {
    EXPECT_THAT(fingerprints,
                HasSubstr(agency + " " +
                          by_id[agency]["tls_cert_sha256"].get<std::string>()));
  }
  EXPECT_THAT(fingerprints,
              HasSubstr("router " + by_id["handover-router"]["tls_cert_sha256"]
                                        .get<std::string>()));
}

TEST_F(DemoNetworkTest, LeavesAWholeNetworkAloneAndRefusesHalfOne) {
  ASSERT_EQ(MakeNetwork().exit_code, 0);
  const std::string before = ReadFile("net/directory.signed");
  CommandResult again = MakeNetwork();
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.out, HasSubstr("leaving it"));
  EXPECT_EQ(ReadFile("net/directory.signed"), before);

  fs::remove(Path("net/router.toml"));
  CommandResult half = MakeNetwork();
  EXPECT_EQ(half.exit_code, 1);
  EXPECT_THAT(half.err, HasSubstr("part of a demo network"));

  CommandResult forced = MakeNetwork({"--force"});
  ASSERT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_NE(ReadFile("net/directory.signed"), before);
  ExpectUsableNetwork(Path("net"));
}

TEST_F(DemoNetworkTest, UseDemoNetworkRestoresTheModesGitDropped) {
  ASSERT_EQ(MakeNetwork().exit_code, 0);
  // A git checkout: every file 0644 (or 0755), data from an earlier run.
  for (const auto& e : fs::recursive_directory_iterator(Path("net"))) {
    if (e.is_regular_file()) {
      fs::permissions(e.path(), fs::perms(0644), fs::perm_options::replace);
    }
  }
  fs::create_directories(Path("net/data/router"));
  CommandResult r =
      RunCommand({Script("use-demo-network"), "--from", "net", "copy"}, dir_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(Exists("copy/data"));
  EXPECT_EQ(ModeOf("copy/tls/router.key"), 0600);
  EXPECT_EQ(ModeOf("copy/keys/birmingham-cs/secret.key"), 0600);
  EXPECT_EQ(ModeOf("copy/keys/birmingham-cs/public.key"), 0644);
  EXPECT_EQ(ModeOf("copy/tokens/birmingham-cs/receiver.token"), 0600);
  EXPECT_EQ(ModeOf("copy/router.toml"), 0644);
  EXPECT_EQ(ModeOf("copy/keys"), 0700);
  ExpectUsableNetwork(Path("copy"));

  CommandResult again =
      RunCommand({Script("use-demo-network"), "--from", "net", "copy"}, dir_);
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_THAT(again.err, HasSubstr("is not empty"));
}

TEST_F(DemoNetworkTest, TheCommittedDemoNetworkIsUsable) {
  ASSERT_TRUE(fs::exists(Script("demo/router.toml")))
      << "regenerate it: certs-example/make-demo-network --force "
         "certs-example/demo build/client/handover";
  CommandResult r = RunCommand({Script("use-demo-network"), "copy"}, dir_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ExpectUsableNetwork(Path("copy"));
  EXPECT_THAT(ReadFile("copy/README.md"),
              HasSubstr("DEMO ONLY — never use for real records"));
}

}  // namespace
}  // namespace handover::testing

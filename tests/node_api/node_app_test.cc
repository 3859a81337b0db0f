// NodeApp in-process and the handover-node binary as a process: start-up
// from a real config (demo certificates, fresh agency keys, an unreachable
// router), the listen-address file, --check, a port already in use, and a
// clean exit on SIGTERM.
#include "node/app/node_app.h"

#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "cli/run_command.h"
#include "config/node_config.h"
#include "crypto/key_file.h"
#include "crypto/sha256.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "handover/v1/node.grpc.pb.h"
#include "rpc/tls_credentials.h"
#include "temp_dir.h"
#include "tls/test_certs.h"

extern char** environ;

namespace handover::node::app {
namespace {

using ::testing::HasSubstr;

const std::string kAdminToken = "admin-token-for-app-test";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string NodeBinary() {
  return std::string(HANDOVER_BINARY_DIR) + "/daemon/node/app/handover-node";
}

// A config directory laid out as docs/CONFIG.md's example: tls/, keys/,
// authority/, data/ and node.toml listening on `listen`.
class NodeAppTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string& certs = handover::testing::DemoCertsDir();
    ASSERT_FALSE(certs.empty());
    std::filesystem::create_directories(Dir() + "/tls");
    for (const char* name : {"ca.pem", "stockport-cs.pem"}) {
      handover::testing::CopyTestFile(certs + "/" + name,
                                      Dir() + "/tls/" + name, 0644);
    }
    handover::testing::CopyTestFile(certs + "/stockport-cs.key",
                                    Dir() + "/tls/stockport-cs.key", 0600);
    auto agency = crypto::SecretIdentity::Generate("stockport-cs");
    ASSERT_TRUE(agency.ok());
    ASSERT_TRUE(
        crypto::WriteKeyDirectory(Dir() + "/keys/stockport-cs", *agency).ok());
    auto authority = crypto::SecretIdentity::Generate("authority");
    ASSERT_TRUE(authority.ok());
    ASSERT_TRUE(
        crypto::WriteKeyDirectory(Dir() + "/authority", *authority).ok());
    WriteConfig("127.0.0.1:0");
  }

  void WriteConfig(const std::string& listen) {
    std::string text = R"([node]
agency_id = "stockport-cs"
key_dir = "keys/stockport-cs"
data_dir = "data"
trust_root = "authority/public.key"

[listen]
address = "LISTEN"
tls_cert = "tls/stockport-cs.pem"
tls_key = "tls/stockport-cs.key"

[router]
address = "127.0.0.1:1"
agency_id = "handover-router"
tls_cert = "tls/stockport-cs.pem"
tls_key = "tls/stockport-cs.key"
ca = "tls/ca.pem"

[[clients]]
name = "duty-admin"
role = "admin"
token_sha256 = "DIGEST"
)";
    text = absl::StrReplaceAll(
        text, {{"LISTEN", listen}, {"DIGEST", crypto::Sha256Hex(kAdminToken)}});
    std::ofstream(ConfigPath()) << text;
  }

  std::string Dir() const { return dir_.path(); }
  std::string ConfigPath() const { return Dir() + "/node.toml"; }
  std::string ListenFile() const { return Dir() + "/data/listen-address"; }

  grpc::Status GetNodeInfo(const std::string& address,
                           handover::v1::NodeInfo* info) {
    auto credentials = rpc::MakeChannelCredentials(
        {handover::testing::DemoCertsDir() + "/ca.pem", "", ""});
    EXPECT_TRUE(credentials.ok());
    auto stub =
        handover::v1::Node::NewStub(rpc::MakeChannel(address, *credentials));
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + kAdminToken);
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(30));
    return stub->GetNodeInfo(&context, handover::v1::GetNodeInfoRequest(),
                             info);
  }

  handover::testing::TempDir dir_;
};

TEST_F(NodeAppTest, StartsServesAndCleansUp) {
  absl::StatusOr<config::NodeConfig> config =
      config::LoadNodeConfig(ConfigPath());
  ASSERT_TRUE(config.ok()) << config.status();
  absl::StatusOr<std::unique_ptr<NodeApp>> app = NodeApp::Start(*config);
  ASSERT_TRUE(app.ok()) << app.status();
  const std::string address = (*app)->listen_address();
  EXPECT_THAT(address, HasSubstr("127.0.0.1:"));
  EXPECT_NE(address, "127.0.0.1:0");
  EXPECT_EQ(ReadFile(ListenFile()), address + "\n");

  handover::v1::NodeInfo info;
  grpc::Status s = GetNodeInfo(address, &info);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(info.agency_id(), "stockport-cs");
  EXPECT_EQ(info.directory_version(), 0u);
  EXPECT_FALSE(info.router_connected());

  // A second node on the same port fails with one clear line.
  WriteConfig(address);
  absl::StatusOr<config::NodeConfig> same_port =
      config::LoadNodeConfig(ConfigPath());
  ASSERT_TRUE(same_port.ok()) << same_port.status();
  absl::StatusOr<std::unique_ptr<NodeApp>> second = NodeApp::Start(*same_port);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(second.status().message(), HasSubstr("already in use"));

  (*app)->Shutdown();
  EXPECT_FALSE(std::filesystem::exists(ListenFile()));
  EXPECT_TRUE(std::filesystem::exists(Dir() + "/data/node.db"));
}

TEST_F(NodeAppTest, CheckPrintsConfigOk) {
  handover::testing::CommandResult result = handover::testing::RunCommand(
      {NodeBinary(), "--config", ConfigPath(), "--check"}, "/");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "config OK: " + ConfigPath() + "\n");
}

TEST_F(NodeAppTest, CheckPrintsEveryProblemOnItsOwnLine) {
  std::string text = ReadFile(ConfigPath());
  text = absl::StrReplaceAll(
      text, {{"address = \"127.0.0.1:0\"", "adress = \"127.0.0.1:0\""},
             {"role = \"admin\"", "role = \"boss\""}});
  std::ofstream(ConfigPath()) << text;
  handover::testing::CommandResult result = handover::testing::RunCommand(
      {NodeBinary(), "--config", ConfigPath(), "--check"}, "/");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err, HasSubstr("unknown key \"adress\""));
  EXPECT_THAT(result.err, HasSubstr("unknown role \"boss\""));
  EXPECT_GE(std::count(result.err.begin(), result.err.end(), '\n'), 2);
}

TEST_F(NodeAppTest, BinaryExitsCleanlyOnSigterm) {
  std::vector<std::string> args = {NodeBinary(), "--config", ConfigPath(),
                                   "--log-level", "warn"};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ),
            0);
  // Readiness, not speed: wait (generously) for the listen-address file.
  for (int i = 0; i < 600 && !std::filesystem::exists(ListenFile()); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(std::filesystem::exists(ListenFile()));
  std::string address = ReadFile(ListenFile());
  ASSERT_FALSE(address.empty());
  address.pop_back();
  handover::v1::NodeInfo info;
  grpc::Status s = GetNodeInfo(address, &info);
  EXPECT_TRUE(s.ok()) << s.error_message();

  ASSERT_EQ(kill(pid, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_FALSE(std::filesystem::exists(ListenFile()));
}

}  // namespace
}  // namespace handover::node::app

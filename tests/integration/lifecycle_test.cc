// Starting and stopping the daemons: SIGTERM lets an in-flight upload finish
// and exits 0, and an idle client connection does not hold it up; a config
// mistake stops start-up with one clear line and exit code 1; both daemons
// serve gRPC health checking and reflection.
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "common/file_util.h"
#include "gtest/gtest.h"
#include "harness/network_test.h"
#include "harness/router_client.h"

namespace handover::integration {
namespace {

namespace v1 = handover::v1;

using LifecycleTest = NetworkTest;

TEST_F(LifecycleTest, SigtermDrainsAnUploadInFlightAndExitsZero) {
  ASSERT_NO_FATAL_FAILURE(StartNetwork());
  constexpr size_t kChunk = 1 << 20;
  constexpr int kChunks = 16;

  // Half an upload, then SIGTERM, then the other half.
  auto client = net().Client(kStockport, Role::kSubmitter);
  std::unique_ptr<grpc::ClientContext> context = client->NewContext();
  v1::SubmitTransferResponse response;
  auto writer = client->stub().SubmitTransfer(context.get(), &response);
  v1::SubmitTransferRequest start;
  start.mutable_start()->set_idempotency_key("drain-1");
  start.mutable_start()->add_recipients(kBirmingham);
  *start.mutable_start()->mutable_bundle() = MinimalBundle("REF-DRAIN");
  v1::AttachmentDescriptor* attachment =
      start.mutable_start()->add_attachments();
  attachment->set_name("drain.bin");
  attachment->set_media_type("application/octet-stream");
  attachment->set_size(kChunk * kChunks);
  ASSERT_TRUE(writer->Write(start));
  v1::SubmitTransferRequest data;
  data.mutable_attachment_data()->set_data(std::string(kChunk, 'd'));
  for (int i = 0; i < kChunks / 2; ++i) ASSERT_TRUE(writer->Write(data));

  DaemonProcess& stockport = net().node_process(kStockport);
  ASSERT_OK(stockport.Signal(SIGTERM));
  absl::SleepFor(absl::Milliseconds(200));
  for (int i = kChunks / 2; i < kChunks; ++i) {
    EXPECT_TRUE(writer->Write(data)) << "stream cut at chunk " << i;
  }
  writer->WritesDone();
  const absl::Status finished = FromGrpc(writer->Finish());
  EXPECT_OK(finished);
  ASSERT_OK_AND_ASSIGN(ExitStatus exit,
                       stockport.WaitExit(Scaled(absl::Seconds(20))));
  EXPECT_TRUE(exit.ok()) << exit.ToString();
  EXPECT_FALSE(std::filesystem::exists(net().NodeDataDir(kStockport) +
                                       "/listen-address"));

  // What was accepted during the drain is durable and goes out on restart.
  ASSERT_OK(net().StartNode(kStockport));
  if (finished.ok()) {
    ASSERT_OK(net()
                  .Client(kStockport, Role::kSubmitter)
                  ->WaitForState(response.transfer_id(),
                                 v1::DELIVERY_STATE_DELIVERED, Wait())
                  .status());
  }

  // Every daemon stops cleanly on SIGTERM and removes its listen-address.
  for (const std::string& id : net().node_ids()) {
    EXPECT_OK(net().StopNode(id));
    EXPECT_FALSE(
        std::filesystem::exists(net().NodeDataDir(id) + "/listen-address"))
        << id;
  }
  EXPECT_OK(net().StopRouter());
  EXPECT_FALSE(
      std::filesystem::exists(net().RouterDataDir() + "/listen-address"));
}

// SIGTERM, then the exit within `bound`, with exit code 0.
void ExpectPromptExit(DaemonProcess& daemon, absl::Duration bound) {
  const absl::Time start = absl::Now();
  ASSERT_OK(daemon.Signal(SIGTERM));
  absl::StatusOr<ExitStatus> exit = daemon.WaitExit(bound);
  ASSERT_TRUE(exit.ok()) << exit.status() << "; log:\n" << daemon.LogTail(20);
  EXPECT_TRUE(exit->ok()) << exit->ToString();
  std::cerr << daemon.name() << ": SIGTERM to exit took "
            << absl::FormatDuration(absl::Now() - start) << "\n";
}

TEST_F(LifecycleTest, AnIdleConnectionDoesNotHoldTheDrainOpen) {
  ASSERT_NO_FATAL_FAILURE(StartNetwork());
  // Not Scaled: an idle client used to hold each daemon for 5 s or more,
  // and four times this bound (under ASan) would hide that.
  const absl::Duration bound = absl::Seconds(3);

  // One call on each channel, then the channels stay open with nothing in
  // flight, as an operator's long-lived client would keep them.
  auto node = net().Client(kStockport, Role::kAdmin);
  ASSERT_OK(node->GetNodeInfo().status());
  auto router = net().RouterAs(kBirmingham);
  ASSERT_OK(router->GetDirectory().status());

  ASSERT_NO_FATAL_FAILURE(
      ExpectPromptExit(net().node_process(kStockport), bound));
  EXPECT_FALSE(std::filesystem::exists(net().NodeDataDir(kStockport) +
                                       "/listen-address"));
  // Two nodes are still on their mailbox streams to the router.
  ASSERT_NO_FATAL_FAILURE(ExpectPromptExit(net().router_process(), bound));
  EXPECT_FALSE(
      std::filesystem::exists(net().RouterDataDir() + "/listen-address"));
}

// A bound listening socket on 127.0.0.1, to make a port busy.
class BusyPort {
 public:
  BusyPort() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
        listen(fd_, 1) != 0) {
      ADD_FAILURE() << "could not bind a port";
      return;
    }
    socklen_t len = sizeof(addr);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~BusyPort() { close(fd_); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

class ConfigMistakeTest : public NetworkTest {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(CreateNetwork()); }

  // Runs `binary` on `config_text` (written to a file of its own) with
  // `extra` arguments, and checks: exit code 1, and exactly one line of
  // output, which contains `expected`.
  void ExpectOneLineAndExit1(const std::string& binary,
                             const std::string& config_text,
                             const std::string& expected,
                             const std::vector<std::string>& extra = {}) {
    const std::string config = Scratch("mistake-" + RandomHex(4) + ".toml");
    ASSERT_OK(WriteFileAtomically(config, config_text, 0600));
    std::vector<std::string> argv = {binary, "--config", config};
    argv.insert(argv.end(), extra.begin(), extra.end());
    ASSERT_OK_AND_ASSIGN(
        CommandOutput result,
        RunToExit(argv, Scratch("mistake.log"), Scaled(absl::Seconds(30))));
    EXPECT_TRUE(result.status.exited && result.status.code == 1)
        << result.status.ToString() << "\n"
        << result.output;
    const std::vector<std::string> lines =
        absl::StrSplit(result.output, '\n', absl::SkipEmpty());
    EXPECT_EQ(lines.size(), 1u) << result.output;
    EXPECT_TRUE(absl::StrContains(result.output, expected))
        << "expected \"" << expected << "\" in:\n"
        << result.output;
  }

  // A copy of the file at `from` with mode 0644.
  std::string OpenCopy(const std::string& from, const std::string& name) {
    const std::string to = Scratch(name);
    std::filesystem::copy_file(from, to);
    chmod(to.c_str(), 0644);
    return to;
  }
};

TEST_F(ConfigMistakeTest, GoodConfigsPassTheCheck) {
  for (const auto& [binary, config] :
       std::vector<std::pair<std::string, std::string>>{
           {RouterBinary(), net().RouterConfigText()},
           {NodeBinary(), net().NodeConfigText(kStockport)}}) {
    const std::string path = Scratch("good-" + RandomHex(4) + ".toml");
    ASSERT_OK(WriteFileAtomically(path, config, 0600));
    ASSERT_OK_AND_ASSIGN(
        CommandOutput result,
        RunToExit({binary, "--config", path, "--check"}, Scratch("check.log"),
                  Scaled(absl::Seconds(30))));
    EXPECT_TRUE(result.status.ok()) << result.status.ToString() << "\n"
                                    << result.output;
    EXPECT_TRUE(absl::StrContains(result.output, "config OK: "))
        << result.output;
  }
}

TEST_F(ConfigMistakeTest, KeyFileReadableByOthers) {
  const std::string router_key = OpenCopy(net().KeyPath("router"), "r.key");
  ExpectOneLineAndExit1(
      RouterBinary(),
      absl::StrReplaceAll(net().RouterConfigText(),
                          {{net().KeyPath("router"), router_key}}),
      "0644");

  // The node names its TLS key in [listen] and [router]; open only the
  // [listen] one, so that there is exactly one mistake.
  const std::string node_key = OpenCopy(net().KeyPath(kStockport), "n.key");
  const std::string listen_key_line =
      "tls_key = \"" + net().KeyPath(kStockport) + "\"\nclient_ca";
  std::string one_mistake = net().NodeConfigText(kStockport);
  ASSERT_TRUE(absl::StrContains(one_mistake, listen_key_line));
  one_mistake = absl::StrReplaceAll(
      one_mistake,
      {{listen_key_line, "tls_key = \"" + node_key + "\"\nclient_ca"}});
  ExpectOneLineAndExit1(NodeBinary(), one_mistake, "0644");
  ExpectOneLineAndExit1(NodeBinary(), one_mistake, "0644", {"--check"});

  // The agency's secret key, too.
  const std::string key_dir = Scratch("open-keys");
  std::filesystem::copy(net().node_settings(kStockport).key_dir, key_dir);
  chmod((key_dir + "/secret.key").c_str(), 0644);
  ExpectOneLineAndExit1(
      NodeBinary(),
      absl::StrReplaceAll(net().NodeConfigText(kStockport),
                          {{net().node_settings(kStockport).key_dir, key_dir}}),
      "0644");
}

TEST_F(ConfigMistakeTest, UnknownConfigKey) {
  ExpectOneLineAndExit1(
      RouterBinary(),
      absl::StrReplaceAll(
          net().RouterConfigText(),
          {{"[router]\n", "[router]\nlisten_adress = \"x\"\n"}}),
      "unknown key");
  ExpectOneLineAndExit1(
      NodeBinary(),
      absl::StrReplaceAll(net().NodeConfigText(kStockport),
                          {{"[listen]\n", "[listen]\nadress = \"x\"\n"}}),
      "unknown key \"adress\"");
}

TEST_F(ConfigMistakeTest, PortAlreadyInUse) {
  BusyPort busy;
  const std::string address = absl::StrCat("127.0.0.1:", busy.port());
  ExpectOneLineAndExit1(
      RouterBinary(),
      absl::StrReplaceAll(net().RouterConfigText(),
                          {{net().router_settings().listen, address}}),
      "already in use");
  ExpectOneLineAndExit1(
      NodeBinary(),
      absl::StrReplaceAll(
          net().NodeConfigText(kStockport),
          {{"address = \"127.0.0.1:0\"", "address = \"" + address + "\""}}),
      "already in use");
}

TEST_F(LifecycleTest, BothDaemonsServeHealthAndReflection) {
  ASSERT_NO_FATAL_FAILURE(StartNetwork());
  const absl::Duration timeout = Scaled(absl::Seconds(10));
  auto router = net().RouterChannel(kStockport);
  ASSERT_OK_AND_ASSIGN(int serving, HealthCheck(router, "", "", timeout));
  EXPECT_EQ(serving, 1) << "SERVING";
  ASSERT_OK_AND_ASSIGN(std::string services,
                       ReflectionListServices(router, "", timeout));
  EXPECT_TRUE(absl::StrContains(services, "handover.v1.Router")) << services;

  auto node = net().NodeChannel(kStockport, "");
  ASSERT_OK_AND_ASSIGN(serving, HealthCheck(node, "", "", timeout));
  EXPECT_EQ(serving, 1) << "SERVING";
  ASSERT_OK_AND_ASSIGN(
      services, ReflectionListServices(
                    node, net().Token(kStockport, Role::kAdmin), timeout));
  EXPECT_TRUE(absl::StrContains(services, "handover.v1.Node")) << services;
}

}  // namespace
}  // namespace handover::integration

// A full disk under the router and under a node. Each daemon's data
// directory is put on a small tmpfs and a ballast file takes every free
// byte. The daemon refuses new work with RESOURCE_EXHAUSTED and one line
// saying its disk is full, keeps serving, stores nothing half-way and loses
// nothing it had accepted; once the ballast is gone it takes new work again
// without a restart and everything queued is delivered with receipts.
#include <dirent.h>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "harness/network_test.h"
#include "harness/small_filesystem.h"

namespace handover::integration {
namespace {

namespace v1 = handover::v1;

constexpr uint64_t kFilesystemBytes = 64 << 20;
// Over the router's 64 KiB inline limit, so the ciphertext needs a spool
// file: a new file on the full disk, never a reused WAL page.
constexpr uint64_t kAttachmentBytes = 256 << 10;
constexpr int kBefore = 3;  // accepted before the disk fills
constexpr int kDuring = 2;  // offered while it is full

// Names in `dir` (not . and ..); empty if it cannot be read.
std::vector<std::string> Entries(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return names;
  while (struct dirent* e = readdir(d)) {
    const std::string name = e->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  closedir(d);
  return names;
}

// Temporary files (the ".NAME.tmp-XXXXXX" of an atomic write) anywhere
// under `dir`: a refused write must leave none.
std::vector<std::string> TempFilesUnder(const std::string& dir) {
  std::vector<std::string> found;
  for (const std::string& name : Entries(dir)) {
    const std::string path = dir + "/" + name;
    if (absl::StrContains(name, ".tmp-")) found.push_back(path);
    for (const std::string& inner : TempFilesUnder(path)) {
      found.push_back(inner);
    }
  }
  return found;
}

class DiskFullTest : public NetworkTest {
 protected:
  // Mounts the small filesystem; skips (loudly) only without the privilege.
  void MountSmallFilesystem() {
    absl::StatusOr<std::unique_ptr<SmallFilesystem>> fs =
        SmallFilesystem::Mount(kFilesystemBytes);
    if (absl::IsPermissionDenied(fs.status())) {
      GTEST_SKIP() << "SKIPPED FOR MISSING PRIVILEGE: "
                   << fs.status().message();
    }
    ASSERT_TRUE(fs.ok()) << fs.status();
    fs_ = *std::move(fs);
  }

  void TearDown() override {
    net_.reset();  // daemons first, then the filesystem under them
    fs_.reset();
  }

  void MakeAttachment() {
    attachment_ = Scratch("report.pdf");
    ASSERT_OK(WriteTestFile(attachment_, kAttachmentBytes, 11));
  }

  absl::StatusOr<std::string> SendReport(const std::string& reference) {
    return Send(kStockport, {kBirmingham}, reference,
                {{attachment_, "report.pdf"}});
  }

  // Every transfer delivered to Birmingham, with a receipt that verifies.
  void ExpectDeliveredWithReceipts(const std::vector<std::string>& ids) {
    std::unique_ptr<NodeClient> sender = net().Client(kStockport, Role::kAdmin);
    for (const std::string& id : ids) {
      SCOPED_TRACE(id);
      ASSERT_OK_AND_ASSIGN(
          v1::TransferStatusResponse status,
          sender->WaitForState(id, v1::DELIVERY_STATE_DELIVERED, Wait()));
      ASSERT_EQ(status.recipients_size(), 1);
      ASSERT_TRUE(status.recipients(0).has_receipt());
      EXPECT_OK(
          net()
              .VerifyNoticeFrom(status.recipients(0).receipt(), kBirmingham)
              .status());
      EXPECT_EQ(InboxCount(kBirmingham, id), 1);
    }
  }

  // The state of `id` at Stockport.
  v1::DeliveryState StateAtSender(const std::string& id) {
    absl::StatusOr<v1::TransferStatusResponse> status =
        net().Client(kStockport, Role::kAdmin)->Status(id);
    EXPECT_TRUE(status.ok()) << status.status();
    return status.ok() ? status->state() : v1::DELIVERY_STATE_UNSPECIFIED;
  }

  std::unique_ptr<SmallFilesystem> fs_;
  std::string attachment_;
};

TEST_F(DiskFullTest, RouterWithAFullDiskRefusesUploadsAndDrainsAfterSpace) {
  ASSERT_NO_FATAL_FAILURE(MountSmallFilesystem());
  NetworkOptions options;
  options.nodes = {kStockport, kBirmingham};
  options.data_dirs[kRouterId] = fs_->path() + "/router";
  ASSERT_NO_FATAL_FAILURE(StartNetwork(options));
  ASSERT_NO_FATAL_FAILURE(MakeAttachment());
  // The recipient is away, so what the router accepts stays at the router.
  ASSERT_OK(net().StopNode(kBirmingham));
  std::unique_ptr<NodeClient> sender = net().Client(kStockport, Role::kAdmin);

  std::vector<std::string> before;
  for (int i = 0; i < kBefore; ++i) {
    ASSERT_OK_AND_ASSIGN(std::string id, SendReport("REF-BEFORE"));
    ASSERT_OK(sender->WaitForState(id, v1::DELIVERY_STATE_AT_ROUTER, Wait())
                  .status());
    before.push_back(id);
  }
  const std::string spool = net().RouterDataDir() + "/spool";
  ASSERT_EQ(Entries(spool).size(), static_cast<size_t>(kBefore));

  ASSERT_OK_AND_ASSIGN(uint64_t ballast, fs_->Fill());
  ASSERT_OK_AND_ASSIGN(uint64_t free_bytes, fs_->FreeBytes());
  ASSERT_LT(free_bytes, 64u << 10) << "the ballast left space";
  RecordProperty("ballast_bytes", std::to_string(ballast));

  // The node takes the transfers; the router refuses their uploads.
  std::vector<std::string> during;
  for (int i = 0; i < kDuring; ++i) {
    ASSERT_OK_AND_ASSIGN(std::string id, SendReport("REF-DURING"));
    during.push_back(id);
  }
  const absl::Time deadline = absl::Now() + Wait();
  while (!absl::StrContains(net().node_process(kStockport).ReadLog(),
                            "the router's disk is full")) {
    ASSERT_LT(absl::Now(), deadline)
        << "the node never heard the router's disk is full; log:\n"
        << net().node_process(kStockport).LogTail(20);
    for (const std::string& id : during) {
      // A passing refusal: the outbox must keep the envelope, not fail it.
      ASSERT_EQ(StateAtSender(id), v1::DELIVERY_STATE_QUEUED)
          << id << "; log:\n"
          << net().node_process(kStockport).LogTail(20);
    }
    absl::SleepFor(absl::Milliseconds(100));
  }
  // Refused at least twice each (retries with backoff), never given up.
  absl::SleepFor(absl::Seconds(2));
  const std::string node_log = net().node_process(kStockport).ReadLog();
  EXPECT_TRUE(absl::StrContains(
      node_log,
      "RESOURCE_EXHAUSTED: the router's disk is full; nothing was stored; "
      "try again later"))
      << node_log;
  for (const std::string& id : during) {
    EXPECT_EQ(StateAtSender(id), v1::DELIVERY_STATE_QUEUED) << id;
  }
  // The router is up and serving; its links and the accepted work stand.
  EXPECT_TRUE(net().router_process().Running());
  EXPECT_OK(net().RouterAs(kStockport)->GetDirectory().status());
  ASSERT_OK_AND_ASSIGN(int serving,
                       HealthCheck(net().RouterChannel(kStockport), "", "",
                                   TestNetwork::CallTimeout()));
  EXPECT_EQ(serving, 1) << "SERVING";
  ASSERT_OK_AND_ASSIGN(v1::NodeInfo info, sender->GetNodeInfo());
  EXPECT_TRUE(info.router_connected());
  for (const std::string& id : before) {
    EXPECT_EQ(StateAtSender(id), v1::DELIVERY_STATE_AT_ROUTER) << id;
  }
  // Nothing half-stored: the spool holds the accepted envelopes only.
  EXPECT_EQ(Entries(spool).size(), static_cast<size_t>(kBefore));
  EXPECT_EQ(TempFilesUnder(net().RouterDataDir()), std::vector<std::string>{});

  // Space returns: no restart, the queue drains, everything is delivered.
  ASSERT_OK(fs_->RemoveBallast());
  for (const std::string& id : during) {
    ASSERT_OK(sender->WaitForState(id, v1::DELIVERY_STATE_AT_ROUTER, Wait())
                  .status());
  }
  ASSERT_OK_AND_ASSIGN(std::string after, SendReport("REF-AFTER"));
  ASSERT_OK(net().StartNode(kBirmingham));
  std::vector<std::string> all = before;
  all.insert(all.end(), during.begin(), during.end());
  all.push_back(after);
  ASSERT_NO_FATAL_FAILURE(ExpectDeliveredWithReceipts(all));
  EXPECT_EQ(TempFilesUnder(net().RouterDataDir()), std::vector<std::string>{});
  std::cout << "router disk full: accepted before " << kBefore
            << ", refused during " << kDuring << " (retried), drained after "
            << kDuring + 1 << ", delivered " << all.size() << "; ballast "
            << ballast << " bytes\n";
}

TEST_F(DiskFullTest, NodeWithAFullDiskRefusesSubmissionsAndKeepsItsQueue) {
  ASSERT_NO_FATAL_FAILURE(MountSmallFilesystem());
  NetworkOptions options;
  options.nodes = {kStockport, kBirmingham};
  options.data_dirs[kStockport] = fs_->path() + "/stockport";
  ASSERT_NO_FATAL_FAILURE(StartNetwork(options));
  ASSERT_NO_FATAL_FAILURE(MakeAttachment());
  // The router is away, so what the node accepts stays in its outbox.
  ASSERT_OK(net().StopRouter());
  std::unique_ptr<NodeClient> sender = net().Client(kStockport, Role::kAdmin);

  std::vector<std::string> before;
  for (int i = 0; i < kBefore; ++i) {
    ASSERT_OK_AND_ASSIGN(std::string id, SendReport("REF-BEFORE"));
    EXPECT_EQ(StateAtSender(id), v1::DELIVERY_STATE_QUEUED);
    before.push_back(id);
  }
  const std::string outbox = net().NodeDataDir(kStockport) + "/outbox";
  const std::vector<std::string> queued_files = Entries(outbox);
  ASSERT_EQ(queued_files.size(), static_cast<size_t>(kBefore));

  ASSERT_OK_AND_ASSIGN(uint64_t ballast, fs_->Fill());
  ASSERT_OK_AND_ASSIGN(uint64_t free_bytes, fs_->FreeBytes());
  ASSERT_LT(free_bytes, 64u << 10) << "the ballast left space";

  // New submissions are refused in one line that says the disk is full,
  // with or without an attachment.
  for (int i = 0; i < kDuring; ++i) {
    absl::StatusOr<std::string> refused = SendReport("REF-DURING");
    ASSERT_FALSE(refused.ok()) << "accepted " << *refused;
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kResourceExhausted)
        << refused.status();
    EXPECT_EQ(refused.status().message(),
              "this node's disk is full; nothing was stored; try again once "
              "space is freed");
  }
  absl::StatusOr<std::string> small = Send(kStockport, {kBirmingham}, "REF");
  ASSERT_FALSE(small.ok());
  EXPECT_EQ(small.status().code(), absl::StatusCode::kResourceExhausted)
      << small.status();
  EXPECT_TRUE(absl::StrContains(small.status().message(), "disk is full"))
      << small.status();

  // Still serving; nothing accepted lost, nothing half-stored.
  EXPECT_TRUE(net().node_process(kStockport).Running());
  ASSERT_OK_AND_ASSIGN(v1::NodeInfo info, sender->GetNodeInfo());
  EXPECT_EQ(info.agency_id(), kStockport);
  ASSERT_OK_AND_ASSIGN(int serving,
                       HealthCheck(net().NodeChannel(kStockport, ""), "", "",
                                   TestNetwork::CallTimeout()));
  EXPECT_EQ(serving, 1) << "SERVING";
  for (const std::string& id : before) {
    EXPECT_EQ(StateAtSender(id), v1::DELIVERY_STATE_QUEUED) << id;
  }
  EXPECT_EQ(Entries(outbox), queued_files);
  EXPECT_EQ(TempFilesUnder(net().NodeDataDir(kStockport)),
            std::vector<std::string>{});

  // Space returns: new work is taken without a restart; the queue drains.
  ASSERT_OK(fs_->RemoveBallast());
  ASSERT_OK_AND_ASSIGN(std::string after, SendReport("REF-AFTER"));
  ASSERT_OK(net().StartRouter());
  ASSERT_OK(net().WaitForRouterLink(kStockport, Wait()));
  std::vector<std::string> all = before;
  all.push_back(after);
  ASSERT_NO_FATAL_FAILURE(ExpectDeliveredWithReceipts(all));
  EXPECT_TRUE(Entries(outbox).empty());
  EXPECT_EQ(TempFilesUnder(net().NodeDataDir(kStockport)),
            std::vector<std::string>{});
  std::cout << "node disk full: accepted before " << kBefore
            << ", refused during " << kDuring + 1 << ", accepted after 1, "
            << "delivered " << all.size() << "; ballast " << ballast
            << " bytes\n";
}

// What arrives for a node whose disk is full waits at the router: the node
// cannot store it, so it does not acknowledge it, and takes it once space
// returns, with a receipt to the sender.
TEST_F(DiskFullTest, InboundTransfersWaitAtTheRouterWhileTheNodeDiskIsFull) {
  ASSERT_NO_FATAL_FAILURE(MountSmallFilesystem());
  NetworkOptions options;
  options.nodes = {kStockport, kBirmingham};
  options.data_dirs[kStockport] = fs_->path() + "/stockport";
  ASSERT_NO_FATAL_FAILURE(StartNetwork(options));
  ASSERT_NO_FATAL_FAILURE(MakeAttachment());
  ASSERT_OK_AND_ASSIGN(uint64_t ballast, fs_->Fill());
  (void)ballast;

  std::vector<std::string> ids;
  ASSERT_OK_AND_ASSIGN(std::string small,
                       Send(kBirmingham, {kStockport}, "REF-IN-SMALL"));
  ids.push_back(small);
  ASSERT_OK_AND_ASSIGN(std::string large,
                       Send(kBirmingham, {kStockport}, "REF-IN-LARGE",
                            {{attachment_, "report.pdf"}}));
  ids.push_back(large);
  std::unique_ptr<NodeClient> sender = net().Client(kBirmingham, Role::kAdmin);
  for (const std::string& id : ids) {
    ASSERT_OK(sender->WaitForState(id, v1::DELIVERY_STATE_AT_ROUTER, Wait())
                  .status());
  }
  // The node cannot store them and drops the link each time; it backs off
  // up to the harness's max_backoff of 500ms rather than pulling the same
  // envelopes again at once, over and over.
  auto backed_off = [this] {
    const std::string log = net().node_process(kStockport).ReadLog();
    for (absl::string_view line : absl::StrSplit(log, '\n')) {
      if (absl::StrContains(line,
                            "router link down (RESOURCE_EXHAUSTED: the "
                            "disk is full") &&
          absl::EndsWith(line, "reconnecting in 500ms")) {
        return true;
      }
    }
    return false;
  };
  const absl::Time deadline = absl::Now() + Wait();
  while (!backed_off()) {
    ASSERT_LT(absl::Now(), deadline)
        << "the link did not back off; log:\n"
        << net().node_process(kStockport).LogTail(20);
    absl::SleepFor(absl::Milliseconds(100));
  }
  for (const std::string& id : ids) {
    ASSERT_OK_AND_ASSIGN(v1::TransferStatusResponse status, sender->Status(id));
    EXPECT_EQ(status.state(), v1::DELIVERY_STATE_AT_ROUTER)
        << status.DebugString();
  }
  EXPECT_TRUE(net().node_process(kStockport).Running());
  EXPECT_TRUE(net().router_process().Running());
  EXPECT_EQ(TempFilesUnder(net().NodeDataDir(kStockport)),
            std::vector<std::string>{});

  ASSERT_OK(fs_->RemoveBallast());
  for (const std::string& id : ids) {
    SCOPED_TRACE(id);
    ASSERT_OK_AND_ASSIGN(
        v1::TransferStatusResponse status,
        sender->WaitForState(id, v1::DELIVERY_STATE_DELIVERED, Wait()));
    ASSERT_TRUE(status.recipients(0).has_receipt());
    EXPECT_OK(net()
                  .VerifyNoticeFrom(status.recipients(0).receipt(), kStockport)
                  .status());
    EXPECT_EQ(InboxCount(kStockport, id), 1);
  }
  EXPECT_EQ(TempFilesUnder(net().NodeDataDir(kStockport)),
            std::vector<std::string>{});
  std::cout << "node disk full, inbound: " << ids.size()
            << " held at the router while full, delivered after\n";
}

}  // namespace
}  // namespace handover::integration

// A slow and flaky network between every node and the router: a FlakyProxy
// (harness/flaky_proxy.h) delays chunks, and cuts or resets each connection
// once a random number of bytes has passed, so uploads, pushes and receipts
// are broken off mid-stream again and again. Transfers still complete,
// exactly once each, with verified receipts; and the proxy's counters show
// it really did cut, reset and delay.
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "gtest/gtest.h"
#include "harness/flaky_proxy.h"
#include "harness/network_test.h"

namespace handover::integration {
namespace {

namespace v1 = handover::v1;

// HANDOVER_FLAKY_SEED replays a run's fault draws; otherwise a fresh seed.
uint64_t ProxySeed() {
  uint64_t seed = 0;
  const char* text = std::getenv("HANDOVER_FLAKY_SEED");
  if (text != nullptr && absl::SimpleAtoi(text, &seed)) return seed;
  return std::random_device{}();
}

struct Sent {
  std::string id;
  std::string from;
  std::string to;
};

class FlakyNetworkTest : public NetworkTest {
 protected:
  void SetUp() override {
    seed_ = ProxySeed();
    std::cerr << "flaky proxy seed: " << seed_
              << " (replay with HANDOVER_FLAKY_SEED=" << seed_ << ")\n";
    ASSERT_NO_FATAL_FAILURE(CreateNetwork());
    ASSERT_OK(net().StartRouter());
    FlakyProxyOptions options;
    options.target = net().router_settings().listen;
    options.seed = seed_;
    options.faults_enabled = false;  // calm while the nodes first link up
    options.delay_rate = 0.05;
    options.max_delay = absl::Milliseconds(30);
    // Many connections break before a 3 MiB envelope is through, some
    // after: large uploads are tried several times, and each gets there.
    options.min_bytes_before_fault = 32 << 10;
    options.max_bytes_before_fault = 8 << 20;
    ASSERT_OK_AND_ASSIGN(proxy_, FlakyProxy::Start(options));
    for (const std::string& id : net().node_ids()) {
      net().node_settings(id).router_address = proxy_->address();
      ASSERT_OK(net().StartNode(id));
    }
    proxy_->set_faults_enabled(true);
  }

  void TearDown() override {
    if (HasFailure()) {
      std::cerr << "flaky proxy seed: " << seed_
                << " (replay with HANDOVER_FLAKY_SEED=" << seed_ << ")\n";
    }
  }

  uint64_t seed_ = 0;
  std::unique_ptr<FlakyProxy> proxy_;
};

TEST_F(FlakyNetworkTest, TransfersCompleteOnceThroughCutsResetsAndDelays) {
  const std::string large = Scratch("scan.bin");
  ASSERT_OK(WriteTestFile(large, 3 << 20, 11));
  ASSERT_OK_AND_ASSIGN(const std::string large_hash, Sha256OfFile(large));
  const std::vector<std::string> ids = net().node_ids();
  std::vector<Sent> sent;
  for (int i = 0; i < 40; ++i) {
    const std::string from = ids[i % 3];
    const std::string to = ids[(i + 1 + i / 3 % 2) % 3];
    // Every node's link carries more than the largest budget (8 MiB) of
    // 3 MiB envelopes, so each link breaks at least once, and with three
    // or more faults both cuts and resets happen.
    const bool is_large = i % 5 == 0;
    std::vector<AttachmentFile> attachments;
    if (is_large) attachments.push_back({large, "scan.bin"});
    ASSERT_OK_AND_ASSIGN(
        std::string id,
        Send(from, {to}, "REF-FLAKY-" + std::to_string(i), attachments));
    sent.push_back({id, from, to});
  }

  // Each transfer DELIVERED, with its recipient's verified receipt.
  std::map<std::string, std::multiset<std::string>> expected;
  for (const Sent& s : sent) {
    SCOPED_TRACE(s.from + " -> " + s.to + " " + s.id);
    ASSERT_OK_AND_ASSIGN(v1::TransferStatusResponse status,
                         net()
                             .Client(s.from, Role::kSubmitter)
                             ->WaitForState(s.id, v1::DELIVERY_STATE_DELIVERED,
                                            Scaled(absl::Seconds(180))));
    ASSERT_EQ(status.recipients_size(), 1);
    ASSERT_OK_AND_ASSIGN(
        v1::Notice receipt,
        net().VerifyNoticeFrom(status.recipients(0).receipt(), s.to));
    EXPECT_TRUE(receipt.has_receipt());
    ASSERT_OK_AND_ASSIGN(const std::string raw_id, FromHex(s.id));
    EXPECT_EQ(receipt.transfer_id(), raw_id);
    expected[s.to].insert(s.id);
  }
  // Each inbox holds exactly what was sent to it, each once.
  for (const std::string& id : ids) {
    SCOPED_TRACE(id);
    ASSERT_OK_AND_ASSIGN(std::vector<v1::InboxEntry> inbox,
                         net().Client(id, Role::kReceiver)->ListInbox());
    std::multiset<std::string> got;
    for (const v1::InboxEntry& e : inbox) got.insert(e.transfer_id());
    EXPECT_EQ(got, expected[id]);
  }
  // The large ones open intact.
  for (size_t i = 0; i < sent.size(); i += 5) {
    SCOPED_TRACE(sent[i].id);
    ASSERT_OK_AND_ASSIGN(FetchedTransfer fetched,
                         net()
                             .Client(sent[i].to, Role::kReceiver)
                             ->Fetch(sent[i].id, Scratch("got-" + sent[i].id)));
    ASSERT_TRUE(fetched.ended);
    ASSERT_EQ(fetched.attachment_paths.size(), 1u);
    ASSERT_OK_AND_ASSIGN(const std::string got_hash,
                         Sha256OfFile(fetched.attachment_paths[0]));
    EXPECT_EQ(got_hash, large_hash);
  }

  // The network really was bad.
  const FlakyProxyCounters counters = proxy_->counters();
  std::cerr << "flaky proxy: " << counters.ToString() << "\n";
  EXPECT_GT(counters.cuts, 0u) << counters.ToString();
  EXPECT_GT(counters.resets, 0u) << counters.ToString();
  EXPECT_GT(counters.delays, 0u) << counters.ToString();
  EXPECT_GT(counters.connections, ids.size()) << counters.ToString();
}

}  // namespace
}  // namespace handover::integration

// Size limits on the real path: the node refuses an envelope over its own
// limit at submission; one the node accepts but the router's lower limit
// refuses fails for good, with the reason, and is never delivered.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "harness/network_test.h"

namespace handover::integration {
namespace {

namespace v1 = handover::v1;

using LimitsTest = NetworkTest;

TEST_F(LimitsTest, OversizedEnvelopeIsRefusedByTheNodeAndFailsAtTheRouter) {
  ASSERT_NO_FATAL_FAILURE(CreateNetwork());
  net().node_settings(kStockport).max_envelope_bytes = "1MiB";
  net().router_settings().max_envelope_bytes = "256KiB";
  ASSERT_OK(net().StartAll());
  auto sender = net().Client(kStockport, Role::kSubmitter);

  // Over the node's own limit: refused before anything is stored.
  const std::string big = Scratch("big.bin");
  ASSERT_OK(WriteTestFile(big, 2 << 20, 1));
  absl::StatusOr<std::string> refused =
      Send(kStockport, {kBirmingham}, "REF-TOO-BIG", {{big, "big.bin"}});
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kResourceExhausted)
      << refused.status();
  ASSERT_OK_AND_ASSIGN(v1::NodeInfo info,
                       net().Client(kStockport, Role::kAdmin)->GetNodeInfo());
  EXPECT_EQ(info.outbox_queued(), 0u);

  // Within the node's limit, over the router's: accepted, then FAILED.
  const std::string medium = Scratch("medium.bin");
  ASSERT_OK(WriteTestFile(medium, 512 << 10, 2));
  ASSERT_OK_AND_ASSIGN(const std::string failed_id,
                       Send(kStockport, {kBirmingham}, "REF-ROUTER-LIMIT",
                            {{medium, "medium.bin"}}));
  ASSERT_OK_AND_ASSIGN(
      v1::TransferStatusResponse status,
      sender->WaitForState(failed_id, v1::DELIVERY_STATE_FAILED, Wait()));
  ASSERT_EQ(status.recipients_size(), 1);
  EXPECT_EQ(status.recipients(0).state(), v1::DELIVERY_STATE_FAILED);
  EXPECT_FALSE(status.recipients(0).reason().empty());
  std::cerr << "router refusal reason: " << status.recipients(0).reason()
            << "\n";

  // Within both: delivered, and only that one.
  const std::string small = Scratch("small.bin");
  ASSERT_OK(WriteTestFile(small, 64 << 10, 3));
  ASSERT_OK_AND_ASSIGN(
      const std::string ok_id,
      Send(kStockport, {kBirmingham}, "REF-SMALL", {{small, "small.bin"}}));
  ASSERT_OK(sender->WaitForState(ok_id, v1::DELIVERY_STATE_DELIVERED, Wait())
                .status());
  ASSERT_OK_AND_ASSIGN(std::vector<v1::InboxEntry> inbox,
                       net().Client(kBirmingham, Role::kReceiver)->ListInbox());
  ASSERT_EQ(inbox.size(), 1u);
  EXPECT_EQ(inbox[0].transfer_id(), ok_id);
}

}  // namespace
}  // namespace handover::integration

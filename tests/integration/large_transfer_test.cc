// A 200 MiB attachment end to end: streamed from disk by the client, through
// the sending node, the router and the receiving node, and fetched back to
// disk. Compared by hashing both files in chunks. Every daemon's peak
// resident memory stays under 128 MiB, which it could not if any of them
// held the attachment whole.
#include <unistd.h>

#include <string>

#include "gtest/gtest.h"
#include "harness/network_test.h"

namespace handover::integration {
namespace {

namespace v1 = handover::v1;

constexpr uint64_t kAttachmentBytes = uint64_t{200} << 20;
constexpr uint64_t kPeakMemoryLimit = uint64_t{128} << 20;

using LargeTransferTest = NetworkTest;

TEST_F(LargeTransferTest, TwoHundredMebibyteAttachmentEndToEnd) {
  ASSERT_NO_FATAL_FAILURE(StartNetwork());
  const std::string source = Scratch("scan.bin");
  ASSERT_OK(WriteTestFile(source, kAttachmentBytes, 200));
  ASSERT_OK_AND_ASSIGN(const std::string sent_hash, Sha256OfFile(source));

  const absl::Duration long_call = Scaled(absl::Seconds(300));
  SubmitRequest request;
  request.idempotency_key = "large-1";
  request.recipients = {kBirmingham};
  request.bundle = MinimalBundle("REF-LARGE");
  request.attachments = {{source, "scan.bin", "application/octet-stream"}};
  auto sender = net().Client(kStockport, Role::kSubmitter, long_call);
  ASSERT_OK_AND_ASSIGN(v1::SubmitTransferResponse submitted,
                       sender->Submit(request));
  const std::string id = submitted.transfer_id();
  ASSERT_OK_AND_ASSIGN(
      v1::TransferStatusResponse status,
      sender->WaitForState(id, v1::DELIVERY_STATE_DELIVERED, long_call));
  EXPECT_GT(status.envelope_size(), kAttachmentBytes);
  // The source is no longer needed; free the disk before fetching.
  unlink(source.c_str());

  auto reader = net().Client(kBirmingham, Role::kReceiver, long_call);
  ASSERT_OK_AND_ASSIGN(FetchedTransfer fetched,
                       reader->Fetch(id, Scratch("fetched")));
  EXPECT_TRUE(fetched.ended);
  ASSERT_EQ(fetched.header.attachments_size(), 1);
  EXPECT_EQ(fetched.header.attachments(0).size(), kAttachmentBytes);
  ASSERT_OK_AND_ASSIGN(const std::string got_hash,
                       Sha256OfFile(fetched.attachment_paths[0]));
  EXPECT_EQ(got_hash, sent_hash);
  unlink(fetched.attachment_paths[0].c_str());

  if (BuiltWithAddressSanitizer() || BuiltWithThreadSanitizer()) {
    std::cerr << "not checking peak memory: the sanitizer's shadow memory "
                 "would dominate it\n";
    return;
  }
  for (DaemonProcess* daemon :
       {&net().router_process(), &net().node_process(kStockport),
        &net().node_process(kBirmingham)}) {
    ASSERT_OK_AND_ASSIGN(const uint64_t peak, daemon->PeakResidentBytes());
    EXPECT_LT(peak, kPeakMemoryLimit)
        << daemon->name() << " peaked at " << (peak >> 20) << " MiB";
    std::cerr << daemon->name() << " peak resident: " << (peak >> 20)
              << " MiB\n";
  }
}

}  // namespace
}  // namespace handover::integration

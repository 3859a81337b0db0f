// Applies a notice the router pushes to us to the outbox:
//   - a DeliveryReceipt, signed by one of the transfer's recipients with its
//     directory keys, naming the ciphertext hash we sealed → that recipient
//     becomes DELIVERED, with the receipt kept as proof;
//   - a NonDeliveryReport signed by the router → EXPIRED (reason EXPIRED)
//     or FAILED (any other reason), with the report kept; WITHDRAWN (we
//     superseded the transfer) → WITHDRAWN;
//   - an Acknowledgement signed by a recipient, naming the ciphertext hash
//     → who took the transfer on and when, with the notice kept as proof.
// The state only moves forward, so a late report never undoes a delivery.
// A notice that fails any check is answered REJECTED with a one-line
// reason; one that is valid but changes nothing is still STORED.
//
// Thread-safe: it holds no state of its own.
#ifndef HANDOVER_NODE_NOTICE_HANDLER_H_
#define HANDOVER_NODE_NOTICE_HANDLER_H_

#include <vector>

#include "crypto/identity.h"
#include "handover/v1/notice.pb.h"
#include "node/link_context.h"

namespace handover::node {

class NoticeHandler {
 public:
  // Borrows `context`, which must outlive the handler.
  explicit NoticeHandler(const LinkContext& context) : context_(context) {}

  AckOrLocalFailure Apply(const handover::v1::SignedNotice& signed_notice);

 private:
  AckOrLocalFailure ApplyReceipt(
      const handover::v1::Notice& notice,
      const std::vector<crypto::PublicIdentity>& keys,
      const TransferRecord& transfer, const std::string& serialized);
  void RecordReceipt(const handover::v1::Notice& notice,
                     const std::vector<crypto::PublicIdentity>& keys,
                     const TransferRecord& transfer);
  AckOrLocalFailure ApplyAcknowledgement(const handover::v1::Notice& notice,
                                         const TransferRecord& transfer,
                                         const std::string& serialized);
  AckOrLocalFailure ApplyReport(const handover::v1::Notice& notice,
                                const TransferRecord& transfer,
                                const std::string& serialized);

  const LinkContext& context_;
};

}  // namespace handover::node

#endif  // HANDOVER_NODE_NOTICE_HANDLER_H_

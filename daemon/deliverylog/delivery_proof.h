// A delivery receipt that the recipient's own log backs up: the recipient
// puts its DELIVERED entry, a signed tree head covering it and the entry's
// inclusion proof into the receipt; the sender checks all three against the
// recipient's keys from the directory. The sender can then show, from the
// recipient's own tamper-evident log, that the copy was delivered.
#ifndef HANDOVER_DELIVERYLOG_DELIVERY_PROOF_H_
#define HANDOVER_DELIVERYLOG_DELIVERY_PROOF_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "crypto/identity.h"
#include "deliverylog/delivery_log.h"
#include "handover/v1/notice.pb.h"

namespace handover::deliverylog {

// Signs a fresh head of `log` (which holds `entry` at entry.index()) and
// puts the entry, the head and the entry's inclusion proof into `receipt`.
absl::Status AttachDeliveryProof(DeliveryLog& log,
                                 const handover::v1::LogEntry& entry,
                                 handover::v1::DeliveryReceipt* receipt);

// Checks a receipt's log proof: the entry is a DELIVERED entry of
// `transfer_id` (16 bytes) with `ciphertext_hash`, logged by `recipient`;
// the head is `recipient`'s, signed by one of `recipient_keys`; and the
// proof puts the entry in that head's tree. Returns a line for people
// ("entry N of a tree of M signed at T"). NotFound if the receipt carries
// no proof; Unauthenticated (or InvalidArgument) if it does not check out.
absl::StatusOr<std::string> VerifyDeliveryProof(
    const handover::v1::DeliveryReceipt& receipt, absl::string_view recipient,
    absl::string_view transfer_id, absl::string_view ciphertext_hash,
    const std::vector<crypto::PublicIdentity>& recipient_keys);

}  // namespace handover::deliverylog

#endif  // HANDOVER_DELIVERYLOG_DELIVERY_PROOF_H_

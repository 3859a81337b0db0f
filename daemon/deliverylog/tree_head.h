// Signed tree heads: a log's signed statement of its size and Merkle root
// at one moment (docs/LOG.md). The signature is Ed25519 over
//   "handover/v1/log-tree-head" 0x00 || log_id (u16 BE length + bytes)
//   || tree_size (u64 BE) || root_hash (32) || timestamp (i64 BE, µs)
// Times are kept in whole microseconds, so the signed bytes and the
// head's Timestamp always say the same thing.
//
// Free functions, no state; thread-safe.
#ifndef HANDOVER_DELIVERYLOG_TREE_HEAD_H_
#define HANDOVER_DELIVERYLOG_TREE_HEAD_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "crypto/identity.h"
#include "handover/v1/log.pb.h"

namespace handover::deliverylog {

inline constexpr absl::string_view kTreeHeadContext =
    absl::string_view("handover/v1/log-tree-head\0", 26);

// The bytes signed after kTreeHeadContext; `time` is taken in whole
// microseconds (rounded down). Empty if `log_id` is too long for its u16
// length, which no valid head has.
std::string TreeHeadSignedBytes(absl::string_view log_id, uint64_t tree_size,
                                absl::string_view root, absl::Time time);

// A head signed by `signer`, with signer_key_id = its signing key id.
// InvalidArgument if log_id is not an agency id, root is not 32 bytes,
// tree_size is not below 2^63 or time is outside years 0001-9999.
absl::StatusOr<handover::v1::SignedTreeHead> SignTreeHead(
    const crypto::SecretIdentity& signer, absl::string_view log_id,
    uint64_t tree_size, absl::string_view root, absl::Time time);

// OK if `head` is signed by the key in `keys` whose sign_key_id is its
// signer_key_id. Unauthenticated if no key has that id ("signed by an
// unknown key") or the signature is bad; InvalidArgument if the head is
// malformed (root not 32 bytes, log_id not an agency id, a size not below
// 2^63, or a time outside years 0001-9999 or not in whole microseconds).
// It does not check that the root matches any log: callers do.
absl::Status VerifyTreeHead(const handover::v1::SignedTreeHead& head,
                            const std::vector<crypto::PublicIdentity>& keys);

// The head's time, for messages: RFC 3339 in UTC ("...T12:00:00.5Z").
std::string TreeHeadTimeText(const handover::v1::SignedTreeHead& head);

}  // namespace handover::deliverylog

#endif  // HANDOVER_DELIVERYLOG_TREE_HEAD_H_

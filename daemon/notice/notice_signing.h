// Signing and verifying the notices of proto/handover/v1/notice.proto:
// delivery receipts (signed by the recipient agency) and non-delivery
// reports (signed by the router). Free functions; thread-safe.
#ifndef HANDOVER_NOTICE_NOTICE_SIGNING_H_
#define HANDOVER_NOTICE_NOTICE_SIGNING_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "crypto/identity.h"
#include "handover/v1/notice.pb.h"

namespace handover::notice {

inline constexpr absl::string_view kNoticeSignatureContext =
    absl::string_view("handover/v1/notice-signature\0", 29);

// The most a notice may be, signed, checked before parsing.
inline constexpr size_t kMaxSignedNoticeBytes = 64 * 1024;

// Serializes `notice` and signs it. `notice.signer_id` must be `signer`'s
// agency id (InvalidArgument otherwise).
absl::StatusOr<handover::v1::SignedNotice> SignNotice(
    const crypto::SecretIdentity& signer, const handover::v1::Notice& notice);

// Parses the signed bytes WITHOUT verifying, to learn the signer_id so the
// caller can look up its keys. Bounds and strict parse: InvalidArgument.
absl::StatusOr<handover::v1::Notice> PeekNotice(
    const handover::v1::SignedNotice& signed_notice);

// Verifies `signed_notice` against the signer's keys valid when it was
// issued (several during a rotation overlap; the key id picks one) and
// returns the notice. Unauthenticated for an unknown key id or a bad
// signature; InvalidArgument for malformed bytes or a signer_id that does
// not match the keys' agency.
absl::StatusOr<handover::v1::Notice> VerifyNotice(
    const handover::v1::SignedNotice& signed_notice,
    const std::vector<crypto::PublicIdentity>& signer_keys);

}  // namespace handover::notice

#endif  // HANDOVER_NOTICE_NOTICE_SIGNING_H_

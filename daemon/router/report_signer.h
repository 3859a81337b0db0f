// Signs the router's own notices: non-delivery reports to a transfer's
// sender, with the router's agency identity (its [router] key_dir), so the
// sender's node can verify them against the router's directory entry.
//
// Thread-safe: it only reads its identity and the clock.
#ifndef HANDOVER_ROUTER_REPORT_SIGNER_H_
#define HANDOVER_ROUTER_REPORT_SIGNER_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/clock.h"
#include "crypto/identity.h"
#include "handover/v1/notice.pb.h"

namespace handover::router {

class ReportSigner {
 public:
  // Borrows both; they must outlive the signer.
  ReportSigner(const crypto::SecretIdentity* identity, const Clock* clock)
      : identity_(identity), clock_(clock) {}

  // A serialized SignedNotice: "`recipient_id` did not get transfer
  // `transfer_id` from `sender_id`, because `reason`". `detail` is one line
  // for people (made one line and bounded here); never case content.
  absl::StatusOr<std::string> NonDelivery(
      absl::string_view transfer_id, absl::string_view sender_id,
      absl::string_view recipient_id, handover::v1::NonDeliveryReason reason,
      absl::string_view detail) const;

  const std::string& router_id() const { return identity_->agency_id(); }

 private:
  const crypto::SecretIdentity* const identity_;
  const Clock* const clock_;
};

// `text` as one printable ASCII line of at most `max_bytes` (control
// characters become spaces, other bytes '?'), for reasons that came from
// outside.
std::string OneLine(absl::string_view text, size_t max_bytes = 200);

}  // namespace handover::router

#endif  // HANDOVER_ROUTER_REPORT_SIGNER_H_

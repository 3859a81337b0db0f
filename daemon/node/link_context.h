// What the router link's handlers share: the store, the directory, this
// agency's keys and the checks' settings, plus the answer a handler gives
// for one pushed item.
//
// A plain struct of borrowed pointers; it is as thread-safe as what it
// points to (all of it is thread-safe).
#ifndef HANDOVER_NODE_LINK_CONTEXT_H_
#define HANDOVER_NODE_LINK_CONTEXT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "crypto/identity.h"
#include "deliverylog/delivery_log.h"
#include "deliverylog/event_recorder.h"
#include "google/protobuf/timestamp.pb.h"
#include "handover/v1/router.pb.h"
#include "node/directory_client.h"
#include "node/key_ring.h"
#include "node/node_store.h"

namespace handover::node {

struct LinkContext {
  NodeStore* store = nullptr;
  DirectoryClient* directory = nullptr;
  // Receipts are signed with keys->current(); envelopes sealed to any key
  // in the ring are accepted.
  const KeyRing* keys = nullptr;
  const Clock* clock = &SystemClock::Get();
  std::string inbox_dir;
  std::string router_agency_id;  // the only signer of non-delivery reports
  uint64_t max_envelope_bytes = uint64_t{2} << 30;
  // How far ahead of our clock a sender's created_at may be.
  absl::Duration max_clock_skew = absl::Minutes(10);
  // The longest expires_at - created_at a sender may set (its 30-day
  // time-to-live cap).
  absl::Duration max_lifetime = absl::Hours(24 * 30);
  // The delivery log: deliveries, refusals and verified receipts are
  // recorded through `events`, and a receipt carries its proof from `log`.
  // Both may be null (then nothing is logged and receipts carry no proof).
  deliverylog::DeliveryLog* log = nullptr;
  deliverylog::EventRecorder* events = nullptr;
};

// A handler's answer for one pushed item. An error Status (rather than a
// REJECTED ack) means a local failure such as a full disk: the item is not
// acknowledged, and the router pushes it again on the next stream.
using AckOrLocalFailure = absl::StatusOr<handover::v1::Ack>;

handover::v1::Ack StoredAck();
handover::v1::Ack RejectedAck(absl::string_view reason);

google::protobuf::Timestamp ToTimestamp(absl::Time t);
absl::Time FromTimestamp(const google::protobuf::Timestamp& t);

// `agency`'s signing keys valid at `at` in the current directory. If the
// agency or a valid key is unknown, fetches the directory once more (the
// router may know a newer one) before giving up. Errors as
// DirectoryView::SigningKeysAt, or FailedPrecondition with no directory.
absl::StatusOr<std::vector<crypto::PublicIdentity>> SignerKeysAt(
    const LinkContext& context, absl::string_view agency, absl::Time at);

}  // namespace handover::node

#endif  // HANDOVER_NODE_LINK_CONTEXT_H_

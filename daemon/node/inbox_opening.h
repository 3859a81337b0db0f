// Opening an envelope held in this node's inbox: the sender's signing key
// that the header names (of its keys valid when it was sealed), this
// agency's key the envelope is sealed to (current or previous, see
// KeyRing), and validity judged as of when the envelope was stored here,
// so a transfer that arrived in time can still be read after its expiry.
//
// FetchTransfer streams an opened envelope out; the alert raiser and the
// alert stream need only its bundle (ReadInboxBundle). Thread-safe free
// functions; an OpenedInbox belongs to one thread.
#ifndef HANDOVER_NODE_INBOX_OPENING_H_
#define HANDOVER_NODE_INBOX_OPENING_H_

#include <memory>

#include "absl/status/statusor.h"
#include "common/clock.h"
#include "common/file_util.h"
#include "crypto/opener.h"
#include "directory/directory_view.h"
#include "handover/v1/bundle.pb.h"
#include "node/key_ring.h"
#include "node/node_store.h"

namespace handover::node {

// A clock stopped at one instant: the opener checks validity as of then.
class FixedClock final : public Clock {
 public:
  explicit FixedClock(absl::Time at) : at_(at) {}
  absl::Time Now() const override { return at_; }

 private:
  absl::Time at_;
};

// An opener with what it borrows. Not movable: the opener points into it.
struct OpenedInbox {
  explicit OpenedInbox(absl::Time stored_at) : as_stored(stored_at) {}
  OpenedInbox(const OpenedInbox&) = delete;
  OpenedInbox& operator=(const OpenedInbox&) = delete;

  FixedClock as_stored;
  std::unique_ptr<InputFile> file;
  std::unique_ptr<crypto::EnvelopeOpener> opener;
};

// Opens `record`'s envelope and checks that it holds a case bundle. The
// opener's errors (UNAUTHENTICATED, DATA_LOSS, ...) come back as they are.
absl::StatusOr<std::unique_ptr<OpenedInbox>> OpenInboxEnvelope(
    const InboxRecord& record, const directory::DirectoryView& directory,
    const KeyRing& keys);

// Opens `record`'s envelope, verifies it to the last byte and returns its
// bundle; attachment bytes are read and discarded.
absl::StatusOr<handover::v1::CaseBundle> ReadInboxBundle(
    const InboxRecord& record, const directory::DirectoryView& directory,
    const KeyRing& keys);

}  // namespace handover::node

#endif  // HANDOVER_NODE_INBOX_OPENING_H_

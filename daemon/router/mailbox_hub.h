// Where mailbox streams wait and are woken: one live stream per agency (a
// newer Connect replaces the older one, which is cancelled and must have
// finished before the newer one starts), a wake-up when new items may be
// due for an agency, and the directory version to announce. It holds no
// items itself: those are in the RouterStore.
//
// Thread-safe.
#ifndef HANDOVER_ROUTER_MAILBOX_HUB_H_
#define HANDOVER_ROUTER_MAILBOX_HUB_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace grpc {
class ServerContextBase;
}

namespace handover::router {

class MailboxHub;

// One live stream's place in the hub. Obtained from Attach, released by
// destruction (which wakes a stream waiting to replace it).
class StreamSlot {
 public:
  ~StreamSlot();
  StreamSlot(const StreamSlot&) = delete;
  StreamSlot& operator=(const StreamSlot&) = delete;

  const std::string& agency_id() const { return agency_id_; }

  // Waits until woken (new items, a directory change, replacement or
  // shutdown) since the last call, or until `deadline`.
  void Wait(absl::Time deadline);
  // True once a newer stream of the agency, or shutdown, ended this one.
  bool stopped() const;
  // The newest directory version announced (0 before any).
  uint64_t directory_version() const;
  // Wakes the stream's own wait (e.g. when its reader thread got an ack).
  void Wake();

 private:
  friend class MailboxHub;
  StreamSlot(MailboxHub* hub, std::string agency_id,
             grpc::ServerContextBase* context)
      : hub_(hub), agency_id_(std::move(agency_id)), context_(context) {}

  MailboxHub* const hub_;
  const std::string agency_id_;
  grpc::ServerContextBase* const context_;
  // Guarded by hub_->mu_.
  uint64_t wakeups_ = 0;
  uint64_t seen_wakeups_ = 0;
  bool stopped_ = false;
};

class MailboxHub {
 public:
  MailboxHub() = default;
  MailboxHub(const MailboxHub&) = delete;
  MailboxHub& operator=(const MailboxHub&) = delete;

  // Registers a stream of `agency_id`. An older stream of the agency is
  // stopped and cancelled first, and this waits (up to `takeover`) for it
  // to end. Unavailable once shutting down, or if the old stream does not
  // end in time.
  absl::StatusOr<std::unique_ptr<StreamSlot>> Attach(
      absl::string_view agency_id, grpc::ServerContextBase* context,
      absl::Duration takeover = absl::Seconds(10));

  // New items may be due for `agency_id`.
  void Notify(absl::string_view agency_id);
  // A new directory version: every live stream announces it.
  void AnnounceDirectory(uint64_t version);
  // Stops and cancels every stream, refuses new ones.
  void Shutdown();
  // Number of live streams (for tests and logs).
  size_t live_streams() const;
  // True while `agency_id` has a live stream.
  bool IsConnected(absl::string_view agency_id) const;

 private:
  friend class StreamSlot;
  void Detach(StreamSlot* slot);

  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, StreamSlot*> live_ ABSL_GUARDED_BY(mu_);
  uint64_t directory_version_ ABSL_GUARDED_BY(mu_) = 0;
  bool shutting_down_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace handover::router

#endif  // HANDOVER_ROUTER_MAILBOX_HUB_H_

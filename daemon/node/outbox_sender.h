// The background sender: uploads the outbox's queued transfers to the
// router with Router::SubmitEnvelope, streaming each envelope file from disk
// in parts of at most 1 MiB (the head first), and moves the recipients'
// states forward:
//   router OK                         → AT_ROUTER for every recipient
//   a permanent refusal               → FAILED, with the router's message
//   a transient failure               → retried with the [retry] backoff
//   the expiry passes before upload   → EXPIRED
//   the envelope file is gone/damaged → FAILED
// Once every recipient is past QUEUED the envelope file is removed: the
// router holds the copy that travels on.
//
// Thread-safety: Start/Notify/Stop may be called from any thread. A
// transfer is uploaded by one worker at a time.
#ifndef HANDOVER_NODE_OUTBOX_SENDER_H_
#define HANDOVER_NODE_OUTBOX_SENDER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/file_util.h"
#include "config/retry_policy.h"
#include "crypto/opener.h"
#include "deliverylog/event_recorder.h"
#include "handover/v1/router.grpc.pb.h"
#include "node/node_store.h"

namespace handover::node {

// Ciphertext travels in parts of at most this many bytes.
inline constexpr size_t kMaxPartBytes = 1 << 20;

struct OutboxSenderOptions {
  int threads = 4;
  config::RetryPolicy retry;
  const Clock* clock = &SystemClock::Get();
  // How long one upload may take before it counts as a transient failure.
  absl::Duration upload_timeout = absl::Minutes(30);
  // How often idle workers look at the outbox even without Notify().
  absl::Duration poll_interval = absl::Seconds(5);
  // How long Stop() lets in-flight uploads finish before cancelling them
  // (a cancelled upload is simply retried after a restart).
  absl::Duration drain_timeout = absl::Seconds(5);
  // Where each copy's hand-over to the router (or its end) is logged; may
  // be null. This agency's id names the sender in those entries.
  deliverylog::EventRecorder* events = nullptr;
  std::string agency_id;
};

// What became of one upload attempt.
enum class UploadOutcome {
  kStored,   // the router holds it: AT_ROUTER
  kFailed,   // refused for good: FAILED
  kExpired,  // expired before it reached the router: EXPIRED
  kRetry,    // transient: try again after a backoff
  kNothingToDo,
};

// True for the gRPC codes the sender treats as a permanent refusal.
bool IsPermanentUploadFailure(const absl::Status& status);

class OutboxSender {
 public:
  // `store` must outlive the sender. `channel` is the mTLS channel to the
  // router.
  OutboxSender(NodeStore* store, std::shared_ptr<grpc::Channel> channel,
               OutboxSenderOptions options);
  ~OutboxSender();  // Stop()s.
  OutboxSender(const OutboxSender&) = delete;
  OutboxSender& operator=(const OutboxSender&) = delete;

  // Starts the worker threads.
  void Start();
  // A new transfer is in the outbox: wake a worker. Never blocks.
  void Notify();
  // Lets in-flight uploads finish for up to drain_timeout, cancels the rest,
  // then joins the workers. Idempotent.
  void Stop();

  // One upload attempt of `transfer` on the calling thread, applying the
  // outcome to the store. For tests and for the workers.
  UploadOutcome UploadOnce(const OutboxTransfer& transfer);

 private:
  void Work();
  // A due transfer no other worker holds, claimed; false if none.
  bool ClaimNext(OutboxTransfer* out);
  void Release(const std::string& transfer_id, UploadOutcome outcome);
  // Waits for a Notify(), Stop() or the next poll / backoff expiry.
  void WaitForWork(uint64_t* seen_notifications);
  // Whether any recipient of the transfer is still QUEUED in the store.
  absl::StatusOr<bool> StillQueued(absl::string_view transfer_id);
  // The envelope file, positioned after its head, and the head.
  struct OpenedEnvelope {
    std::unique_ptr<InputFile> file;
    crypto::EnvelopeHead head;
  };
  // DataLoss if the file is missing or damaged (that will not heal).
  absl::StatusOr<OpenedEnvelope> OpenEnvelope(const OutboxTransfer& transfer);
  // Streams the rest of the envelope to the router; the router's status.
  absl::Status Submit(OpenedEnvelope& envelope, bool* already_stored);
  // Applies a final outcome to every recipient and drops the file.
  void Finish(const OutboxTransfer& transfer, DeliveryState state,
              const std::string& reason);

  NodeStore* const store_;
  const std::unique_ptr<handover::v1::Router::Stub> stub_;
  const OutboxSenderOptions options_;

  struct Backoff {
    absl::Time next_attempt;
    absl::Duration delay;
  };

  absl::Mutex mu_;
  uint64_t notifications_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  // Transfers a worker is uploading now.
  absl::flat_hash_set<std::string> in_flight_ ABSL_GUARDED_BY(mu_);
  // Transfers waiting out a backoff after a transient failure.
  absl::flat_hash_map<std::string, Backoff> backoff_ ABSL_GUARDED_BY(mu_);
  // The calls of in-flight uploads, so Stop() can cancel them.
  absl::flat_hash_set<grpc::ClientContext*> calls_ ABSL_GUARDED_BY(mu_);
  std::vector<std::thread> workers_;
};

}  // namespace handover::node

#endif  // HANDOVER_NODE_OUTBOX_SENDER_H_

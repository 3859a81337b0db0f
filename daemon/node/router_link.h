// The node's mailbox link: holds the Router::Connect stream open
// (reconnecting with the [retry] backoff), says hello with the directory
// version it holds, and handles what the router pushes:
//   - envelopes: checked and stored by InboundEnvelope (inbound_envelope.h),
//     then acknowledged STORED, or REJECTED with a one-line reason, when
//     their EnvelopeEnd arrives;
//   - notices: applied to the outbox by NoticeHandler (notice_handler.h),
//     then acknowledged;
//   - DirectoryChanged: asks the DirectoryClient for a refresh.
// Each item is acknowledged only after it is durable. A local failure (a
// full disk, a store error) acknowledges nothing: the link drops the stream
// and reconnects after a backoff, and the router pushes the item again.
//
// Thread-safety: Start/Stop/connected may be called from any thread; the
// stream is read and written by the link's own thread.
#ifndef HANDOVER_NODE_ROUTER_LINK_H_
#define HANDOVER_NODE_ROUTER_LINK_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "config/retry_policy.h"
#include "handover/v1/router.grpc.pb.h"
#include "node/link_context.h"
#include "node/notice_handler.h"

namespace handover::node {

struct RouterLinkOptions {
  // Where to keep envelopes and how to check them. The pointers it holds
  // must outlive the link.
  LinkContext context;
  config::RetryPolicy retry;
  uint32_t window = 0;  // max unacknowledged items; 0 = the router's default
  // Called after an envelope was stored and our receipt queued.
  std::function<void()> on_receipt_queued;
};

class RouterLink {
 public:
  RouterLink(std::shared_ptr<grpc::Channel> channel, RouterLinkOptions options);
  ~RouterLink();  // Stop()s.
  RouterLink(const RouterLink&) = delete;
  RouterLink& operator=(const RouterLink&) = delete;

  // Starts the link thread.
  void Start();
  // Cancels the stream (an envelope being received is discarded; the router
  // pushes it again) and joins the thread. Idempotent.
  void Stop();

  // True while the mailbox stream is up.
  bool connected() const { return connected_.load(); }

 private:
  using Stream = grpc::ClientReaderWriter<handover::v1::NodeMessage,
                                          handover::v1::RouterMessage>;
  void Run();
  // One stream from connect to its end; returns why it ended. Sets
  // *received when at least one item arrived (the backoff starts over).
  absl::Status RunStream(bool* received);
  // True once the router has accepted the stream, false if it refused it.
  static bool Accepted(Stream* stream, const grpc::ClientContext& context);
  // Handles one message; an error ends the stream.
  absl::Status Handle(const handover::v1::RouterMessage& message,
                      Stream* stream);
  absl::Status SendAck(Stream* stream, uint64_t delivery_id,
                       const AckOrLocalFailure& ack);

  const std::unique_ptr<handover::v1::Router::Stub> stub_;
  const RouterLinkOptions options_;
  NoticeHandler notices_;

  // The envelope being received, on the link thread only.
  struct Incoming;
  std::unique_ptr<Incoming> incoming_;

  std::atomic<bool> connected_{false};
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  grpc::ClientContext* active_context_ ABSL_GUARDED_BY(mu_) = nullptr;
  std::thread thread_;
};

}  // namespace handover::node

#endif  // HANDOVER_NODE_ROUTER_LINK_H_

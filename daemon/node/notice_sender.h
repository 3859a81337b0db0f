// Hands the notices we signed (delivery receipts) to the router with
// Router::SubmitNotice, from the store's durable queue, so a receipt
// survives a restart and reaches the sender even if the router was down
// when the envelope arrived. A transient failure is retried with the
// [retry] backoff; a notice the router refuses for good is dropped with a
// warning (retrying cannot change the answer).
//
// Thread-safety: Start/Notify/Stop may be called from any thread; one
// background thread does the sending.
#ifndef HANDOVER_NODE_NOTICE_SENDER_H_
#define HANDOVER_NODE_NOTICE_SENDER_H_

#include <memory>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "config/retry_policy.h"
#include "handover/v1/router.grpc.pb.h"
#include "node/node_store.h"

namespace handover::node {

struct NoticeSenderOptions {
  config::RetryPolicy retry;
  const Clock* clock = &SystemClock::Get();
  absl::Duration call_timeout = absl::Seconds(30);
  // How often the thread looks at the queue even without Notify().
  absl::Duration poll_interval = absl::Seconds(5);
};

class NoticeSender {
 public:
  // `store` must outlive the sender.
  NoticeSender(NodeStore* store, std::shared_ptr<grpc::Channel> channel,
               NoticeSenderOptions options);
  ~NoticeSender();  // Stop()s.
  NoticeSender(const NoticeSender&) = delete;
  NoticeSender& operator=(const NoticeSender&) = delete;

  void Start();
  // A notice was queued: send it now. Never blocks.
  void Notify();
  // Cancels a call in flight and joins the thread. Idempotent.
  void Stop();

  // Sends every notice due now, on the calling thread; how many the router
  // took. For tests and for the thread.
  int SendDue();

 private:
  void Run();
  absl::Duration BackoffAfter(uint32_t attempts) const;

  NodeStore* const store_;
  const std::unique_ptr<handover::v1::Router::Stub> stub_;
  const NoticeSenderOptions options_;

  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t notifications_ ABSL_GUARDED_BY(mu_) = 0;
  grpc::ClientContext* active_call_ ABSL_GUARDED_BY(mu_) = nullptr;
  std::thread thread_;
};

}  // namespace handover::node

#endif  // HANDOVER_NODE_NOTICE_SENDER_H_

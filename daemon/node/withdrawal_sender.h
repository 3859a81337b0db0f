// Asks the router to withdraw the transfers a later move superseded
// (Router::WithdrawTransfer), from the store's durable queue that
// NodeStore::InsertMove fills, so a withdrawal survives a restart and a
// router that was down when the child moved on.
//
// What the router answers is applied to the outbox: copies it withdrew
// become WITHDRAWN (its signed WITHDRAWN reports arrive as well, through
// the mailbox); copies already pushed or stored stay as they are and will
// be receipted. A transient failure is retried at the next pass; a refusal
// for good is logged and dropped.
//
// Thread-safety: Start/Notify/Stop from any thread; one background thread.
#ifndef HANDOVER_NODE_WITHDRAWAL_SENDER_H_
#define HANDOVER_NODE_WITHDRAWAL_SENDER_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "deliverylog/event_recorder.h"
#include "handover/v1/router.grpc.pb.h"
#include "node/node_store.h"

namespace handover::node {

struct WithdrawalSenderOptions {
  const Clock* clock = &SystemClock::Get();
  absl::Duration call_timeout = absl::Seconds(30);
  // How often the thread retries without Notify().
  absl::Duration poll_interval = absl::Seconds(5);
  // Each copy withdrawn is logged here (SUPERSEDED); may be null. This
  // agency's id names the sender in those entries.
  deliverylog::EventRecorder* events = nullptr;
  std::string agency_id;
};

class WithdrawalSender {
 public:
  // `store` must outlive the sender.
  WithdrawalSender(NodeStore* store, std::shared_ptr<grpc::Channel> channel,
                   WithdrawalSenderOptions options);
  ~WithdrawalSender();  // Stop()s.
  WithdrawalSender(const WithdrawalSender&) = delete;
  WithdrawalSender& operator=(const WithdrawalSender&) = delete;

  void Start();
  // A withdrawal was queued. Never blocks.
  void Notify();
  // Cancels a call in flight and joins the thread. Idempotent.
  void Stop();

  // Makes every queued withdrawal on the calling thread; how many the
  // router answered.
  int SendPending();

 private:
  void Run();
  absl::Status Apply(absl::string_view transfer_id,
                     const handover::v1::WithdrawTransferResponse& response);

  NodeStore* const store_;
  const std::unique_ptr<handover::v1::Router::Stub> stub_;
  const WithdrawalSenderOptions options_;

  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t notifications_ ABSL_GUARDED_BY(mu_) = 0;
  grpc::ClientContext* active_call_ ABSL_GUARDED_BY(mu_) = nullptr;
  std::thread thread_;
};

}  // namespace handover::node

#endif  // HANDOVER_NODE_WITHDRAWAL_SENDER_H_

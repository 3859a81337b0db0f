// Signs a tree head for a delivery log every `interval` while the log
// grows, so an edit can go unnoticed for at most that long even when
// nobody asks for a head. A log that has not grown since its newest head
// gets no new one.
//
// Thread-safety: Start and Stop are called by the owner, once each;
// PublishIfGrown may be called from any thread.
#ifndef HANDOVER_DELIVERYLOG_TREE_HEAD_PUBLISHER_H_
#define HANDOVER_DELIVERYLOG_TREE_HEAD_PUBLISHER_H_

#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "deliverylog/delivery_log.h"

namespace handover::deliverylog {

class TreeHeadPublisher {
 public:
  // `log` must outlive the publisher.
  TreeHeadPublisher(DeliveryLog* log, absl::Duration interval)
      : log_(log), interval_(interval) {}
  ~TreeHeadPublisher() { Stop(); }
  TreeHeadPublisher(const TreeHeadPublisher&) = delete;
  TreeHeadPublisher& operator=(const TreeHeadPublisher&) = delete;

  void Start();
  // Signs a last head if the log grew, then joins the thread. Idempotent.
  void Stop();

  // Signs a head now if the log holds entries no head covers yet.
  absl::Status PublishIfGrown();

 private:
  void Run();

  DeliveryLog* log_;
  absl::Duration interval_;
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace handover::deliverylog

#endif  // HANDOVER_DELIVERYLOG_TREE_HEAD_PUBLISHER_H_

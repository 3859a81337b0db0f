// A police control room's alert stream held open: WatchAlerts from the
// first event on, read on its own thread, noting when each transfer's
// RAISED event arrived. An optional callback sees every RAISED event as it
// arrives (it runs on the reading thread, so it must not block).
#ifndef HANDOVER_BENCH_LOADGEN_ALERT_WATCHER_H_
#define HANDOVER_BENCH_LOADGEN_ALERT_WATCHER_H_

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "handover/v1/node.pb.h"
#include "harness/node_client.h"

namespace handover::bench {

struct AlertArrival {
  absl::Time on_stream;
  absl::Time raised;  // the alert's raised_at, stamped by the police node
};

class AlertWatcher {
 public:
  using OnRaised =
      std::function<void(const handover::v1::AlertEvent&, absl::Time)>;

  // `client` must be an alert operator of the police node.
  explicit AlertWatcher(std::unique_ptr<integration::NodeClient> client,
                        OnRaised on_raised = nullptr);
  ~AlertWatcher();
  AlertWatcher(const AlertWatcher&) = delete;
  AlertWatcher& operator=(const AlertWatcher&) = delete;

  // Waits until `count` alerts have arrived or `timeout` has passed.
  void WaitFor(size_t count, absl::Duration timeout);

  // Ends the stream and joins the reader.
  void Stop();

  // The first arrival per transfer id. After Stop().
  const absl::flat_hash_map<std::string, AlertArrival>& arrivals() const {
    return arrivals_;
  }
  uint64_t largest_event_bytes() const { return largest_event_bytes_; }

 private:
  void Read();

  std::unique_ptr<integration::NodeClient> client_;
  std::unique_ptr<grpc::ClientContext> context_;
  std::unique_ptr<grpc::ClientReader<handover::v1::AlertEvent>> reader_;
  OnRaised on_raised_;
  std::thread thread_;
  std::mutex mu_;
  absl::flat_hash_map<std::string, AlertArrival> arrivals_;
  uint64_t largest_event_bytes_ = 0;
};

}  // namespace handover::bench

#endif  // HANDOVER_BENCH_LOADGEN_ALERT_WATCHER_H_

// The receiving side of the soak, as the agencies' people work:
//   InboxReader: a records officer at one agency polls the inbox for what
//     is new, fetches each transfer to disk (then deletes the copy) and
//     acknowledges it, so a signed acknowledgement goes back to the sender;
//   AlertOperator: the police control room holds WatchAlerts open and
//     acknowledges every alert raised.
// Each runs on its own thread from construction until Stop(); arrivals go
// to the DeliveryLedger, call latencies and errors to OpStats.
#ifndef HANDOVER_BENCH_SOAK_RECIPIENTS_H_
#define HANDOVER_BENCH_SOAK_RECIPIENTS_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "absl/container/flat_hash_set.h"
#include "harness/node_client.h"
#include "loadgen/alert_watcher.h"
#include "soak/delivery_ledger.h"
#include "soak/op_stats.h"

namespace handover::bench {

class InboxReader {
 public:
  // `client` is a receiver of `agency`'s node; fetched copies go under
  // `scratch_dir` and are deleted once checked.
  InboxReader(std::string agency,
              std::unique_ptr<integration::NodeClient> client,
              std::string scratch_dir, DeliveryLedger* ledger, OpStats* stats);
  ~InboxReader();
  InboxReader(const InboxReader&) = delete;
  InboxReader& operator=(const InboxReader&) = delete;

  // Transfers seen but not yet fetched and acknowledged.
  uint64_t Backlog() const { return seen_ - handled_; }
  void Stop();

  // Every entry of the inbox now, every page (for the final reconcile).
  absl::StatusOr<std::vector<handover::v1::InboxEntry>> ListAll();

  const std::string& agency() const { return agency_; }

 private:
  void Run();
  void Handle(const handover::v1::InboxEntry& entry);

  std::string agency_;
  std::unique_ptr<integration::NodeClient> client_;
  std::string scratch_dir_;
  DeliveryLedger* ledger_;
  OpStats* stats_;
  absl::flat_hash_set<std::string> known_;  // reader thread only
  std::atomic<uint64_t> seen_{0};
  std::atomic<uint64_t> handled_{0};
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

class AlertOperator {
 public:
  // `client` is an alert operator of the police node `agency`.
  AlertOperator(std::string agency,
                std::unique_ptr<integration::NodeClient> watch_client,
                std::unique_ptr<integration::NodeClient> ack_client,
                DeliveryLedger* ledger, OpStats* stats);
  ~AlertOperator();
  AlertOperator(const AlertOperator&) = delete;
  AlertOperator& operator=(const AlertOperator&) = delete;

  // Alerts raised (each transfer's first RAISED), and acknowledged.
  uint64_t raised() const { return raised_; }
  uint64_t acknowledged() const { return acknowledged_; }
  void Stop();

 private:
  void OnRaised(const handover::v1::AlertEvent& event, absl::Time arrived);
  void AckLoop();

  std::string agency_;
  std::unique_ptr<integration::NodeClient> ack_client_;
  DeliveryLedger* ledger_;
  OpStats* stats_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<std::string> to_ack_;
  bool stopping_ = false;
  std::atomic<uint64_t> raised_{0};
  std::atomic<uint64_t> acknowledged_{0};
  std::thread acker_;
  // Last: its reading thread calls OnRaised, so everything above must exist.
  std::unique_ptr<AlertWatcher> watcher_;
};

}  // namespace handover::bench

#endif  // HANDOVER_BENCH_SOAK_RECIPIENTS_H_

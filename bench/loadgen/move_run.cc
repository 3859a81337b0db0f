#include "loadgen/move_run.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <mutex>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "harness/move_calls.h"
#include "harness/test_network.h"
#include "loadgen/alert_watcher.h"
#include "loadgen/baselines.h"
#include "loadgen/network_start.h"

namespace handover::bench {
namespace {

namespace v1 = handover::v1;
using integration::NodeClient;
using integration::Role;

constexpr char kSender[] = "stockport-cs";
constexpr char kPoliceNode[] = "west-midlands-police";

}  // namespace

absl::StatusOr<MoveResults> RunMoves(const PacedShape& shape,
                                     const std::string& log_level) {
  integration::NetworkOptions options;
  options.nodes = {kSender, integration::kBirmingham, "birmingham-health",
                   kPoliceNode};
  options.log_level = log_level;
  auto net = StartLoadNetwork(options, {kSender});
  if (!net.ok()) return net.status();

  MoveResults results;
  AlertWatcher watcher((*net)->Client(kPoliceNode, Role::kAlertOperator));
  std::mutex mu;
  // The police view's transfer id → when its move was due.
  absl::flat_hash_map<std::string, absl::Time> due_by_transfer;
  LatencyStats submit_stats;
  std::vector<std::unique_ptr<NodeClient>> clients;
  for (int w = 0; w < shape.workers; ++w) {
    clients.push_back((*net)->Client(kSender, Role::kSubmitter));
  }
  const PacedTiming timing =
      RunPaced(shape, [&](int worker, uint64_t i, absl::Time due) {
        integration::MoveRequest request;
        request.idempotency_key = absl::StrCat("bench-move-", i);
        request.bundle = ChildRecord(i);
        auto move = integration::SubmitMove(*clients[worker], request);
        if (!move.ok()) {
          submit_stats.RecordFailure();
          return;
        }
        submit_stats.Record(absl::Now() - due);
        for (const v1::MoveView& view : move->views()) {
          if (view.kind() != v1::AGENCY_KIND_POLICE_FORCE) continue;
          std::lock_guard<std::mutex> lock(mu);
          due_by_transfer[view.transfer_id()] = due;
        }
      });
  results.worst_start_lag = timing.worst_start_lag;
  watcher.WaitFor(due_by_transfer.size(), absl::Minutes(2));
  watcher.Stop();

  // When each police view was stored in the police node's inbox.
  absl::flat_hash_map<std::string, absl::Time> stored_at;
  auto inbox = (*net)
                   ->Client(kPoliceNode, Role::kReceiver)
                   ->ListInbox(/*page_size=*/1000);
  if (!inbox.ok()) return inbox.status();
  for (const v1::InboxEntry& entry : *inbox) {
    stored_at.emplace(entry.transfer_id(), FromProto(entry.received_at()));
  }

  LatencyStats alert_stats, stored_stats, raised_stats;
  absl::Time last_alert = timing.start;
  for (const auto& [transfer_id, due] : due_by_transfer) {
    auto stored = stored_at.find(transfer_id);
    if (stored == stored_at.end()) {
      stored_stats.RecordFailure();
    } else {
      stored_stats.Record(stored->second - due);
    }
    auto it = watcher.arrivals().find(transfer_id);
    if (it == watcher.arrivals().end()) {
      alert_stats.RecordFailure();
      raised_stats.RecordFailure();
      continue;
    }
    alert_stats.Record(it->second.on_stream - due);
    raised_stats.Record(it->second.raised - due);
    last_alert = std::max(last_alert, it->second.on_stream);
  }
  results.stored_at_police = stored_stats.Summarize(
      "  stored at the police node", 0, last_alert - timing.start);
  results.alert_raised =
      raised_stats.Summarize("  alert raised", 0, last_alert - timing.start);
  results.alert_event_bytes = watcher.largest_event_bytes();
  results.move_to_alert = alert_stats.Summarize("move → police alert stream", 0,
                                                last_alert - timing.start);
  results.submit = submit_stats.Summarize("  submit answered (durable)", 0,
                                          absl::Now() - timing.start);

  auto stream = RunGrpcStreamBaseline(shape, results.alert_event_bytes,
                                      BaselineTls(**net, kSender));
  if (!stream.ok()) return stream.status();
  results.grpc_stream = *std::move(stream);
  return results;
}

}  // namespace handover::bench

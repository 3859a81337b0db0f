#include "loadgen/move_run.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "harness/move_calls.h"
#include "harness/test_network.h"
#include "loadgen/baselines.h"

namespace handover::bench {
namespace {

namespace v1 = handover::v1;
using integration::NodeClient;
using integration::Role;
using integration::TestNetwork;

constexpr char kSender[] = "stockport-cs";
constexpr char kPoliceNode[] = "west-midlands-police";

// The record of a different child for each move, so no move supersedes
// another (a second move of one child withdraws the first).
v1::CaseBundle ChildRecord(uint64_t i) {
  v1::CaseBundle bundle =
      integration::RichBundle(absl::StrCat("BENCH-MOVE-", i));
  bundle.mutable_identity()->clear_nhs_number();
  v1::LocalCaseId* id = bundle.mutable_identity()->add_local_case_ids();
  id->set_system("load generator case system");
  id->set_id(absl::StrCat("CHILD-", i));
  return bundle;
}

absl::Time FromProto(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

struct Arrival {
  absl::Time on_stream;
  absl::Time raised;  // the alert's raised_at, stamped by the police node
};

// Holds WatchAlerts open as a control room does and notes when each
// transfer's RAISED event arrived.
class AlertWatcher {
 public:
  explicit AlertWatcher(std::unique_ptr<NodeClient> client)
      : client_(std::move(client)), context_(client_->NewContext()) {
    context_->set_deadline(absl::ToChronoTime(absl::Now() + absl::Hours(24)));
    reader_ =
        client_->stub().WatchAlerts(context_.get(), v1::WatchAlertsRequest());
    thread_ = std::thread([this] { Read(); });
  }

  ~AlertWatcher() { Stop(); }

  // Waits until `count` alerts have arrived or `timeout` has passed.
  void WaitFor(size_t count, absl::Duration timeout) {
    const absl::Time give_up = absl::Now() + timeout;
    while (absl::Now() < give_up) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (arrivals_.size() >= count) return;
      }
      absl::SleepFor(absl::Milliseconds(20));
    }
  }

  void Stop() {
    if (!thread_.joinable()) return;
    context_->TryCancel();
    thread_.join();
    reader_->Finish();
  }

  // After Stop().
  const absl::flat_hash_map<std::string, Arrival>& arrivals() const {
    return arrivals_;
  }
  uint64_t largest_event_bytes() const { return largest_event_bytes_; }

 private:
  void Read() {
    v1::AlertEvent event;
    while (reader_->Read(&event)) {
      const absl::Time now = absl::Now();
      if (event.kind() != v1::ALERT_EVENT_KIND_RAISED) continue;
      std::lock_guard<std::mutex> lock(mu_);
      arrivals_.emplace(event.alert().transfer_id(),
                        Arrival{now, FromProto(event.alert().raised_at())});
      largest_event_bytes_ =
          std::max<uint64_t>(largest_event_bytes_, event.ByteSizeLong());
    }
  }

  std::unique_ptr<NodeClient> client_;
  std::unique_ptr<grpc::ClientContext> context_;
  std::unique_ptr<grpc::ClientReader<v1::AlertEvent>> reader_;
  std::thread thread_;
  std::mutex mu_;
  absl::flat_hash_map<std::string, Arrival> arrivals_;
  uint64_t largest_event_bytes_ = 0;
};

}  // namespace

absl::StatusOr<MoveResults> RunMoves(const PacedShape& shape,
                                     const std::string& log_level) {
  integration::NetworkOptions options;
  options.nodes = {kSender, integration::kBirmingham, "birmingham-health",
                   kPoliceNode};
  options.log_level = log_level;
  auto net = TestNetwork::Create(options);
  if (!net.ok()) return net.status();
  // The per-client rate limit (600 a minute by default) would measure the
  // limiter, not the path.
  (*net)->node_settings(kSender).extra_toml =
      "\n[limits]\nsubmissions_per_minute_per_client = 1000000\n";
  if (absl::Status s = (*net)->StartAll(); !s.ok()) return s;

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

  const TlsMaterial tls = {(*net)->CaPath(), (*net)->CertPath("router"),
                           (*net)->KeyPath("router"), (*net)->CertPath(kSender),
                           (*net)->KeyPath(kSender)};
  auto stream = RunGrpcStreamBaseline(shape, results.alert_event_bytes, tls);
  if (!stream.ok()) return stream.status();
  results.grpc_stream = *std::move(stream);
  return results;
}

}  // namespace handover::bench

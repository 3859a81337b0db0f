#include "loadgen/network_run.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "crypto/identity.h"
#include "harness/envelopes.h"
#include "harness/test_data.h"
#include "harness/test_network.h"
#include "loadgen/network_start.h"
#include "loadgen/proc_status.h"

namespace handover::bench {
namespace {

using integration::NodeClient;
using integration::Role;
using integration::TestNetwork;

constexpr char kSender[] = "stockport-cs";
constexpr char kRecipient[] = "birmingham-cs";
constexpr char kParked[] = "birmingham-health";  // listed, runs no node

void RecordPeaks(TestNetwork& net, NetworkResults* results) {
  // 0 if a daemon is gone: the run's own checks report why.
  auto peak = [](pid_t pid) -> uint64_t {
    absl::StatusOr<ProcStatus> status = ReadProcStatus(pid);
    return status.ok() ? status->hwm_kib : 0;
  };
  results->peak_rss_kib["handover-router"] = peak(net.router_process().pid());
  for (const std::string& id : net.node_ids()) {
    results->peak_rss_kib[absl::StrCat("handover-node ", id)] =
        peak(net.node_process(id).pid());
  }
}

// The end-to-end run: clients submit, a watcher polls the recipient inbox.
absl::Status RunTransfers(TestNetwork& net, const LoadShape& shape,
                          const std::string& payload_path,
                          NetworkResults* results) {
  std::mutex mu;
  absl::flat_hash_map<std::string, absl::Time> submitted_at;
  std::atomic<uint64_t> next{0};
  std::atomic<int> finished_clients{0};
  LatencyStats submit_stats;
  const absl::Time start = absl::Now();
  std::vector<std::thread> clients;
  for (int c = 0; c < shape.clients; ++c) {
    clients.emplace_back([&, c] {
      std::unique_ptr<NodeClient> client =
          net.Client(kSender, Role::kSubmitter);
      for (uint64_t i = next.fetch_add(1); i < shape.operations;
           i = next.fetch_add(1)) {
        integration::SubmitRequest request;
        request.idempotency_key = absl::StrCat("load-", c, "-", i);
        request.recipients = {kRecipient};
        request.bundle = integration::MinimalBundle(request.idempotency_key);
        request.attachments.push_back({payload_path, "payload.bin"});
        const absl::Time t0 = absl::Now();
        auto response = client->Submit(request);
        if (!response.ok()) {
          submit_stats.RecordFailure();
          continue;
        }
        submit_stats.Record(absl::Now() - t0);
        std::lock_guard<std::mutex> lock(mu);
        submitted_at[response->transfer_id()] = t0;
      }
      ++finished_clients;
    });
  }

  // Watch the recipient's inbox until every accepted transfer has arrived
  // (a refused submission is counted as a failure and never arrives).
  LatencyStats e2e_stats;
  absl::flat_hash_map<std::string, absl::Time> seen;
  std::unique_ptr<NodeClient> reader = net.Client(kRecipient, Role::kReceiver);
  const absl::Time deadline = start + absl::Minutes(30);
  auto accepted = [&] {
    std::lock_guard<std::mutex> lock(mu);
    return submitted_at.size();
  };
  while (absl::Now() < deadline) {
    const bool all_submitted = finished_clients.load() == shape.clients;
    const size_t expected = accepted();
    if (all_submitted && seen.size() >= expected) break;
    absl::SleepFor(absl::Milliseconds(20));
    // Only what is new: re-listing the whole inbox each time would load the
    // recipient's node more than the transfers do.
    auto entries = reader->ListInboxNewerThan(
        [&seen](const handover::v1::InboxEntry& e) {
          return seen.contains(e.transfer_id());
        },
        1000);
    if (!entries.ok()) continue;
    for (const auto& entry : *entries) {
      seen.emplace(entry.transfer_id(), FromProto(entry.received_at()));
    }
  }
  for (std::thread& t : clients) t.join();
  absl::Time last_arrival = start;
  {
    std::lock_guard<std::mutex> lock(mu);
    for (const auto& [id, t0] : submitted_at) {
      auto it = seen.find(id);
      if (it == seen.end()) {
        e2e_stats.RecordFailure();
        continue;
      }
      e2e_stats.Record(it->second - t0);
      last_arrival = std::max(last_arrival, it->second);
    }
  }
  results->end_to_end = e2e_stats.Summarize(
      "network end to end", shape.payload_bytes, last_arrival - start);
  results->submit = submit_stats.Summarize(
      "node submit (durable)", shape.payload_bytes, absl::Now() - start);

  // Every receipt back at the sender.
  std::unique_ptr<NodeClient> status = net.Client(kSender, Role::kAdmin);
  for (const auto& [id, t0] : submitted_at) {
    auto done = status->WaitForState(id, handover::v1::DELIVERY_STATE_DELIVERED,
                                     absl::Minutes(10));
    if (!done.ok()) return done.status();
  }
  results->receipts_complete_seconds =
      absl::ToDoubleSeconds(absl::Now() - start);
  return absl::OkStatus();
}

// One hop alone: envelopes sealed beforehand, uploaded straight to the
// router, addressed to an agency with no node so nothing is forwarded.
absl::Status RunRouterHop(TestNetwork& net, const LoadShape& shape,
                          NetworkResults* results) {
  std::vector<crypto::PublicIdentity> recipients = net.KeysOf(kParked);
  if (recipients.empty())
    return absl::InternalError("no key for parked agency");
  std::vector<std::string> paths;
  for (uint64_t i = 0; i < shape.operations; ++i) {
    const std::string path = absl::StrCat(net.root(), "/hop-", i, ".env");
    auto header = integration::SealTestEnvelope(net.Identity(kSender),
                                                {recipients.front()},
                                                absl::StrCat("hop-", i), path);
    if (!header.ok()) return header.status();
    paths.push_back(path);
  }
  std::atomic<uint64_t> next{0};
  LatencyStats stats;
  const absl::Time start = absl::Now();
  std::vector<std::thread> threads;
  for (int c = 0; c < shape.clients; ++c) {
    threads.emplace_back([&] {
      std::unique_ptr<integration::RouterClient> router = net.RouterAs(kSender);
      for (uint64_t i = next.fetch_add(1); i < shape.operations;
           i = next.fetch_add(1)) {
        const absl::Time t0 = absl::Now();
        auto response = router->SubmitEnvelopeFile(paths[i]);
        if (response.ok()) {
          stats.Record(absl::Now() - t0);
        } else {
          stats.RecordFailure();
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  // The bundle-only envelopes are smaller than the payload runs; the hop
  // figure is about per-transfer cost, so it is reported per operation.
  results->router_hop =
      stats.Summarize("router hop alone", 0, absl::Now() - start);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<NetworkResults> RunNetwork(const LoadShape& shape,
                                          bool fetch_one,
                                          const std::string& log_level) {
  integration::NetworkOptions options;
  options.nodes = {kSender, kRecipient};
  options.listed_only = {kParked};
  options.log_level = log_level;
  auto net = StartLoadNetwork(options, {kSender});
  if (!net.ok()) return net.status();
  NetworkResults results;

  const std::string payload_path = absl::StrCat((*net)->root(), "/payload.bin");
  if (absl::Status s = WritePayloadFile(payload_path, shape.payload_bytes);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = RunTransfers(**net, shape, payload_path, &results);
      !s.ok()) {
    return s;
  }
  if (fetch_one) {
    std::unique_ptr<NodeClient> reader =
        (*net)->Client(kRecipient, Role::kReceiver);
    auto entries = reader->ListInbox(1);
    if (!entries.ok() || entries->empty()) {
      return absl::InternalError("nothing to fetch at the recipient");
    }
    const absl::Time t0 = absl::Now();
    auto fetched = reader->Fetch(entries->front().transfer_id(),
                                 absl::StrCat((*net)->root(), "/fetched"));
    if (!fetched.ok()) return fetched.status();
    if (!fetched->ended) return absl::DataLossError("fetch did not complete");
    results.fetch_seconds = absl::ToDoubleSeconds(absl::Now() - t0);
  }
  RecordPeaks(**net, &results);
  if (absl::Status s = RunRouterHop(**net, shape, &results); !s.ok()) {
    return s;
  }
  auto echo = RunGrpcEchoBaseline(shape, BaselineTls(**net, kSender));
  if (!echo.ok()) return echo.status();
  results.grpc_echo = *std::move(echo);
  auto sqlite = RunSqliteBaseline(shape, (*net)->root());
  if (!sqlite.ok()) return sqlite.status();
  results.sqlite_insert = *std::move(sqlite);
  return results;
}

}  // namespace handover::bench

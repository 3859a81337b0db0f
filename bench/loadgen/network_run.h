// Drives the real network: a router and two nodes started as processes on
// loopback (the integration tests' harness), C client threads submitting N
// transfers of S bytes to the sending node, and a watcher on the receiving
// node's inbox. Also measures one router hop alone: pre-sealed envelopes
// submitted straight to the router.
#ifndef HANDOVER_BENCH_LOADGEN_NETWORK_RUN_H_
#define HANDOVER_BENCH_LOADGEN_NETWORK_RUN_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "loadgen/baselines.h"
#include "loadgen/latency_stats.h"

namespace handover::bench {

struct NetworkResults {
  // Submit (client starts sending) → stored in the recipient's inbox.
  RunSummary end_to_end;
  // Submit → the sender's node replies with the transfer id (durable).
  RunSummary submit;
  // The same shape of envelope, uploaded straight to the router and stored
  // there durably: one hop, the work a direct node-to-node link would do.
  RunSummary router_hop;
  // Wall time until every signed receipt was back at the sender.
  double receipts_complete_seconds = 0;
  // Peak resident memory (VmHWM) of each daemon, in KiB.
  std::map<std::string, uint64_t> peak_rss_kib;
  // Opening the transfer at the recipient (FetchTransfer), for large runs.
  double fetch_seconds = 0;
  // The baselines, measured in the same run with the network's own
  // certificates and disk, once the network is idle.
  RunSummary grpc_echo;
  RunSummary sqlite_insert;
};

// `fetch_one`: also fetch one transfer at the recipient and time it.
absl::StatusOr<NetworkResults> RunNetwork(const LoadShape& shape,
                                          bool fetch_one,
                                          const std::string& log_level);

}  // namespace handover::bench

#endif  // HANDOVER_BENCH_LOADGEN_NETWORK_RUN_H_

// Collects per-operation latencies and reports throughput and percentiles.
// Thread-safe: many client threads Record() into one instance.
#ifndef HANDOVER_BENCH_LOADGEN_LATENCY_STATS_H_
#define HANDOVER_BENCH_LOADGEN_LATENCY_STATS_H_

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace handover::bench {

struct RunSummary {
  std::string name;
  uint64_t operations = 0;
  uint64_t failures = 0;
  uint64_t bytes_per_operation = 0;
  absl::Duration wall;
  absl::Duration p50;
  absl::Duration p99;
  absl::Duration max;

  double OperationsPerSecond() const;
  double MegabytesPerSecond() const;  // MB = 10^6 bytes
};

class LatencyStats {
 public:
  void Record(absl::Duration latency);
  void RecordFailure();
  RunSummary Summarize(std::string name, uint64_t bytes_per_operation,
                       absl::Duration wall) const;

 private:
  mutable std::mutex mu_;
  std::vector<absl::Duration> latencies_;
  uint64_t failures_ = 0;
};

// One line: "name  N ops  X ops/s  Y MB/s  p50 A ms  p99 B ms  max C ms".
std::string FormatSummary(const RunSummary& summary);

}  // namespace handover::bench

#endif  // HANDOVER_BENCH_LOADGEN_LATENCY_STATS_H_

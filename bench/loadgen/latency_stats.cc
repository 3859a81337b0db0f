#include "loadgen/latency_stats.h"

#include <algorithm>

#include "absl/strings/str_format.h"

namespace handover::bench {

double RunSummary::OperationsPerSecond() const {
  const double seconds = absl::ToDoubleSeconds(wall);
  return seconds > 0 ? static_cast<double>(operations) / seconds : 0;
}

double RunSummary::MegabytesPerSecond() const {
  return OperationsPerSecond() * static_cast<double>(bytes_per_operation) / 1e6;
}

void LatencyStats::Record(absl::Duration latency) {
  std::lock_guard<std::mutex> lock(mu_);
  latencies_.push_back(latency);
}

void LatencyStats::RecordFailure() {
  std::lock_guard<std::mutex> lock(mu_);
  ++failures_;
}

RunSummary LatencyStats::Summarize(std::string name,
                                   uint64_t bytes_per_operation,
                                   absl::Duration wall) const {
  std::vector<absl::Duration> sorted;
  RunSummary summary;
  {
    std::lock_guard<std::mutex> lock(mu_);
    sorted = latencies_;
    summary.failures = failures_;
  }
  std::sort(sorted.begin(), sorted.end());
  summary.name = std::move(name);
  summary.operations = sorted.size();
  summary.bytes_per_operation = bytes_per_operation;
  summary.wall = wall;
  if (!sorted.empty()) {
    auto at = [&](double q) {
      size_t index = static_cast<size_t>(q * (sorted.size() - 1) + 0.5);
      return sorted[std::min(index, sorted.size() - 1)];
    };
    summary.p50 = at(0.50);
    summary.p99 = at(0.99);
    summary.max = sorted.back();
  }
  return summary;
}

std::string FormatSummary(const RunSummary& s) {
  return absl::StrFormat(
      "%-28s %7d ops %9.1f ops/s %9.1f MB/s  p50 %8.2f ms  p99 %8.2f ms  "
      "max %8.2f ms  failures %d",
      s.name, s.operations, s.OperationsPerSecond(), s.MegabytesPerSecond(),
      absl::ToDoubleMilliseconds(s.p50), absl::ToDoubleMilliseconds(s.p99),
      absl::ToDoubleMilliseconds(s.max), s.failures);
}

}  // namespace handover::bench

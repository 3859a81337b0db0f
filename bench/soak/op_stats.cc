#include "soak/op_stats.h"

#include <algorithm>

#include "absl/time/clock.h"
#include "loadgen/latency_stats.h"

namespace handover::bench {
namespace {

constexpr const char* kNames[kOpKindCount] = {
    "submit.small",  "submit.large", "submit.move", "deliver.small",
    "deliver.large", "deliver.view", "alert",       "alert.ack",
    "fetch",         "ack",          "log.query",   "baseline.echo"};

template <typename It>
OpSummary Summarize(It begin, It end) {
  LatencyStats stats;  // the load generator's percentiles, shared
  for (It it = begin; it != end; ++it) stats.Record(it->latency);
  const RunSummary run = stats.Summarize("", 0, absl::ZeroDuration());
  OpSummary summary;
  summary.count = run.operations;
  summary.p50 = run.p50;
  summary.p99 = run.p99;
  return summary;
}

}  // namespace

const char* OpKindName(OpKind kind) { return kNames[static_cast<int>(kind)]; }

OpKind OpKindAt(int index) { return static_cast<OpKind>(index); }

void OpStats::Record(OpKind kind, absl::Duration latency) {
  RecordAt(kind, latency, absl::Now());
}

void OpStats::RecordAt(OpKind kind, absl::Duration latency,
                       absl::Time finished) {
  std::lock_guard<std::mutex> lock(mu_);
  samples_[static_cast<int>(kind)].push_back({finished, latency});
}

void OpStats::RecordError(OpKind kind) {
  std::lock_guard<std::mutex> lock(mu_);
  ++window_errors_[static_cast<int>(kind)];
  ++total_errors_[static_cast<int>(kind)];
}

std::array<OpSummary, kOpKindCount> OpStats::TakeWindow() {
  std::array<OpSummary, kOpKindCount> window;
  std::lock_guard<std::mutex> lock(mu_);
  for (int k = 0; k < kOpKindCount; ++k) {
    const std::vector<Sample>& samples = samples_[k];
    window[k] = Summarize(samples.begin() + window_begin_[k], samples.end());
    window[k].errors = window_errors_[k];
    window_begin_[k] = samples.size();
    window_errors_[k] = 0;
  }
  return window;
}

OpSummary OpStats::Between(OpKind kind, absl::Time from, absl::Time to) const {
  std::lock_guard<std::mutex> lock(mu_);
  // Samples are nearly in time order, not exactly: filter, do not search.
  std::vector<Sample> inside;
  for (const Sample& s : samples_[static_cast<int>(kind)]) {
    if (s.finished >= from && s.finished < to) inside.push_back(s);
  }
  return Summarize(inside.begin(), inside.end());
}

OpSummary OpStats::Total(OpKind kind) const {
  std::lock_guard<std::mutex> lock(mu_);
  const std::vector<Sample>& samples = samples_[static_cast<int>(kind)];
  OpSummary summary = Summarize(samples.begin(), samples.end());
  summary.errors = total_errors_[static_cast<int>(kind)];
  return summary;
}

}  // namespace handover::bench

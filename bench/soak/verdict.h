// The soak's verdict: whether memory, file descriptors and latency stayed
// flat over the run, each against a stated threshold, and whether
// everything accepted was delivered exactly once. Only lost or duplicated
// copies and errors fail the run: flatness is reported, never enforced,
// because a shared machine's noise must not fail a benchmark.
#ifndef HANDOVER_BENCH_SOAK_VERDICT_H_
#define HANDOVER_BENCH_SOAK_VERDICT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "soak/delivery_ledger.h"
#include "soak/op_stats.h"
#include "soak/window_report.h"

namespace handover::bench {

// Resident memory may grow less than this, in percent, after warm-up: the
// least-squares trend over the windows from the one closing the run's
// first third (caches and allocator arenas fill over minutes, not seconds)
// to the last. A leak keeps growing through the last two thirds and is
// caught; growth from the first window is reported beside it.
inline constexpr double kRssGrowthLimitPercent = 10;
// Open file descriptors at the end of the last window may differ from the
// first window's by at most this many.
inline constexpr int kFdSlack = 5;
// A latency percentile of the last third may exceed the first third's by
// at most the baseline's own drift (if positive) plus this many points.
inline constexpr double kDriftSlackPoints = 25;
// A third with fewer successes than this is too small to judge; with fewer
// than kMinSamplesForP99, only its p50 is judged.
inline constexpr uint64_t kMinSamplesPerThird = 20;
inline constexpr uint64_t kMinSamplesForP99 = 100;

struct VerdictInput {
  std::vector<WindowRow> rows;
  const OpStats* stats = nullptr;
  absl::Time load_start;
  absl::Time load_end;
  LedgerCounts ledger;
  uint64_t alerts_raised = 0;
  uint64_t alerts_acknowledged = 0;
  uint64_t unhandled_inbox = 0;  // seen at a recipient, not fetched
};

struct Verdict {
  std::vector<std::string> lines;     // the report, one line each
  std::vector<std::string> not_flat;  // which metrics were not flat
  std::vector<std::string> failures;  // lost, duplicates, errors
  bool failed() const { return !failures.empty(); }
};

Verdict JudgeSoak(const VerdictInput& input);

}  // namespace handover::bench

#endif  // HANDOVER_BENCH_SOAK_VERDICT_H_

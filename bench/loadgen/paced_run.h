// Open-loop pacing for the latency runs: operation i is due at
// start + i / rate, whatever happened to earlier ones, so a slow response
// cannot hide the queueing it causes (no coordinated omission). Workers
// take the next due operation, sleep until it is due and run it.
#ifndef HANDOVER_BENCH_LOADGEN_PACED_RUN_H_
#define HANDOVER_BENCH_LOADGEN_PACED_RUN_H_

#include <cstdint>
#include <functional>

#include "absl/time/time.h"

namespace handover::bench {

struct PacedShape {
  double per_second = 50;
  absl::Duration duration = absl::Seconds(60);
  int workers = 8;

  uint64_t Operations() const;
};

struct PacedTiming {
  absl::Time start;
  // How far behind its due time the latest-starting operation began: when
  // this grows, the workers, not the system measured, set the pace.
  absl::Duration worst_start_lag;
};

// Runs `operation(worker, i, due)` for i in [0, shape.Operations()) on
// shape.workers threads (worker in [0, shape.workers)), each at or after
// its due time; returns when all have returned.
PacedTiming RunPaced(
    const PacedShape& shape,
    const std::function<void(int, uint64_t, absl::Time)>& operation);

}  // namespace handover::bench

#endif  // HANDOVER_BENCH_LOADGEN_PACED_RUN_H_

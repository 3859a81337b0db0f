#include "loadgen/paced_run.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/time/clock.h"

namespace handover::bench {

uint64_t PacedShape::Operations() const {
  return static_cast<uint64_t>(
      std::llround(per_second * absl::ToDoubleSeconds(duration)));
}

PacedTiming RunPaced(
    const PacedShape& shape,
    const std::function<void(int, uint64_t, absl::Time)>& operation) {
  const uint64_t total = shape.Operations();
  const absl::Duration interval = absl::Seconds(1) / shape.per_second;
  // A short lead so every worker is waiting when the first one is due.
  const absl::Time start = absl::Now() + absl::Milliseconds(100);
  std::atomic<uint64_t> next{0};
  std::mutex lag_mu;
  absl::Duration worst_lag = absl::ZeroDuration();
  std::vector<std::thread> workers;
  for (int w = 0; w < shape.workers; ++w) {
    workers.emplace_back([&, w] {
      for (uint64_t i = next.fetch_add(1); i < total; i = next.fetch_add(1)) {
        const absl::Time due = start + interval * static_cast<double>(i);
        absl::SleepFor(due - absl::Now());
        const absl::Duration lag = absl::Now() - due;
        {
          std::lock_guard<std::mutex> lock(lag_mu);
          worst_lag = std::max(worst_lag, lag);
        }
        operation(w, i, due);
      }
    });
  }
  for (std::thread& t : workers) t.join();
  return {start, worst_lag};
}

}  // namespace handover::bench

// Latencies and errors of every kind of operation the soak runs, kept for
// the whole run (a few tens of thousands of samples) so that both each
// window and whole thirds of the run can be summarised. Thread-safe.
#ifndef HANDOVER_BENCH_SOAK_OP_STATS_H_
#define HANDOVER_BENCH_SOAK_OP_STATS_H_

#include <array>
#include <cstdint>
#include <mutex>
#include <vector>

#include "absl/time/time.h"

namespace handover::bench {

enum class OpKind {
  kSubmitSmall,   // due → SubmitTransfer answered, 4 KiB attachment
  kSubmitLarge,   // due → SubmitTransfer answered, a few MiB attached
  kSubmitMove,    // due → SubmitMove answered (every view durable)
  kDeliverSmall,  // due → stored in the recipient's inbox (received_at)
  kDeliverLarge,
  kDeliverView,  // a move's children's services or health view stored
  kAlert,        // move due → RAISED on the control room's stream
  kAlertAck,     // AckAlert answered
  kFetch,        // FetchTransfer, the whole stream to FetchEnd
  kAck,          // AcknowledgeTransfer answered
  kLogQuery,     // an admin's ListLog page
  kBaseline,     // plain gRPC+TLS unary echo, due → answered
};
inline constexpr int kOpKindCount = 12;

// "submit.small", "deliver.view", "baseline.echo", ...
const char* OpKindName(OpKind kind);
OpKind OpKindAt(int index);

struct OpSummary {
  uint64_t count = 0;
  uint64_t errors = 0;
  absl::Duration p50;
  absl::Duration p99;
};

class OpStats {
 public:
  // A success finished now, after `latency`.
  void Record(OpKind kind, absl::Duration latency);
  // A success that finished at `finished` (tests place samples in time).
  void RecordAt(OpKind kind, absl::Duration latency, absl::Time finished);
  void RecordError(OpKind kind);

  // Each kind's operations since the last call (errors included), and
  // starts a new window.
  std::array<OpSummary, kOpKindCount> TakeWindow();

  // The successes of `kind` that finished in [from, to); errors are not
  // kept by time, so `errors` is 0.
  OpSummary Between(OpKind kind, absl::Time from, absl::Time to) const;

  // Over the whole run.
  OpSummary Total(OpKind kind) const;

 private:
  struct Sample {
    absl::Time finished;
    absl::Duration latency;
  };

  mutable std::mutex mu_;
  std::array<std::vector<Sample>, kOpKindCount> samples_;
  std::array<size_t, kOpKindCount> window_begin_{};
  std::array<uint64_t, kOpKindCount> window_errors_{};
  std::array<uint64_t, kOpKindCount> total_errors_{};
};

}  // namespace handover::bench

#endif  // HANDOVER_BENCH_SOAK_OP_STATS_H_

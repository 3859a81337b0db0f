// The child-move latency run: moves submitted at a steady rate to the
// sending node (Stockport children's services), each to Birmingham, where
// the children's services, the health team and West Midlands Police run
// nodes; a control-room client holds WatchAlerts open on the police node.
// A move's latency runs from its due time to its alert's arrival on that
// stream. The plain gRPC server-stream baseline runs in the same process
// afterwards, at the same rate, with the network's certificates.
#ifndef HANDOVER_BENCH_LOADGEN_MOVE_RUN_H_
#define HANDOVER_BENCH_LOADGEN_MOVE_RUN_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "loadgen/latency_stats.h"
#include "loadgen/paced_run.h"

namespace handover::bench {

struct MoveResults {
  // Due time → the RAISED event on the police control room's stream.
  RunSummary move_to_alert;
  // The stages on the way, each from the due time: SubmitMove answered
  // (every view sealed and durable at the sender); the police view stored
  // in the police node's inbox (its received_at); the alert raised in the
  // police node's alert book (its raised_at).
  RunSummary submit;
  RunSummary stored_at_police;
  RunSummary alert_raised;
  // Due time → arrival on a plain gRPC+TLS server stream.
  RunSummary grpc_stream;
  // The largest alert event the stream carried (the baseline's payload).
  uint64_t alert_event_bytes = 0;
  // How late the latest move started (see PacedTiming).
  absl::Duration worst_start_lag;
};

absl::StatusOr<MoveResults> RunMoves(const PacedShape& shape,
                                     const std::string& log_level);

}  // namespace handover::bench

#endif  // HANDOVER_BENCH_LOADGEN_MOVE_RUN_H_

// What Linux says about a running process: resident memory now and at its
// peak, threads and open file descriptors, from /proc. For watching the
// daemons under load; a free function, thread-safe.
#ifndef HANDOVER_BENCH_LOADGEN_PROC_STATUS_H_
#define HANDOVER_BENCH_LOADGEN_PROC_STATUS_H_

#include <sys/types.h>

#include <cstdint>

#include "absl/status/statusor.h"

namespace handover::bench {

struct ProcStatus {
  uint64_t rss_kib = 0;  // VmRSS
  uint64_t hwm_kib = 0;  // VmHWM: the peak of VmRSS so far
  uint64_t threads = 0;
  uint64_t open_fds = 0;  // entries of /proc/PID/fd
};

// NotFound if the process is gone.
absl::StatusOr<ProcStatus> ReadProcStatus(pid_t pid);

}  // namespace handover::bench

#endif  // HANDOVER_BENCH_LOADGEN_PROC_STATUS_H_

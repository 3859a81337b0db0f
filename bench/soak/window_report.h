// One row per soak window: each daemon's memory, file descriptors and
// threads at the window's end, the machine's load average, and each kind
// of operation's count, p50, p99 and errors in the window. Printed as a
// table row on stdout and, if asked, as a CSV row.
#ifndef HANDOVER_BENCH_SOAK_WINDOW_REPORT_H_
#define HANDOVER_BENCH_SOAK_WINDOW_REPORT_H_

#include <array>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "loadgen/proc_status.h"
#include "soak/op_stats.h"

namespace handover::bench {

struct DaemonSample {
  std::string name;  // "router", or the node's agency id
  bool running = false;
  ProcStatus status;
};

struct WindowRow {
  int index = 0;            // from 1
  double end_seconds = 0;   // since the load started
  double load_average = 0;  // 1-minute, from /proc/loadavg
  std::vector<DaemonSample> daemons;
  std::array<OpSummary, kOpKindCount> ops;
};

// The 1-minute load average, or -1 if unreadable.
double LoadAverage();

// The table's header lines and one row, on stdout.
void PrintWindowHeader(const std::vector<std::string>& daemon_names);
void PrintWindowRow(const WindowRow& row);

class CsvWriter {
 public:
  ~CsvWriter();
  // Creates (truncates) `path`.
  absl::Status Open(const std::string& path);
  bool is_open() const { return file_ != nullptr; }
  // Writes the header before the first row.
  absl::Status Write(const WindowRow& row);

 private:
  std::FILE* file_ = nullptr;
  bool header_written_ = false;
};

}  // namespace handover::bench

#endif  // HANDOVER_BENCH_SOAK_WINDOW_REPORT_H_

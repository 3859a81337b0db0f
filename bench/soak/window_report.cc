#include "soak/window_report.h"

#include <cerrno>
#include <cstring>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace handover::bench {
namespace {

double Mib(uint64_t kib) { return static_cast<double>(kib) / 1024.0; }
double Ms(absl::Duration d) { return absl::ToDoubleMilliseconds(d); }

// The kinds shown in the terminal table; the CSV has every kind.
constexpr OpKind kShown[] = {OpKind::kSubmitSmall,  OpKind::kSubmitMove,
                             OpKind::kDeliverSmall, OpKind::kDeliverLarge,
                             OpKind::kAlert,        OpKind::kFetch,
                             OpKind::kBaseline};

}  // namespace

double LoadAverage() {
  std::ifstream in("/proc/loadavg");
  double one = -1;
  if (!(in >> one)) return -1;
  return one;
}

void PrintWindowHeader(const std::vector<std::string>& daemon_names) {
  std::printf(
      "Each row: a window. Per daemon: RSS MiB / open FDs / threads at the "
      "window's end. Per operation: count, p50/p99 ms in the window, errors "
      "(!N). Daemons, in order: %s\n",
      absl::StrJoin(daemon_names, ", ").c_str());
  std::printf("%4s %6s %5s  %-*s", "win", "end s", "load",
              static_cast<int>(daemon_names.size()) * 17, "daemons");
  for (OpKind kind : kShown) std::printf("  %-22s", OpKindName(kind));
  std::printf("\n");
  std::fflush(stdout);
}

void PrintWindowRow(const WindowRow& row) {
  std::string daemons;
  for (const DaemonSample& d : row.daemons) {
    absl::StrAppend(
        &daemons,
        d.running ? absl::StrFormat("%6.1f/%3d/%3d  ", Mib(d.status.rss_kib),
                                    d.status.open_fds, d.status.threads)
                  : std::string("      gone       "));
  }
  std::printf("%4d %6.0f %5.2f  %s", row.index, row.end_seconds,
              row.load_average, daemons.c_str());
  for (OpKind kind : kShown) {
    const OpSummary& s = row.ops[static_cast<int>(kind)];
    std::string cell =
        absl::StrFormat("%d %.1f/%.1f", s.count, Ms(s.p50), Ms(s.p99));
    if (s.errors > 0) absl::StrAppend(&cell, " !", s.errors);
    std::printf("  %-22s", cell.c_str());
  }
  std::printf("\n");
  std::fflush(stdout);
}

CsvWriter::~CsvWriter() {
  if (file_ != nullptr) std::fclose(file_);
}

absl::Status CsvWriter::Open(const std::string& path) {
  file_ = std::fopen(path.c_str(), "w");
  if (file_ == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot write ", path, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

absl::Status CsvWriter::Write(const WindowRow& row) {
  if (!header_written_) {
    std::vector<std::string> columns = {"window", "end_seconds",
                                        "load_average_1m"};
    for (const DaemonSample& d : row.daemons) {
      for (const char* field : {"rss_kib", "hwm_kib", "fds", "threads"}) {
        columns.push_back(absl::StrCat(d.name, ".", field));
      }
    }
    for (int k = 0; k < kOpKindCount; ++k) {
      for (const char* field : {"count", "p50_ms", "p99_ms", "errors"}) {
        columns.push_back(absl::StrCat(OpKindName(OpKindAt(k)), ".", field));
      }
    }
    std::fprintf(file_, "%s\n", absl::StrJoin(columns, ",").c_str());
    header_written_ = true;
  }
  std::vector<std::string> cells = {absl::StrCat(row.index),
                                    absl::StrFormat("%.1f", row.end_seconds),
                                    absl::StrFormat("%.2f", row.load_average)};
  for (const DaemonSample& d : row.daemons) {
    cells.push_back(absl::StrCat(d.status.rss_kib));
    cells.push_back(absl::StrCat(d.status.hwm_kib));
    cells.push_back(absl::StrCat(d.status.open_fds));
    cells.push_back(absl::StrCat(d.status.threads));
  }
  for (const OpSummary& s : row.ops) {
    cells.push_back(absl::StrCat(s.count));
    cells.push_back(absl::StrFormat("%.3f", Ms(s.p50)));
    cells.push_back(absl::StrFormat("%.3f", Ms(s.p99)));
    cells.push_back(absl::StrCat(s.errors));
  }
  std::fprintf(file_, "%s\n", absl::StrJoin(cells, ",").c_str());
  if (std::fflush(file_) != 0) {
    return absl::InternalError(
        absl::StrCat("cannot write the CSV: ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

}  // namespace handover::bench

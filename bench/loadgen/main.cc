// handover_loadgen: measures the real network on loopback beside baselines
// measured in the same run.
//
//   transfers (default): N transfers of S bytes with C concurrent clients
//     through the whole path (case system → node → router → node), beside a
//     plain gRPC+TLS stream of the same payload and raw SQLite synced
//     inserts.
//   moves: child moves at a steady rate for a time, each timed from when it
//     was due to its alert on the police control room's WatchAlerts stream,
//     beside a plain gRPC+TLS server stream at the same rate.
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/strings/str_format.h"
#include "crypto/sodium_util.h"
#include "loadgen/baselines.h"
#include "loadgen/move_run.h"
#include "loadgen/network_run.h"

namespace {

using handover::bench::FormatSummary;
using handover::bench::RunSummary;

void PrintRatio(const char* what, double value, double baseline) {
  if (baseline > 0) {
    std::printf("%-40s %.2f\n", what, value / baseline);
  }
}

int ReportTransfers(const handover::bench::LoadShape& shape, bool fetch_one,
                    const std::string& log_level) {
  std::printf("shape: %llu transfers, %llu bytes each, %d clients\n",
              static_cast<unsigned long long>(shape.operations),
              static_cast<unsigned long long>(shape.payload_bytes),
              shape.clients);
  auto network = handover::bench::RunNetwork(shape, fetch_one, log_level);
  if (!network.ok()) {
    std::fprintf(stderr, "handover_loadgen: network run failed: %s\n",
                 network.status().ToString().c_str());
    return 1;
  }
  const RunSummary& echo = network->grpc_echo;
  const RunSummary& sqlite = network->sqlite_insert;
  for (const RunSummary* s : std::initializer_list<const RunSummary*>{
           &network->end_to_end, &network->submit, &network->router_hop, &echo,
           &sqlite}) {
    std::printf("%s\n", FormatSummary(*s).c_str());
  }
  std::printf("%-40s %.2f s\n", "all signed receipts back after",
              network->receipts_complete_seconds);
  if (fetch_one) {
    std::printf("%-40s %.2f s (%.1f MB/s)\n", "fetch one at the recipient",
                network->fetch_seconds,
                network->fetch_seconds > 0
                    ? static_cast<double>(shape.payload_bytes) / 1e6 /
                          network->fetch_seconds
                    : 0.0);
  }
  PrintRatio("end-to-end transfers/s ÷ echo ops/s",
             network->end_to_end.OperationsPerSecond(),
             echo.OperationsPerSecond());
  PrintRatio("router hop p50 ÷ end-to-end p50",
             absl::ToDoubleMilliseconds(network->router_hop.p50),
             absl::ToDoubleMilliseconds(network->end_to_end.p50));
  for (const auto& [name, kib] : network->peak_rss_kib) {
    std::printf("peak RSS %-31s %.1f MiB\n", name.c_str(),
                static_cast<double>(kib) / 1024.0);
  }
  const bool failures = network->end_to_end.failures > 0 ||
                        network->submit.failures > 0 ||
                        network->router_hop.failures > 0;
  return failures ? 1 : 0;
}

int ReportMoves(const handover::bench::PacedShape& shape,
                const std::string& log_level) {
  std::printf("shape: %.1f moves/s for %.0f s (%llu moves), %d clients\n",
              shape.per_second, absl::ToDoubleSeconds(shape.duration),
              static_cast<unsigned long long>(shape.Operations()),
              shape.workers);
  auto moves = handover::bench::RunMoves(shape, log_level);
  if (!moves.ok()) {
    std::fprintf(stderr, "handover_loadgen: move run failed: %s\n",
                 moves.status().ToString().c_str());
    return 1;
  }
  for (const RunSummary* s : std::initializer_list<const RunSummary*>{
           &moves->move_to_alert, &moves->submit, &moves->stored_at_police,
           &moves->alert_raised, &moves->grpc_stream}) {
    std::printf("%s\n", FormatSummary(*s).c_str());
  }
  std::printf("%-40s %llu bytes\n", "largest alert event on the stream",
              static_cast<unsigned long long>(moves->alert_event_bytes));
  std::printf("%-40s %.2f ms\n", "latest move start behind schedule",
              absl::ToDoubleMilliseconds(moves->worst_start_lag));
  PrintRatio("move → alert p99 ÷ server-stream p99",
             absl::ToDoubleMilliseconds(moves->move_to_alert.p99),
             absl::ToDoubleMilliseconds(moves->grpc_stream.p99));
  const bool failures =
      moves->move_to_alert.failures > 0 || moves->submit.failures > 0 ||
      moves->stored_at_police.failures > 0 || moves->grpc_stream.failures > 0;
  return failures ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "handover_loadgen: the real router and nodes on loopback, beside plain "
      "gRPC+TLS and raw SQLite baselines measured in the same run.\n\n"
      "Examples:\n"
      "  handover_loadgen --transfers 2000 --size 4096 --clients 16\n"
      "  handover_loadgen moves --rate 50 --seconds 60"};
  app.require_subcommand(0, 1);
  handover::bench::LoadShape shape;
  std::string log_level = "warn";
  bool fetch_one = false;
  app.add_option("--transfers,-n", shape.operations, "transfers to push")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1000000}));
  app.add_option("--size,-s", shape.payload_bytes,
                 "attachment bytes per transfer")
      ->check(CLI::Range(uint64_t{0}, uint64_t{4} << 30));
  app.add_option("--clients,-c", shape.clients, "concurrent clients")
      ->check(CLI::Range(1, 256));
  app.add_flag("--fetch", fetch_one,
               "also fetch one transfer at the recipient and time it");
  app.add_option("--log-level", log_level, "daemons' log level");

  CLI::App* moves = app.add_subcommand(
      "moves",
      "child moves at a steady rate, each timed from when it was due to its "
      "alert on the police control room's stream, beside a plain gRPC+TLS "
      "server stream at the same rate");
  handover::bench::PacedShape paced;
  double seconds = 60;
  moves->add_option("--rate", paced.per_second, "moves a second")
      ->check(CLI::Range(0.1, 1000.0));
  moves->add_option("--seconds", seconds, "how long to keep the rate up")
      ->check(CLI::Range(1.0, 3600.0));
  moves
      ->add_option("--clients,-c", paced.workers,
                   "concurrent case-system clients")
      ->check(CLI::Range(1, 256));
  moves->add_option("--log-level", log_level, "daemons' log level");
  CLI11_PARSE(app, argc, argv);

  if (!handover::crypto::InitSodium().ok()) {
    std::fprintf(stderr, "handover_loadgen: libsodium failed to start\n");
    return 1;
  }
  if (moves->parsed()) {
    paced.duration = absl::Seconds(seconds);
    return ReportMoves(paced, log_level);
  }
  return ReportTransfers(shape, fetch_one, log_level);
}

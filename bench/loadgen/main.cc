// handover_loadgen: pushes N transfers of S bytes with C concurrent clients
// through the whole path (case system → node → router → node) and prints
// transfers/s and p50/p99 latency beside, from the same run, a plain
// gRPC+TLS stream of the same payload and raw SQLite synced inserts.
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/strings/str_format.h"
#include "crypto/sodium_util.h"
#include "loadgen/baselines.h"
#include "loadgen/network_run.h"

namespace {

using handover::bench::FormatSummary;
using handover::bench::RunSummary;

void PrintRatio(const char* what, double value, double baseline) {
  if (baseline > 0) {
    std::printf("%-40s %.2f\n", what, value / baseline);
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "handover_loadgen: N transfers of S bytes with C clients through a real "
      "router and two real nodes on loopback, beside a gRPC+TLS echo and raw "
      "SQLite synced inserts measured in the same run.\n\n"
      "Example:\n  handover_loadgen --transfers 2000 --size 4096 --clients 16"};
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
  CLI11_PARSE(app, argc, argv);

  if (!handover::crypto::InitSodium().ok()) {
    std::fprintf(stderr, "handover_loadgen: libsodium failed to start\n");
    return 1;
  }
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

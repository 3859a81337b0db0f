// handover_soak: a steady mixed load on the real network for minutes on
// end, watching whether the daemons' memory, file descriptors and latency
// stay flat, beside a plain gRPC+TLS echo at a fixed rate in the same run
// (the machine's own noise). See docs/PERFORMANCE.md ("Soak") and
// docs/RELIABILITY.md.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "crypto/sodium_util.h"
#include "harness/test_network.h"
#include "loadgen/network_start.h"
#include "soak/delivery_ledger.h"
#include "soak/echo_probe.h"
#include "soak/mixed_load.h"
#include "soak/op_stats.h"
#include "soak/recipients.h"
#include "soak/verdict.h"
#include "soak/window_report.h"

namespace handover::bench {
namespace {

using integration::Role;
using integration::TestNetwork;

constexpr char kSender[] = "stockport-cs";
constexpr char kReceivingCs[] = "birmingham-cs";
constexpr char kReceivingHealth[] = "birmingham-health";
constexpr char kPolice[] = "west-midlands-police";
constexpr uint64_t kBaselinePayloadBytes = 4096;

struct SoakOptions {
  double minutes = 10;
  double rate = 20;
  double baseline_rate = 0;  // 0 = the same as rate
  double window_seconds = 30;
  double attachment_mib = 2;
  int large_every = 40;
  int move_every = 5;
  int workers = 16;
  double log_query_seconds = 5;
  double drain_seconds = 120;
  std::string csv_path;
  std::string log_level = "warn";
};

int Fail(const std::string& message) {
  std::fprintf(stderr, "handover_soak: %s\n", message.c_str());
  return 1;
}

std::vector<DaemonSample> SampleDaemons(TestNetwork& net) {
  std::vector<DaemonSample> samples;
  auto sample = [&](const std::string& name, pid_t pid) {
    DaemonSample s;
    s.name = name;
    absl::StatusOr<ProcStatus> status = ReadProcStatus(pid);
    s.running = status.ok();
    if (status.ok()) s.status = *status;
    samples.push_back(s);
  };
  sample("router", net.router_process().pid());
  for (const std::string& id : net.node_ids()) {
    sample(id, net.node_process(id).pid());
  }
  return samples;
}

// Waits until every accepted copy has arrived, every inbox transfer seen
// has been fetched and acknowledged, and every alert acknowledged, or
// `timeout`.
void Drain(const DeliveryLedger& ledger,
           const std::vector<std::unique_ptr<InboxReader>>& readers,
           const AlertOperator& control_room, absl::Duration timeout) {
  const absl::Time give_up = absl::Now() + timeout;
  while (absl::Now() < give_up) {
    bool done = ledger.Complete() &&
                control_room.acknowledged() >= control_room.raised();
    for (const auto& reader : readers) done = done && reader->Backlog() == 0;
    if (done) return;
    absl::SleepFor(absl::Milliseconds(200));
  }
}

int RunSoak(const SoakOptions& o) {
  integration::NetworkOptions network;
  network.nodes = {kSender, kReceivingCs, kReceivingHealth, kPolice};
  network.log_level = o.log_level;
  auto net = StartLoadNetwork(network, {kSender});
  if (!net.ok()) {
    return Fail(
        absl::StrCat("the network did not start: ", net.status().message()));
  }
  const std::string scratch = (*net)->root() + "/soak";
  std::error_code mkdir_error;
  std::filesystem::create_directories(scratch, mkdir_error);
  if (mkdir_error) {
    return Fail(
        absl::StrCat("cannot make ", scratch, ": ", mkdir_error.message()));
  }

  OpStats stats;
  DeliveryLedger ledger(&stats);
  MixShape mix;
  mix.paced.per_second = o.rate;
  mix.paced.duration = absl::Seconds(o.minutes * 60);
  mix.paced.workers = o.workers;
  mix.large_bytes =
      static_cast<uint64_t>(std::llround(o.attachment_mib * 1024 * 1024));
  mix.large_every = o.large_every;
  mix.move_every = o.move_every;
  MixedLoad load(net->get(), kSender, kReceivingCs, scratch, mix, &ledger,
                 &stats);
  if (absl::Status s = load.Prepare(); !s.ok()) {
    return Fail(std::string(s.message()));
  }
  auto probe = EchoProbe::Start(BaselineTls(**net, kSender));
  if (!probe.ok()) return Fail(std::string(probe.status().message()));

  std::vector<std::unique_ptr<InboxReader>> readers;
  for (const char* agency : {kReceivingCs, kReceivingHealth}) {
    readers.push_back(std::make_unique<InboxReader>(
        agency, (*net)->Client(agency, Role::kReceiver),
        absl::StrCat(scratch, "/fetched-", agency), &ledger, &stats));
  }
  AlertOperator control_room(
      kPolice, (*net)->Client(kPolice, Role::kAlertOperator),
      (*net)->Client(kPolice, Role::kAlertOperator), &ledger, &stats);

  const double baseline_rate = o.baseline_rate > 0 ? o.baseline_rate : o.rate;
  std::printf(
      "handover_soak: %.1f min at %.1f ops/s (1 in %d a transfer with a %.1f "
      "MiB attachment, 1 in %d a child's move, the rest 4 KiB transfers), "
      "%d case-system clients; recipients fetch and acknowledge, the police "
      "control room acknowledges each alert, an admin lists the log every "
      "%.0f s; baseline: plain gRPC+TLS unary echo of 4 KiB at %.1f/s; "
      "windows of %.0f s; CPUs %u; load average at start %.2f\n",
      o.minutes, o.rate, o.large_every, o.attachment_mib, o.move_every,
      o.workers, o.log_query_seconds, baseline_rate, o.window_seconds,
      std::thread::hardware_concurrency(), LoadAverage());
  std::vector<std::string> names;
  for (const DaemonSample& d : SampleDaemons(**net)) names.push_back(d.name);
  PrintWindowHeader(names);

  CsvWriter csv;
  if (!o.csv_path.empty()) {
    if (absl::Status s = csv.Open(o.csv_path); !s.ok()) {
      return Fail(std::string(s.message()));
    }
  }

  const absl::Duration duration = mix.paced.duration;
  const absl::Time start = absl::Now();
  PacedTiming timing;
  std::thread load_thread([&] { timing = load.Run(); });
  std::thread echo_thread([&] {
    PacedShape shape;
    shape.per_second = baseline_rate;
    shape.duration = duration;
    shape.workers = 2;
    const std::string payload(kBaselinePayloadBytes, 'x');
    RunPaced(shape, [&](int, uint64_t, absl::Time due) {
      if ((*probe)->Call(payload).ok()) {
        stats.Record(OpKind::kBaseline, absl::Now() - due);
      } else {
        stats.RecordError(OpKind::kBaseline);
      }
    });
  });
  std::atomic<bool> stop_queries{false};
  std::thread log_thread([&] {
    RunLogQueries(**net, kSender, absl::Seconds(o.log_query_seconds),
                  stop_queries, &stats);
  });

  VerdictInput verdict;
  const absl::Duration window = absl::Seconds(o.window_seconds);
  const int windows = static_cast<int>(std::ceil(duration / window));
  for (int k = 1; k <= windows; ++k) {
    const absl::Duration end = std::min(window * k, duration);
    absl::SleepFor(start + end - absl::Now());
    WindowRow row;
    row.index = k;
    row.end_seconds = absl::ToDoubleSeconds(end);
    row.load_average = LoadAverage();
    row.daemons = SampleDaemons(**net);
    row.ops = stats.TakeWindow();
    PrintWindowRow(row);
    if (csv.is_open()) {
      if (absl::Status s = csv.Write(row); !s.ok()) {
        std::fprintf(stderr, "handover_soak: %s\n",
                     std::string(s.message()).c_str());
      }
    }
    verdict.rows.push_back(std::move(row));
  }
  load_thread.join();
  echo_thread.join();
  stop_queries = true;
  log_thread.join();
  std::printf("latest operation started %.1f ms behind schedule\n",
              absl::ToDoubleMilliseconds(timing.worst_start_lag));

  Drain(ledger, readers, control_room, absl::Seconds(o.drain_seconds));
  for (auto& reader : readers) reader->Stop();
  control_room.Stop();
  for (auto& reader : readers) {
    verdict.unhandled_inbox += reader->Backlog();
    auto entries = reader->ListAll();
    if (!entries.ok()) {
      return Fail(absl::StrCat("cannot list ", reader->agency(),
                               "'s inbox: ", entries.status().message()));
    }
    // Found only by the whole listing: delivered, but no officer took it on.
    verdict.unhandled_inbox += ledger.Reconcile(reader->agency(), *entries);
  }

  verdict.stats = &stats;
  verdict.load_start = start;
  verdict.load_end = start + duration;
  verdict.ledger = ledger.Counts();
  verdict.alerts_raised = control_room.raised();
  verdict.alerts_acknowledged = control_room.acknowledged();
  const Verdict judged = JudgeSoak(verdict);
  std::printf("\n== verdict (load average now %.2f) ==\n", LoadAverage());
  for (const std::string& line : judged.lines) {
    std::printf("%s\n", line.c_str());
  }
  std::printf("not flat: %s\n",
              judged.not_flat.empty()
                  ? "nothing"
                  : absl::StrJoin(judged.not_flat, "; ").c_str());
  if (judged.failed()) {
    std::printf("FAILED: %s\n", absl::StrJoin(judged.failures, "; ").c_str());
    std::fflush(stdout);
    return Fail(
        absl::StrCat("soak failed: ", absl::StrJoin(judged.failures, "; ")));
  }
  std::printf("PASSED: everything accepted was delivered once, no errors\n");
  return 0;
}

}  // namespace
}  // namespace handover::bench

int main(int argc, char** argv) {
  using handover::bench::SoakOptions;
  SoakOptions o;
  CLI::App app{
      "handover_soak: a steady mixed load on the real router and nodes "
      "(loopback, mutual TLS, SQLite) for N minutes. Every window it prints "
      "each daemon's resident memory, open file descriptors and threads, and "
      "each operation's count, p50/p99 and errors, beside a plain gRPC+TLS "
      "echo at a fixed rate in the same run; at the end, a verdict on "
      "whether memory, descriptors and latency stayed flat. It exits "
      "non-zero only if an accepted transfer was lost or duplicated or an "
      "operation failed.\n\n"
      "Examples:\n"
      "  handover_soak                       (10 minutes at 20 ops/s)\n"
      "  handover_soak --minutes 1 --csv soak.csv",
      "handover_soak"};
  app.add_option("--minutes", o.minutes,
                 "how long to hold the load (default 10)")
      ->check(CLI::Range(0.1, 1440.0));
  app.add_option("--rate", o.rate,
                 "operations a second, open loop (default 20)")
      ->check(CLI::Range(0.1, 1000.0));
  app.add_option("--window", o.window_seconds,
                 "seconds per reported window (default 30)")
      ->check(CLI::Range(1.0, 3600.0));
  app.add_option("--csv", o.csv_path, "also write each window as a CSV row");
  app.add_option("--baseline-rate", o.baseline_rate,
                 "echo baseline calls a second (default: --rate)")
      ->check(CLI::Range(0.1, 1000.0));
  app.add_option("--attachment-mib", o.attachment_mib,
                 "size of the large attachments (default 2)")
      ->check(CLI::Range(0.001, 256.0));
  app.add_option("--large-every", o.large_every,
                 "one operation in N is a transfer with the large attachment "
                 "(default 40)")
      ->check(CLI::Range(2, 1000000));
  app.add_option("--move-every", o.move_every,
                 "one operation in N is a child's move (default 5)")
      ->check(CLI::Range(2, 1000000));
  app.add_option("--clients,-c", o.workers,
                 "concurrent case-system clients (default 16)")
      ->check(CLI::Range(1, 256));
  app.add_option("--log-query-every", o.log_query_seconds,
                 "seconds between an admin's log queries (default 5)")
      ->check(CLI::Range(0.1, 3600.0));
  app.add_option("--drain", o.drain_seconds,
                 "seconds to wait after the load for the last deliveries "
                 "(default 120)")
      ->check(CLI::Range(1.0, 3600.0));
  app.add_option("--log-level", o.log_level,
                 "daemons' log level (default warn)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
      return app.exit(e);  // --help, on stdout
    }
    std::fprintf(stderr, "handover_soak: %s (see 'handover_soak --help')\n",
                 e.what());
    return 2;
  }
  if (o.window_seconds > o.minutes * 60) {
    std::fprintf(stderr,
                 "handover_soak: --window %.0f is longer than the run (%.0f "
                 "s)\n",
                 o.window_seconds, o.minutes * 60);
    return 2;
  }
  if (!handover::crypto::InitSodium().ok()) {
    std::fprintf(stderr, "handover_soak: libsodium failed to start\n");
    return 1;
  }
  return handover::bench::RunSoak(o);
}

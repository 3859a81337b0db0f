// deliverylog_bench: the delivery log (docs/LOG.md) beside raw SQLite and
// raw SHA-256 measured in the same run, because the machines are noisy.
//
//   append/*   one entry per call: SqliteDeliveryLog::Append against a raw
//              SQLite insert of the same row into the same schema, one
//              transaction each, with the same synchronous setting.
//   query/*    over a log of --entries entries (default 1,000,000, built
//              once per run through Append, so it takes a few minutes):
//              one transfer's entries, an agency's failures, an hour's
//              events; beside a raw indexed SELECT of one transfer.
//   show       what the node does for `handover log show`: the transfer's
//              entries, the newest head and an inclusion proof for each.
//   verify     VerifyLogDatabase over the whole log, beside a raw scan that
//              reads every row and hashes it once (the least any verifier
//              must do).
//
// The log's file lives under $HANDOVER_BENCH_DIR (else the system temporary
// directory), so run it on a real disk.
#include <benchmark/benchmark.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "common/clock.h"
#include "crypto/identity.h"
#include "crypto/sha256.h"
#include "crypto/sodium_util.h"
#include "deliverylog/log_entry_codec.h"
#include "deliverylog/log_verifier.h"
#include "deliverylog/sqlite_delivery_log.h"

namespace handover::bench {
namespace {

namespace fs = std::filesystem;
namespace v1 = handover::v1;

constexpr char kLogId[] = "stockport-cs";
constexpr int kAgencies = 24;
constexpr int kEventsPerTransfer = 8;

uint64_t g_entries = 1000000;

void Check(const absl::Status& status, absl::string_view what) {
  if (!status.ok()) {
    std::fprintf(stderr, "deliverylog_bench: %s: %s\n",
                 std::string(what).c_str(), status.ToString().c_str());
    std::exit(1);
  }
}

fs::path BenchDir() {
  static const fs::path* dir = [] {
    const char* env = std::getenv("HANDOVER_BENCH_DIR");
    fs::path base = env != nullptr && *env != '\0' ? fs::path(env)
                                                   : fs::temp_directory_path();
    auto* d =
        new fs::path(base / absl::StrCat("handover-log-bench-", getpid()));
    fs::create_directories(*d);
    return d;
  }();
  return *dir;
}

std::string TransferId(uint64_t n) {
  std::string id(16, '\0');
  for (int i = 0; i < 8; ++i) id[15 - i] = static_cast<char>(n >> (8 * i));
  id[0] = 't';
  return id;
}

std::string Agency(uint64_t n) {
  return absl::StrCat("agency-", n % kAgencies);
}

// Entry `i` of a realistic log: transfers of eight events each, between
// two of kAgencies agencies, a second apart, with now and then a failure.
v1::LogEntry MakeEntry(uint64_t i, absl::Time start) {
  const uint64_t transfer = i / kEventsPerTransfer;
  static const v1::LogEventKind kEvents[kEventsPerTransfer] = {
      v1::LOG_EVENT_KIND_SUBMITTED,        v1::LOG_EVENT_KIND_SEALED,
      v1::LOG_EVENT_KIND_QUEUED,           v1::LOG_EVENT_KIND_SENT_TO_ROUTER,
      v1::LOG_EVENT_KIND_QUEUED,           v1::LOG_EVENT_KIND_SENT_TO_ROUTER,
      v1::LOG_EVENT_KIND_RECEIPT_VERIFIED, v1::LOG_EVENT_KIND_RECEIPT_VERIFIED};
  v1::LogEventKind event = kEvents[i % kEventsPerTransfer];
  if (transfer % 97 == 0 && i % kEventsPerTransfer == 7) {
    event = v1::LOG_EVENT_KIND_FAILED;
  }
  v1::LogEntry entry;
  entry.set_event(event);
  entry.set_transfer_id(TransferId(transfer));
  entry.set_sender(kLogId);
  entry.set_recipient(Agency(transfer + i % 2));
  entry.set_size(4096 + transfer % 1000);
  entry.set_envelope_hash(crypto::Sha256(TransferId(transfer)));
  entry.set_actor("case-system");
  entry.set_detail(event == v1::LOG_EVENT_KIND_FAILED
                       ? "refused by the recipient's node"
                       : "");
  *entry.mutable_time() = deliverylog::MicrosToTimestamp(
      absl::ToUnixMicros(start + absl::Seconds(static_cast<double>(i))));
  return entry;
}

struct Signer {
  std::shared_ptr<const crypto::SecretIdentity> identity;
};

const Signer& TheSigner() {
  static const Signer* signer = [] {
    Check(crypto::InitSodium(), "libsodium");
    absl::StatusOr<crypto::SecretIdentity> id =
        crypto::SecretIdentity::Generate(kLogId);
    Check(id.status(), "keys");
    return new Signer{
        std::make_shared<const crypto::SecretIdentity>(*std::move(id))};
  }();
  return *signer;
}

std::unique_ptr<deliverylog::SqliteDeliveryLog> OpenLog(
    const std::string& path) {
  deliverylog::SqliteDeliveryLogOptions options;
  options.path = path;
  options.log_id = kLogId;
  options.signer = TheSigner().identity;
  auto log = deliverylog::SqliteDeliveryLog::Open(options);
  Check(log.status(), path);
  return *std::move(log);
}

const absl::Time kStart = absl::FromUnixSeconds(1780000000);

// --- append ---------------------------------------------------------------

void BM_AppendLog(benchmark::State& state) {
  const std::string path = (BenchDir() / "append.db").string();
  fs::remove(path);
  auto log = OpenLog(path);
  uint64_t i = 0;
  for (auto _ : state) {
    Check(log->Append(MakeEntry(i++, kStart)).status(), "append");
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AppendLog)->Name("append/delivery_log")->UseRealTime();

// The same row into the same table, by the plain C API, with the same
// journal and synchronous settings as the log's appends.
void BM_AppendRawSqlite(benchmark::State& state) {
  const std::string path = (BenchDir() / "append-raw.db").string();
  fs::remove(path);
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) {
    Check(absl::InternalError("open"), path);
  }
  sqlite3_exec(db,
               "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
               "CREATE TABLE log_entries(idx INTEGER PRIMARY KEY, time_us "
               "INTEGER, event INTEGER, transfer_id BLOB, sender TEXT, "
               "recipient TEXT, view TEXT, size INTEGER, envelope_hash BLOB, "
               "actor TEXT, detail TEXT, leaf_hash BLOB);"
               "CREATE INDEX t ON log_entries(transfer_id);"
               "CREATE INDEX ti ON log_entries(time_us);"
               "CREATE INDEX e ON log_entries(event, idx);"
               "CREATE INDEX s ON log_entries(sender, idx);"
               "CREATE INDEX r ON log_entries(recipient, idx);",
               nullptr, nullptr, nullptr);
  sqlite3_stmt* insert = nullptr;
  sqlite3_prepare_v2(db,
                     "INSERT INTO log_entries VALUES(?1,?2,?3,?4,?5,?6,?7,?8,"
                     "?9,?10,?11,?12)",
                     -1, &insert, nullptr);
  uint64_t i = 0;
  const std::string leaf(32, 'x');
  for (auto _ : state) {
    const v1::LogEntry e = MakeEntry(i, kStart);
    sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    sqlite3_bind_int64(insert, 1, static_cast<int64_t>(i));
    sqlite3_bind_int64(insert, 2, deliverylog::TimestampMicros(e.time()));
    sqlite3_bind_int64(insert, 3, e.event());
    sqlite3_bind_blob(insert, 4, e.transfer_id().data(),
                      static_cast<int>(e.transfer_id().size()),
                      SQLITE_TRANSIENT);
    sqlite3_bind_text(insert, 5, e.sender().data(),
                      static_cast<int>(e.sender().size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(insert, 6, e.recipient().data(),
                      static_cast<int>(e.recipient().size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(insert, 7, "", 0, SQLITE_TRANSIENT);
    sqlite3_bind_int64(insert, 8, static_cast<int64_t>(e.size()));
    sqlite3_bind_blob(insert, 9, e.envelope_hash().data(), 32,
                      SQLITE_TRANSIENT);
    sqlite3_bind_text(insert, 10, e.actor().data(),
                      static_cast<int>(e.actor().size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(insert, 11, e.detail().data(),
                      static_cast<int>(e.detail().size()), SQLITE_TRANSIENT);
    sqlite3_bind_blob(insert, 12, leaf.data(), 32, SQLITE_TRANSIENT);
    if (sqlite3_step(insert) != SQLITE_DONE) {
      Check(absl::InternalError(sqlite3_errmsg(db)), "raw insert");
    }
    sqlite3_reset(insert);
    sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    ++i;
  }
  sqlite3_finalize(insert);
  sqlite3_close(db);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AppendRawSqlite)->Name("append/raw_sqlite")->UseRealTime();

// --- a large log --------------------------------------------------------

std::string BigLogPath() { return (BenchDir() / "big.db").string(); }

deliverylog::SqliteDeliveryLog& BigLog() {
  static deliverylog::SqliteDeliveryLog* log = [] {
    fs::remove(BigLogPath());
    auto opened = OpenLog(BigLogPath());
    const absl::Time began = absl::Now();
    for (uint64_t i = 0; i < g_entries; ++i) {
      Check(opened->Append(MakeEntry(i, kStart)).status(), "build");
      // Heads as a daemon would sign them, every few thousand entries.
      if (i % 5000 == 4999) Check(opened->PublishTreeHead().status(), "head");
    }
    Check(opened->PublishTreeHead().status(), "head");
    std::fprintf(stderr, "built a log of %llu entries in %.1f s\n",
                 static_cast<unsigned long long>(g_entries),
                 absl::ToDoubleSeconds(absl::Now() - began));
    return opened.release();
  }();
  return *log;
}

uint64_t MiddleTransfer() { return g_entries / kEventsPerTransfer / 2; }

void BM_QueryTransfer(benchmark::State& state) {
  deliverylog::SqliteDeliveryLog& log = BigLog();
  uint64_t t = MiddleTransfer();
  for (auto _ : state) {
    deliverylog::LogQuery query;
    query.transfer_id = TransferId(t++ % (g_entries / kEventsPerTransfer));
    query.limit = deliverylog::kMaxPageSize;
    auto page = log.Query(query);
    Check(page.status(), "query");
    benchmark::DoNotOptimize(page->entries.size());
  }
}
BENCHMARK(BM_QueryTransfer)->Name("query/one_transfer")->UseRealTime();

void BM_QueryAgencyFailures(benchmark::State& state) {
  deliverylog::SqliteDeliveryLog& log = BigLog();
  int a = 0;
  for (auto _ : state) {
    deliverylog::LogQuery query;
    query.agency = Agency(a++);
    query.events = {v1::LOG_EVENT_KIND_FAILED};
    query.limit = 100;
    auto page = log.Query(query);
    Check(page.status(), "query");
    benchmark::DoNotOptimize(page->entries.size());
  }
}
BENCHMARK(BM_QueryAgencyFailures)
    ->Name("query/agency_failures_page")
    ->UseRealTime();

void BM_QueryTimeRange(benchmark::State& state) {
  deliverylog::SqliteDeliveryLog& log = BigLog();
  int64_t hour = 10;
  for (auto _ : state) {
    deliverylog::LogQuery query;
    query.since = kStart + absl::Hours(static_cast<double>(hour++ % 200));
    query.until = *query.since + absl::Hours(1);
    query.limit = 100;
    auto page = log.Query(query);
    Check(page.status(), "query");
    benchmark::DoNotOptimize(page->entries.size());
  }
}
BENCHMARK(BM_QueryTimeRange)->Name("query/one_hour_page")->UseRealTime();

void BM_RawSelectTransfer(benchmark::State& state) {
  BigLog();
  sqlite3* db = nullptr;
  sqlite3_open_v2(BigLogPath().c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* select = nullptr;
  sqlite3_prepare_v2(db,
                     "SELECT * FROM log_entries WHERE transfer_id = ?1 AND "
                     "length(transfer_id) > 0 "
                     "ORDER BY idx LIMIT 1001",
                     -1, &select, nullptr);
  uint64_t t = MiddleTransfer();
  for (auto _ : state) {
    const std::string id = TransferId(t++ % (g_entries / kEventsPerTransfer));
    sqlite3_bind_blob(select, 1, id.data(), 16, SQLITE_TRANSIENT);
    int rows = 0;
    while (sqlite3_step(select) == SQLITE_ROW) ++rows;
    sqlite3_reset(select);
    benchmark::DoNotOptimize(rows);
  }
  sqlite3_finalize(select);
  sqlite3_close(db);
}
BENCHMARK(BM_RawSelectTransfer)
    ->Name("query/raw_sqlite_one_transfer")
    ->UseRealTime();

void BM_Show(benchmark::State& state) {
  deliverylog::SqliteDeliveryLog& log = BigLog();
  uint64_t t = MiddleTransfer();
  for (auto _ : state) {
    deliverylog::LogQuery query;
    query.transfer_id = TransferId(t++ % (g_entries / kEventsPerTransfer));
    query.limit = deliverylog::kMaxPageSize;
    auto page = log.Query(query);
    Check(page.status(), "query");
    auto head = log.LatestTreeHead();
    Check(head.status(), "head");
    for (const v1::LogEntry& entry : page->entries) {
      auto proof = log.ProveInclusion(entry.index(), (*head)->tree_size());
      Check(proof.status(), "proof");
      benchmark::DoNotOptimize(proof->hashes_size());
    }
  }
}
BENCHMARK(BM_Show)->Name("show/timeline_with_proofs")->UseRealTime();

void BM_Verify(benchmark::State& state) {
  BigLog();
  const std::vector<crypto::PublicIdentity> keys = {
      TheSigner().identity->public_identity()};
  for (auto _ : state) {
    auto report = deliverylog::VerifyLogDatabase(BigLogPath(), keys, {});
    Check(report.status(), "verify");
    if (!report->ok) Check(absl::DataLossError(report->problem), "verify");
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(g_entries));
}
BENCHMARK(BM_Verify)
    ->Name("verify/whole_log")
    ->Unit(benchmark::kMillisecond)
    ->Iterations(2)
    ->UseRealTime();

// Reads every row and hashes its columns once: the floor under any
// verifier of this file.
void BM_RawScanHash(benchmark::State& state) {
  BigLog();
  sqlite3* db = nullptr;
  sqlite3_open_v2(BigLogPath().c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  for (auto _ : state) {
    sqlite3_stmt* scan = nullptr;
    sqlite3_prepare_v2(db, "SELECT * FROM log_entries ORDER BY idx", -1, &scan,
                       nullptr);
    std::string row;
    while (sqlite3_step(scan) == SQLITE_ROW) {
      row.clear();
      for (int c = 0; c < sqlite3_column_count(scan); ++c) {
        const void* bytes = sqlite3_column_blob(scan, c);
        const int n = sqlite3_column_bytes(scan, c);
        if (bytes != nullptr) row.append(static_cast<const char*>(bytes), n);
      }
      benchmark::DoNotOptimize(crypto::Sha256(row));
    }
    sqlite3_finalize(scan);
  }
  sqlite3_close(db);
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(g_entries));
}
BENCHMARK(BM_RawScanHash)
    ->Name("verify/raw_sqlite_scan_and_sha256")
    ->Unit(benchmark::kMillisecond)
    ->Iterations(2)
    ->UseRealTime();

}  // namespace
}  // namespace handover::bench

int main(int argc, char** argv) {
  // --entries N (before Google Benchmark's own flags): the large log's size.
  std::vector<char*> rest = {argv[0]};
  for (int i = 1; i < argc; ++i) {
    const absl::string_view arg = argv[i];
    if (arg == "--entries" && i + 1 < argc) {
      if (!absl::SimpleAtoi(argv[++i], &handover::bench::g_entries) ||
          handover::bench::g_entries < 1000) {
        std::fprintf(stderr,
                     "deliverylog_bench: --entries needs a whole "
                     "number of at least 1000\n");
        return 2;
      }
    } else {
      rest.push_back(argv[i]);
    }
  }
  int rest_argc = static_cast<int>(rest.size());
  benchmark::Initialize(&rest_argc, rest.data());
  if (benchmark::ReportUnrecognizedArguments(rest_argc, rest.data())) return 2;
  benchmark::RunSpecifiedBenchmarks();
  std::error_code ignored;
  std::filesystem::remove_all(handover::bench::BenchDir(), ignored);
  return 0;
}

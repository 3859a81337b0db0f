// Raw SQLite: the durable-write floor every hop of the network pays.
#include <sqlite3.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "loadgen/baselines.h"

namespace handover::bench {
namespace {

absl::Status Check(sqlite3* db, int rc, const char* what) {
  if (rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW) {
    return absl::OkStatus();
  }
  return absl::InternalError(absl::StrCat(what, ": ", sqlite3_errmsg(db)));
}

absl::Status Exec(sqlite3* db, const char* sql) {
  return Check(db, sqlite3_exec(db, sql, nullptr, nullptr, nullptr), sql);
}

absl::StatusOr<sqlite3*> OpenDb(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) {
    sqlite3_close(db);
    return absl::InternalError(absl::StrCat("cannot open ", path));
  }
  sqlite3_busy_timeout(db, 10000);
  for (const char* pragma :
       {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",
        "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, body BLOB)"}) {
    if (absl::Status s = Exec(db, pragma); !s.ok()) {
      sqlite3_close(db);
      return s;
    }
  }
  return db;
}

}  // namespace

absl::StatusOr<RunSummary> RunSqliteBaseline(const LoadShape& shape,
                                             const std::string& dir) {
  const std::string path = dir + "/baseline.db";
  {
    absl::StatusOr<sqlite3*> db = OpenDb(path);  // creates the schema once
    if (!db.ok()) return db.status();
    sqlite3_close(*db);
  }
  const std::string payload(shape.payload_bytes, 'x');
  std::atomic<uint64_t> next{0};
  LatencyStats stats;
  const absl::Time start = absl::Now();
  std::vector<std::thread> threads;
  for (int c = 0; c < shape.clients; ++c) {
    threads.emplace_back([&] {
      absl::StatusOr<sqlite3*> db = OpenDb(path);
      if (!db.ok()) {
        stats.RecordFailure();
        return;
      }
      sqlite3_stmt* insert = nullptr;
      sqlite3_prepare_v2(*db, "INSERT INTO t (body) VALUES (?)", -1, &insert,
                         nullptr);
      while (next.fetch_add(1) < shape.operations) {
        const absl::Time t0 = absl::Now();
        bool ok = Exec(*db, "BEGIN IMMEDIATE").ok();
        sqlite3_bind_blob(insert, 1, payload.data(),
                          static_cast<int>(payload.size()), SQLITE_STATIC);
        ok = ok && sqlite3_step(insert) == SQLITE_DONE;
        sqlite3_reset(insert);
        ok = ok && Exec(*db, "COMMIT").ok();
        if (ok) {
          stats.Record(absl::Now() - t0);
        } else {
          Exec(*db, "ROLLBACK").IgnoreError();
          stats.RecordFailure();
        }
      }
      sqlite3_finalize(insert);
      sqlite3_close(*db);
    });
  }
  for (std::thread& t : threads) t.join();
  return stats.Summarize("sqlite synced insert", shape.payload_bytes,
                         absl::Now() - start);
}

}  // namespace handover::bench

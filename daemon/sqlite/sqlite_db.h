// A small RAII layer over the SQLite C API for the daemons' durable stores.
// Every database is opened in WAL mode with synchronous=FULL, so a commit
// that returned is on disk, and with foreign keys on.
//
// SqliteDb is NOT thread-safe: a store guards its SqliteDb with its own
// mutex. Errors map SQLite codes onto absl codes: SQLITE_FULL and
// SQLITE_NOMEM → ResourceExhausted; SQLITE_CORRUPT and SQLITE_NOTADB →
// DataLoss; SQLITE_CONSTRAINT → AlreadyExists; SQLITE_BUSY/LOCKED →
// Unavailable; SQLITE_CANTOPEN/IOERR → Unavailable; anything else →
// Internal. Messages name the database file, never a bound value.
#ifndef HANDOVER_SQLITE_SQLITE_DB_H_
#define HANDOVER_SQLITE_SQLITE_DB_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

struct sqlite3;
struct sqlite3_stmt;

namespace handover::sqlite {

class Statement;

class SqliteDb {
 public:
  // Opens (creating if needed, mode 0600) the database at `path`.
  static absl::StatusOr<std::unique_ptr<SqliteDb>> Open(
      const std::string& path);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  // Runs one or more statements that bind nothing and return no rows
  // (schema, PRAGMA, BEGIN/COMMIT).
  absl::Status Exec(absl::string_view sql);

  // Compiles one statement. Keep the Statement for reuse: Reset() it.
  absl::StatusOr<Statement> Prepare(absl::string_view sql);

  // The rowid of the last successful INSERT.
  int64_t LastInsertRowId() const;
  // Rows changed by the last INSERT/UPDATE/DELETE.
  int Changes() const;

  const std::string& path() const { return path_; }

  // The status for SQLite result code `rc`, naming `what` and the file.
  absl::Status Error(int rc, absl::string_view what) const;

 private:
  SqliteDb(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_;
  std::string path_;
};

// A prepared statement. Bind indexes start at 1, column indexes at 0.
// Bound text and blobs are copied (SQLITE_TRANSIENT).
class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  ~Statement();

  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, absl::string_view text);  // as TEXT
  Statement& BindBlob(int index, absl::string_view bytes);
  Statement& BindNull(int index);

  // Advances: true while a row is available, false when done.
  absl::StatusOr<bool> Step();
  // Steps a statement that returns no rows (INSERT/UPDATE/DELETE).
  absl::Status Run();
  // Clears bindings and rewinds, ready to bind again.
  void Reset();

  int64_t ColumnInt(int column) const;
  std::string ColumnText(int column) const;
  std::string ColumnBlob(int column) const;
  bool ColumnIsNull(int column) const;

 private:
  friend class SqliteDb;
  Statement(const SqliteDb* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  const SqliteDb* db_;
  sqlite3_stmt* stmt_;
  absl::Status bind_status_;
};

// BEGIN IMMEDIATE on construction; rolls back on destruction unless
// Commit() succeeded. Check Begin() (or status()) before using it.
class Transaction {
 public:
  explicit Transaction(SqliteDb* db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  const absl::Status& status() const { return begin_status_; }
  absl::Status Commit();

 private:
  SqliteDb* db_;
  absl::Status begin_status_;
  bool done_ = false;
};

}  // namespace handover::sqlite

#endif  // HANDOVER_SQLITE_SQLITE_DB_H_

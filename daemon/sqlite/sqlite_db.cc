#include "sqlite/sqlite_db.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/disk_full.h"
#include "common/posix_error.h"
#include "common/status_macros.h"

namespace handover::sqlite {
namespace {

absl::StatusCode CodeFor(int rc) {
  switch (rc & 0xff) {  // the primary code; extended codes share it
    case SQLITE_FULL:
    case SQLITE_NOMEM:
      return absl::StatusCode::kResourceExhausted;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return absl::StatusCode::kDataLoss;
    case SQLITE_CONSTRAINT:
      return absl::StatusCode::kAlreadyExists;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
      return absl::StatusCode::kUnavailable;
    default:
      return absl::StatusCode::kInternal;
  }
}

// SQLite's own text for `rc` names the failed constraint or step, never a
// bound value.
absl::Status MakeError(int rc, absl::string_view what, const std::string& path,
                       sqlite3* db) {
  const char* detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::string message =
      absl::StrCat("sqlite database ", path, ": ", what, ": ", detail);
  // An I/O error is a full disk too when the write behind it met ENOSPC
  // (growing the WAL index, say), not only SQLITE_FULL.
  const int system_errno = db != nullptr ? sqlite3_system_errno(db) : 0;
  if ((rc & 0xff) == SQLITE_FULL ||
      ((rc & 0xff) == SQLITE_IOERR &&
       (system_errno == ENOSPC || system_errno == EDQUOT))) {
    return DiskFullError(absl::StrCat("the disk is full: ", message));
  }
  return absl::Status(CodeFor(rc), message);
}

// Creates the file owner-only before SQLite opens it, so it never exists
// with wider permissions, even for an instant.
absl::Status CreateOwnerOnly(const std::string& path) {
  int fd =
      ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    return PosixError(absl::StrCat("create sqlite database ", path), errno);
  }
  ::close(fd);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<SqliteDb>> SqliteDb::Open(
    const std::string& path) {
  RETURN_IF_ERROR(CreateOwnerOnly(path));
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(
      path.c_str(), &raw,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
      nullptr);
  if (rc != SQLITE_OK) {
    absl::Status status = MakeError(rc, "open", path, raw);
    sqlite3_close(raw);  // a handle is returned even on failure
    return status;
  }
  sqlite3_extended_result_codes(raw, 1);
  std::unique_ptr<SqliteDb> db(new SqliteDb(raw, path));

  // busy_timeout first, so the pragmas below wait out another connection.
  RETURN_IF_ERROR(db->Exec("PRAGMA busy_timeout=5000"));
  // journal_mode answers with the mode in force; a database that cannot use
  // WAL answers something else, which would silently weaken durability.
  ASSIGN_OR_RETURN(Statement wal, db->Prepare("PRAGMA journal_mode=WAL"));
  ASSIGN_OR_RETURN(bool has_row, wal.Step());
  if (!has_row || absl::AsciiStrToLower(wal.ColumnText(0)) != "wal") {
    return absl::InternalError(absl::StrCat(
        "sqlite database ", path, ": could not switch to WAL journal mode"));
  }
  RETURN_IF_ERROR(db->Exec("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON"));
  return db;
}

SqliteDb::~SqliteDb() {
  // Statements must be finalized first; close_v2 defers until they are.
  sqlite3_close_v2(db_);
}

absl::Status SqliteDb::Exec(absl::string_view sql) {
  std::string text(sql);
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return Error(rc, "exec");
  return absl::OkStatus();
}

absl::StatusOr<Statement> SqliteDb::Prepare(absl::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return Error(rc, "prepare");
  }
  if (stmt == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("sqlite database ", path_, ": prepare: empty statement"));
  }
  return Statement(this, stmt);
}

int64_t SqliteDb::LastInsertRowId() const {
  return sqlite3_last_insert_rowid(db_);
}

int SqliteDb::Changes() const { return sqlite3_changes(db_); }

absl::Status SqliteDb::Error(int rc, absl::string_view what) const {
  return MakeError(rc, what, path_, db_);
}

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_),
      stmt_(std::exchange(other.stmt_, nullptr)),
      bind_status_(std::move(other.bind_status_)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    db_ = other.db_;
    stmt_ = std::exchange(other.stmt_, nullptr);
    bind_status_ = std::move(other.bind_status_);
  }
  return *this;
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

// A failed bind is remembered and reported by the next Step(), so calls can
// chain.
Statement& Statement::Bind(int index, int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK && bind_status_.ok())
    bind_status_ = db_->Error(rc, "bind");
  return *this;
}

Statement& Statement::Bind(int index, absl::string_view text) {
  int rc = sqlite3_bind_text64(stmt_, index, text.data(), text.size(),
                               SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK && bind_status_.ok())
    bind_status_ = db_->Error(rc, "bind");
  return *this;
}

Statement& Statement::BindBlob(int index, absl::string_view bytes) {
  // A null pointer would bind NULL, so an empty blob needs a real pointer.
  static const char kEmpty = 0;
  const char* data = bytes.empty() ? &kEmpty : bytes.data();
  int rc =
      sqlite3_bind_blob64(stmt_, index, data, bytes.size(), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK && bind_status_.ok())
    bind_status_ = db_->Error(rc, "bind");
  return *this;
}

Statement& Statement::BindNull(int index) {
  int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK && bind_status_.ok())
    bind_status_ = db_->Error(rc, "bind");
  return *this;
}

absl::StatusOr<bool> Statement::Step() {
  if (!bind_status_.ok()) return bind_status_;
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  // Rewind so a failed statement does not hold its read or write lock.
  sqlite3_reset(stmt_);
  return db_->Error(rc, "step");
}

absl::Status Statement::Run() {
  ASSIGN_OR_RETURN(bool has_row, Step());
  if (has_row) {
    sqlite3_reset(stmt_);
    return absl::InternalError(absl::StrCat("sqlite database ", db_->path(),
                                            ": statement returned rows"));
  }
  return absl::OkStatus();
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_status_ = absl::OkStatus();
}

int64_t Statement::ColumnInt(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::string Statement::ColumnText(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  int size = sqlite3_column_bytes(stmt_, column);
  if (text == nullptr) return std::string();
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<size_t>(size));
}

std::string Statement::ColumnBlob(int column) const {
  const void* blob = sqlite3_column_blob(stmt_, column);
  int size = sqlite3_column_bytes(stmt_, column);
  if (blob == nullptr) return std::string();
  return std::string(static_cast<const char*>(blob), static_cast<size_t>(size));
}

bool Statement::ColumnIsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

Transaction::Transaction(SqliteDb* db)
    : db_(db), begin_status_(db->Exec("BEGIN IMMEDIATE")) {
  done_ = !begin_status_.ok();
}

Transaction::~Transaction() {
  // Best effort: if ROLLBACK fails the connection closes without committing,
  // which SQLite also rolls back.
  if (!done_) db_->Exec("ROLLBACK").IgnoreError();
}

absl::Status Transaction::Commit() {
  if (!begin_status_.ok()) return begin_status_;
  if (done_) {
    return absl::FailedPreconditionError(absl::StrCat(
        "sqlite database ", db_->path(), ": transaction already finished"));
  }
  absl::Status status = db_->Exec("COMMIT");
  // A failed COMMIT (e.g. SQLITE_FULL) can leave the transaction open; the
  // destructor then rolls it back.
  if (status.ok()) done_ = true;
  return status;
}

}  // namespace handover::sqlite

// SqliteDb against real database files in a temporary directory.
#include "sqlite/sqlite_db.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "gtest/gtest.h"
#include "status_matchers.h"
#include "temp_dir.h"

namespace handover::sqlite {
namespace {

using handover::testing::TempDir;

class SqliteDbTest : public ::testing::Test {
 protected:
  std::string DbPath() const { return dir_.path() + "/store.db"; }

  std::unique_ptr<SqliteDb> OpenDb() {
    auto db = SqliteDb::Open(DbPath());
    EXPECT_TRUE(db.ok()) << db.status();
    return db.ok() ? *std::move(db) : nullptr;
  }

  // Creates a table of one row per kind of value.
  static absl::Status MakeSchema(SqliteDb* db) {
    return db->Exec(
        "CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT UNIQUE, "
        "data BLOB, count INTEGER)");
  }

  static absl::StatusOr<int64_t> CountRows(SqliteDb* db) {
    ASSIGN_OR_RETURN(Statement count, db->Prepare("SELECT COUNT(*) FROM item"));
    ASSIGN_OR_RETURN(bool has_row, count.Step());
    if (!has_row) return absl::InternalError("COUNT returned no row");
    return count.ColumnInt(0);
  }

  static absl::Status Insert(SqliteDb* db, absl::string_view name) {
    ASSIGN_OR_RETURN(Statement insert,
                     db->Prepare("INSERT INTO item (name) VALUES (?1)"));
    return insert.Bind(1, name).Run();
  }

  TempDir dir_;
};

TEST_F(SqliteDbTest, OpensInWalModeWithFullSyncAndForeignKeys) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  ASSERT_OK_AND_ASSIGN(Statement mode, db->Prepare("PRAGMA journal_mode"));
  ASSERT_OK_AND_ASSIGN(bool has_row, mode.Step());
  ASSERT_TRUE(has_row);
  EXPECT_EQ(mode.ColumnText(0), "wal");

  ASSERT_OK_AND_ASSIGN(Statement sync, db->Prepare("PRAGMA synchronous"));
  ASSERT_OK_AND_ASSIGN(has_row, sync.Step());
  ASSERT_TRUE(has_row);
  EXPECT_EQ(sync.ColumnInt(0), 2);  // FULL

  ASSERT_OK_AND_ASSIGN(Statement fk, db->Prepare("PRAGMA foreign_keys"));
  ASSERT_OK_AND_ASSIGN(has_row, fk.Step());
  ASSERT_TRUE(has_row);
  EXPECT_EQ(fk.ColumnInt(0), 1);

  ASSERT_OK_AND_ASSIGN(Statement busy, db->Prepare("PRAGMA busy_timeout"));
  ASSERT_OK_AND_ASSIGN(has_row, busy.Step());
  ASSERT_TRUE(has_row);
  EXPECT_EQ(busy.ColumnInt(0), 5000);
}

TEST_F(SqliteDbTest, CreatesTheFileOwnerOnly) {
  // A permissive umask must not widen the file.
  const mode_t old_umask = ::umask(0);
  auto db = OpenDb();
  ::umask(old_umask);
  ASSERT_NE(db, nullptr);
  ASSERT_OK(MakeSchema(db.get()));
  ASSERT_OK(Insert(db.get(), "one"));
  for (const std::string& path : {DbPath(), DbPath() + "-wal"}) {
    struct stat st;
    ASSERT_EQ(::stat(path.c_str(), &st), 0) << path;
    EXPECT_EQ(st.st_mode & 0777, 0600u) << path;
  }
}

TEST_F(SqliteDbTest, EnforcesForeignKeys) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  ASSERT_OK(
      db->Exec("CREATE TABLE parent (id INTEGER PRIMARY KEY);"
               "CREATE TABLE child (id INTEGER PRIMARY KEY, "
               "parent_id INTEGER NOT NULL REFERENCES parent(id))"));
  ASSERT_OK_AND_ASSIGN(Statement insert,
                       db->Prepare("INSERT INTO child (parent_id) VALUES (?)"));
  EXPECT_EQ(insert.Bind(1, int64_t{42}).Run().code(),
            absl::StatusCode::kAlreadyExists);
}

TEST_F(SqliteDbTest, RoundTripsEveryKindOfValue) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  ASSERT_OK(MakeSchema(db.get()));
  const std::string blob("\0\x01\xff binary\0", 11);
  ASSERT_OK_AND_ASSIGN(
      Statement insert,
      db->Prepare("INSERT INTO item (name, data, count) VALUES (?1, ?2, ?3)"));
  ASSERT_OK(insert.Bind(1, "first name")
                .BindBlob(2, blob)
                .Bind(3, int64_t{-9007199254740993})
                .Run());
  EXPECT_EQ(db->Changes(), 1);
  const int64_t first_id = db->LastInsertRowId();

  // Reused after Reset: NULL text, an empty blob and the largest integer.
  insert.Reset();
  ASSERT_OK(insert.BindNull(1).BindBlob(2, "").Bind(3, INT64_MAX).Run());
  const int64_t second_id = db->LastInsertRowId();
  EXPECT_NE(first_id, second_id);

  ASSERT_OK_AND_ASSIGN(
      Statement select,
      db->Prepare("SELECT name, data, count FROM item WHERE id = ?"));
  ASSERT_OK_AND_ASSIGN(bool has_row, select.Bind(1, first_id).Step());
  ASSERT_TRUE(has_row);
  EXPECT_EQ(select.ColumnText(0), "first name");
  EXPECT_EQ(select.ColumnBlob(1), blob);
  EXPECT_EQ(select.ColumnInt(2), int64_t{-9007199254740993});
  EXPECT_FALSE(select.ColumnIsNull(0));
  ASSERT_OK_AND_ASSIGN(has_row, select.Step());
  EXPECT_FALSE(has_row);

  select.Reset();
  ASSERT_OK_AND_ASSIGN(has_row, select.Bind(1, second_id).Step());
  ASSERT_TRUE(has_row);
  EXPECT_TRUE(select.ColumnIsNull(0));
  EXPECT_EQ(select.ColumnText(0), "");
  EXPECT_FALSE(select.ColumnIsNull(1));  // an empty blob is not NULL
  EXPECT_EQ(select.ColumnBlob(1), "");
  EXPECT_EQ(select.ColumnInt(2), INT64_MAX);
}

TEST_F(SqliteDbTest, ConstraintViolationIsAlreadyExists) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  ASSERT_OK(MakeSchema(db.get()));
  ASSERT_OK(Insert(db.get(), "unique-name"));
  absl::Status status = Insert(db.get(), "unique-name");
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists) << status;
  EXPECT_NE(status.message().find(DbPath()), std::string::npos) << status;
}

TEST_F(SqliteDbTest, MessagesNeverIncludeBoundValues) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  ASSERT_OK(db->Exec(
      "CREATE TABLE person (name TEXT UNIQUE CHECK (length(name) < 40), "
      "age INTEGER NOT NULL)"));
  const std::string secret = "child-name-that-must-never-be-logged";
  ASSERT_OK_AND_ASSIGN(Statement insert,
                       db->Prepare("INSERT INTO person VALUES (?, ?)"));
  ASSERT_OK(insert.Bind(1, secret).Bind(2, int64_t{7}).Run());
  insert.Reset();
  // UNIQUE, NOT NULL and CHECK failures each carry the value near the error.
  const absl::Status duplicate = insert.Bind(1, secret).Bind(2, 7).Run();
  insert.Reset();
  const absl::Status null_age = insert.Bind(1, secret + "2").BindNull(2).Run();
  insert.Reset();
  const absl::Status too_long =
      insert.Bind(1, secret + secret).Bind(2, int64_t{7}).Run();
  for (const absl::Status& status : {duplicate, null_age, too_long}) {
    EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists) << status;
    EXPECT_EQ(status.message().find("child-name"), std::string::npos) << status;
  }
}

TEST_F(SqliteDbTest, TransactionRollsBackWhenDestroyedUncommitted) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  ASSERT_OK(MakeSchema(db.get()));
  {
    Transaction txn(db.get());
    ASSERT_OK(txn.status());
    ASSERT_OK(Insert(db.get(), "abandoned"));
    ASSERT_OK_AND_ASSIGN(int64_t inside, CountRows(db.get()));
    EXPECT_EQ(inside, 1);
  }
  ASSERT_OK_AND_ASSIGN(int64_t after, CountRows(db.get()));
  EXPECT_EQ(after, 0);
}

TEST_F(SqliteDbTest, CommittedTransactionStays) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  ASSERT_OK(MakeSchema(db.get()));
  {
    Transaction txn(db.get());
    ASSERT_OK(txn.status());
    ASSERT_OK(Insert(db.get(), "kept"));
    ASSERT_OK(txn.Commit());
    EXPECT_EQ(txn.Commit().code(), absl::StatusCode::kFailedPrecondition);
  }
  ASSERT_OK_AND_ASSIGN(int64_t after, CountRows(db.get()));
  EXPECT_EQ(after, 1);
}

TEST_F(SqliteDbTest, SecondWriterIsUnavailableWhileATransactionIsOpen) {
  auto first = OpenDb();
  ASSERT_NE(first, nullptr);
  ASSERT_OK(MakeSchema(first.get()));
  auto second = OpenDb();
  ASSERT_NE(second, nullptr);
  // No waiting in a test: the second connection gives up at once.
  ASSERT_OK(second->Exec("PRAGMA busy_timeout=0"));
  Transaction held(first.get());
  ASSERT_OK(held.status());
  Transaction blocked(second.get());
  EXPECT_EQ(blocked.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(blocked.Commit().code(), absl::StatusCode::kUnavailable);
}

TEST_F(SqliteDbTest, ReopenKeepsCommittedData) {
  {
    auto db = OpenDb();
    ASSERT_NE(db, nullptr);
    ASSERT_OK(MakeSchema(db.get()));
    Transaction txn(db.get());
    ASSERT_OK(Insert(db.get(), "durable"));
    ASSERT_OK(txn.Commit());
  }
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  ASSERT_OK_AND_ASSIGN(Statement select, db->Prepare("SELECT name FROM item"));
  ASSERT_OK_AND_ASSIGN(bool has_row, select.Step());
  ASSERT_TRUE(has_row);
  EXPECT_EQ(select.ColumnText(0), "durable");
}

TEST_F(SqliteDbTest, GarbageFileIsDataLoss) {
  {
    std::ofstream out(DbPath(), std::ios::binary);
    std::string garbage(8192, '\0');
    for (size_t i = 0; i < garbage.size(); ++i) {
      garbage[i] = static_cast<char>(i * 37 + 11);
    }
    out << garbage;
  }
  auto db = SqliteDb::Open(DbPath());
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), absl::StatusCode::kDataLoss) << db.status();
  EXPECT_NE(db.status().message().find(DbPath()), std::string::npos);
}

TEST_F(SqliteDbTest, MissingDirectoryIsNotFound) {
  auto db = SqliteDb::Open(dir_.path() + "/no/such/dir/store.db");
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), absl::StatusCode::kNotFound) << db.status();
}

TEST_F(SqliteDbTest, BadSqlIsInternalAndNamesTheFile) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  auto statement = db->Prepare("SELEKT 1");
  ASSERT_FALSE(statement.ok());
  EXPECT_EQ(statement.status().code(), absl::StatusCode::kInternal);
  EXPECT_NE(statement.status().message().find(DbPath()), std::string::npos);
  EXPECT_EQ(db->Exec("NOT SQL").code(), absl::StatusCode::kInternal);
}

TEST_F(SqliteDbTest, MovedStatementStillWorks) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  ASSERT_OK_AND_ASSIGN(Statement first, db->Prepare("SELECT 7"));
  ASSERT_OK_AND_ASSIGN(Statement other, db->Prepare("SELECT 8"));
  Statement moved(std::move(first));
  other = std::move(moved);  // finalizes "SELECT 8"
  ASSERT_OK_AND_ASSIGN(bool has_row, other.Step());
  ASSERT_TRUE(has_row);
  EXPECT_EQ(other.ColumnInt(0), 7);
}

}  // namespace
}  // namespace handover::sqlite

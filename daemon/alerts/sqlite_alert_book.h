// The SQLite AlertBook: its own database file, in WAL mode with
// synchronous=FULL, so a call that returned OK is on disk. Every write is
// one transaction, so an alert and its event are stored together or not at
// all.
//
// Thread-safe: one mutex guards the connection.
#ifndef HANDOVER_ALERTS_SQLITE_ALERT_BOOK_H_
#define HANDOVER_ALERTS_SQLITE_ALERT_BOOK_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "alerts/alert_book.h"
#include "sqlite/sqlite_db.h"

namespace handover::alerts {

class SqliteAlertBook final : public AlertBook {
 public:
  // Opens (creating if needed) the book at `path`.
  static absl::StatusOr<std::unique_ptr<SqliteAlertBook>> Open(
      const std::string& path);

  absl::StatusOr<Alert> Raise(const NewAlert& alert) override;
  absl::StatusOr<std::vector<AlertEvent>> ListAfter(uint64_t cursor,
                                                    size_t limit) override;
  absl::StatusOr<Alert> Acknowledge(absl::string_view alert_id,
                                    absl::string_view operator_id,
                                    absl::string_view note,
                                    absl::Time at) override;
  absl::StatusOr<std::vector<AlertEvent>> EscalateDue(
      absl::Time now, absl::Duration after) override;
  absl::StatusOr<Alert> Get(absl::string_view alert_id) override;
  absl::StatusOr<std::vector<Alert>> Overdue(absl::Time now,
                                             absl::Duration after) override;

 private:
  explicit SqliteAlertBook(std::unique_ptr<sqlite::SqliteDb> db)
      : db_(std::move(db)) {}

  absl::StatusOr<std::optional<Alert>> FindLocked(absl::string_view alert_id)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::StatusOr<std::vector<Alert>> DueLocked(absl::Time now,
                                               absl::Duration after)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Appends an event and returns its sequence number.
  absl::StatusOr<uint64_t> AppendLocked(absl::string_view alert_id,
                                        EventKind kind, Priority priority,
                                        absl::Time at,
                                        absl::string_view operator_id)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::StatusOr<Alert> InsertLocked(const NewAlert& alert)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  absl::Mutex mu_;
  std::unique_ptr<sqlite::SqliteDb> db_ ABSL_GUARDED_BY(mu_);
};

}  // namespace handover::alerts

#endif  // HANDOVER_ALERTS_SQLITE_ALERT_BOOK_H_

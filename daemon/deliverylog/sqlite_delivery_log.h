// The SQLite DeliveryLog: the log's own database file (never shared with
// another store), in WAL mode. Each Append stores the entry and every
// Merkle subtree it completes in one transaction, so the stored tree is
// always whole; roots and proofs then cost O(log n) look-ups. The schema
// is a contract with `handover log verify` (log_verifier.h) and is given
// in sqlite_delivery_log.cc.
//
// Durability: an append that returned survives a crash of the process at
// once, and a power loss once the next tree head is published (appends are
// not fsynced one by one; heads are, with everything before them).
//
// Thread-safe: one mutex guards the connection, its statements and the
// size.
#ifndef HANDOVER_DELIVERYLOG_SQLITE_DELIVERY_LOG_H_
#define HANDOVER_DELIVERYLOG_SQLITE_DELIVERY_LOG_H_

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/clock.h"
#include "crypto/identity.h"
#include "deliverylog/delivery_log.h"
#include "deliverylog/log_query_sql.h"
#include "sqlite/sqlite_db.h"

namespace handover::deliverylog {

struct SqliteDeliveryLogOptions {
  std::string path;
  // The agency id (or the router's id) the log belongs to. A file made for
  // another log_id is refused.
  std::string log_id;
  // Signs tree heads; PublishTreeHead fails (FailedPrecondition) without.
  std::shared_ptr<const crypto::SecretIdentity> signer;
  const Clock* clock = &SystemClock::Get();  // not owned; must outlive
};

class SqliteDeliveryLog final : public DeliveryLog {
 public:
  // Opens (creating if needed) the log at options.path. InvalidArgument if
  // log_id is not an agency id; FailedPrecondition if the file belongs to
  // another log or has an unknown format.
  static absl::StatusOr<std::unique_ptr<SqliteDeliveryLog>> Open(
      const SqliteDeliveryLogOptions& options);
  ~SqliteDeliveryLog() override;

  absl::StatusOr<uint64_t> Append(handover::v1::LogEntry entry) override;
  absl::StatusOr<uint64_t> Size() const override;
  absl::StatusOr<LogPage> Query(const LogQuery& query) const override;
  absl::StatusOr<handover::v1::SignedTreeHead> PublishTreeHead() override;
  absl::StatusOr<std::optional<handover::v1::SignedTreeHead>> LatestTreeHead()
      const override;
  absl::StatusOr<handover::v1::InclusionProof> ProveInclusion(
      uint64_t leaf_index, uint64_t tree_size) const override;
  absl::StatusOr<handover::v1::ConsistencyProof> ProveConsistency(
      uint64_t old_size, uint64_t new_size) const override;

 private:
  struct Statements;
  class StoredHashes;

  // A time regression too large to use (see time_regression_us_).
  static constexpr int64_t kUnknownRegression =
      std::numeric_limits<int64_t>::max();

  SqliteDeliveryLog(SqliteDeliveryLogOptions options,
                    std::unique_ptr<sqlite::SqliteDb> db,
                    std::unique_ptr<Statements> statements, uint64_t size,
                    int64_t max_time_us, int64_t time_regression_us);

  // Stores `entry`, its subtrees and, if `regression` exceeds the log's,
  // the new regression, in one transaction.
  absl::Status InsertLocked(const handover::v1::LogEntry& entry,
                            absl::string_view leaf_hash, int64_t regression)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // Query, in sqlite_delivery_log_query.cc.
  // How to serve `query`; nullopt if nothing can match.
  absl::StatusOr<std::optional<QueryPlan>> PlanLocked(
      const LogQuery& query) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Narrows the plan's bounds to the first and last index in the query's
  // time range, found by short walks if the time regression allows,
  // otherwise by a walk of the whole range.
  enum class TimeBounds { kByRegression, kByRangeWalk, kNothingInRange };
  absl::StatusOr<TimeBounds> BoundTimeLocked(const LogQuery& query,
                                             QueryPlan& plan) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  using IndexRange = std::pair<int64_t, int64_t>;  // first, last
  absl::StatusOr<std::optional<IndexRange>> EdgesByRegressionLocked(
      int64_t since, int64_t until) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The drive with the fewest matches, by bounded counts.
  absl::StatusOr<Drive> ChooseDriveLocked(const LogQuery& query,
                                          const QueryPlan& plan,
                                          bool time_in_bounds) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::StatusOr<int64_t> CountLocked(const QuerySql& sql) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::StatusOr<LogPage> RunLocked(const LogQuery& query,
                                    const QueryPlan& plan) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const SqliteDeliveryLogOptions options_;
  mutable absl::Mutex mu_;
  // Statements are declared after the connection so they are finalized
  // first.
  std::unique_ptr<sqlite::SqliteDb> db_ ABSL_GUARDED_BY(mu_);
  std::unique_ptr<Statements> statements_ ABSL_GUARDED_BY(mu_);
  uint64_t size_ ABSL_GUARDED_BY(mu_);
  // Entry times may run backwards (a clock stepped back, a caller's own
  // time), but no entry lies more than time_regression_us_ before the
  // newest time ahead of it (log_meta keeps it). That bounds where a time
  // range's first and last entries can be (BoundTimeLocked).
  int64_t max_time_us_ ABSL_GUARDED_BY(mu_);
  int64_t time_regression_us_ ABSL_GUARDED_BY(mu_);
};

}  // namespace handover::deliverylog

#endif  // HANDOVER_DELIVERYLOG_SQLITE_DELIVERY_LOG_H_

// The delivery log seam: an append-only, tamper-evident record of every
// event a daemon handles (docs/LOG.md). Entries are leaves of an RFC 6962
// Merkle tree (auditlog/merkle.h); signed tree heads commit to its size and
// root, so any later edit, deletion, reordering or truncation of the stored
// log is detectable by `handover log verify`.
//
// Entries carry routing metadata only, never case content.
//
// Thread-safety: implementations are thread-safe.
#ifndef HANDOVER_DELIVERYLOG_DELIVERY_LOG_H_
#define HANDOVER_DELIVERYLOG_DELIVERY_LOG_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "handover/v1/log.pb.h"

namespace handover::deliverylog {

// Bounds on what an entry may hold; Append refuses more with
// InvalidArgument, so no caller can grow the log without limit.
inline constexpr size_t kMaxIdBytes = 64;       // sender, recipient
inline constexpr size_t kMaxViewBytes = 32;     // view
inline constexpr size_t kMaxActorBytes = 128;   // actor
inline constexpr size_t kMaxDetailBytes = 512;  // detail
inline constexpr int kMaxPageSize = 1000;

// What to list. Every set field must match; `agency` matches the sender or
// the recipient. Entries come oldest first.
struct LogQuery {
  std::optional<absl::Time> since;  // time >= since
  std::optional<absl::Time> until;  // time < until
  std::string agency;
  std::vector<handover::v1::LogEventKind> events;  // any of these
  std::string transfer_id;                         // 16 raw bytes
  // Paging: only entries with index > after_index.
  std::optional<uint64_t> after_index;
  int limit = 100;  // 1..kMaxPageSize
};

struct LogPage {
  std::vector<handover::v1::LogEntry> entries;
  // Set when more may match: pass it as the next query's after_index.
  std::optional<uint64_t> next_after_index;
};

class DeliveryLog {
 public:
  virtual ~DeliveryLog() = default;

  // Appends `entry` durably and returns its index. The log sets `index`
  // and, if unset, `time` (from its clock). InvalidArgument if the entry is
  // out of bounds (see above) or its event is UNSPECIFIED.
  virtual absl::StatusOr<uint64_t> Append(handover::v1::LogEntry entry) = 0;

  virtual absl::StatusOr<uint64_t> Size() const = 0;

  virtual absl::StatusOr<LogPage> Query(const LogQuery& query) const = 0;

  // Signs the current size and root with the log's key at the clock's time,
  // stores the head and returns it. If nothing was appended since the last
  // head it still signs a fresh one (a head also says "still this size at
  // this time").
  virtual absl::StatusOr<handover::v1::SignedTreeHead> PublishTreeHead() = 0;

  // The newest stored head, or nullopt if none was published yet.
  virtual absl::StatusOr<std::optional<handover::v1::SignedTreeHead>>
  LatestTreeHead() const = 0;

  // InvalidArgument unless leaf_index < tree_size <= Size().
  virtual absl::StatusOr<handover::v1::InclusionProof> ProveInclusion(
      uint64_t leaf_index, uint64_t tree_size) const = 0;

  // InvalidArgument unless 0 < old_size <= new_size <= Size().
  virtual absl::StatusOr<handover::v1::ConsistencyProof> ProveConsistency(
      uint64_t old_size, uint64_t new_size) const = 0;
};

// Every entry `query` matches, oldest first, read a full page at a time
// from query.after_index on, stopping after `max_pages` pages: for callers
// that need a whole (small) set, such as one transfer's entries.
absl::StatusOr<std::vector<handover::v1::LogEntry>> QueryAll(
    const DeliveryLog& log, LogQuery query, int max_pages);

}  // namespace handover::deliverylog

#endif  // HANDOVER_DELIVERYLOG_DELIVERY_LOG_H_

// Internal to daemon/config: tables and limits that both daemons' configs
// share.
#ifndef HANDOVER_CONFIG_SHARED_SECTIONS_H_
#define HANDOVER_CONFIG_SHARED_SECTIONS_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "config/log_settings.h"
#include "config/retention_settings.h"
#include "config/retry_policy.h"
#include "config/toml_reader.h"

namespace handover::config::internal {

// Bounds on max_envelope_bytes: a 1KiB envelope holds almost nothing, and
// more than 1TiB is surely a typo.
inline constexpr uint64_t kMinEnvelopeBytes = uint64_t{1} << 10;
inline constexpr uint64_t kMaxEnvelopeBytes = uint64_t{1} << 40;

// The format's ceilings (docs/FORMAT.md §9), which the node's limits may
// lower but not raise.
inline constexpr uint64_t kMaxBundleJsonBytes = uint64_t{16} << 20;
inline constexpr int64_t kMaxAttachments = 1024;
inline constexpr int64_t kMaxSubmissionsPerMinute = 1'000'000;
inline constexpr int64_t kMaxOpenStreamsPerClient = 10000;
// [limits] stream_stall_timeout, on the node and the router.
inline constexpr absl::Duration kMinStreamStallTimeout = absl::Seconds(1);
inline constexpr absl::Duration kMaxStreamStallTimeout = absl::Hours(1);

// Reads the agency id `key` of `table`: a string that must be a valid
// agency id (crypto/identity.h). Left empty if missing or invalid.
void ReadAgencyId(TableReader& table, absl::string_view key, Need need,
                  std::string* out);

// Reads the optional duration `key` of `table` into `out` and returns true
// if it is present and within [min, max]; reports the range if it is not.
bool ReadDurationInRange(TableReader& table, absl::string_view key,
                         absl::Duration min, absl::Duration max,
                         absl::Duration* out);

// Reads the optional [retry] table of `root` into `retry`.
void ReadRetryTable(TableReader& root, RetryPolicy* retry);

// Reads the optional [log] table of `root` into `log`.
void ReadLogTable(TableReader& root, LogSettings* log);

// Reads the optional [retention] table of `root` (node only) into
// `retention`.
void ReadRetentionTable(TableReader& root, RetentionSettings* retention);

// True if `text` fits the common budget for config text, else adds a
// ResourceExhausted problem.
bool CheckConfigTextSize(absl::string_view text, ProblemList* problems);

}  // namespace handover::config::internal

#endif  // HANDOVER_CONFIG_SHARED_SECTIONS_H_

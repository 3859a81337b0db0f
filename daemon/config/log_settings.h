// The [log] table of both daemons' configs: how often the delivery log
// signs a tree head on its own (docs/LOG.md). A plain value.
#ifndef HANDOVER_CONFIG_LOG_SETTINGS_H_
#define HANDOVER_CONFIG_LOG_SETTINGS_H_

#include "absl/time/time.h"

namespace handover::config {

// Bounds on tree_head_interval: more often than every second would fill
// the log's head table for nothing, and a head a day is the least that
// still bounds how long an edit could go unnoticed.
inline constexpr absl::Duration kMinTreeHeadInterval = absl::Seconds(1);
inline constexpr absl::Duration kMaxTreeHeadInterval = absl::Hours(24);

struct LogSettings {
  // A head is signed this often while the log grows (and on demand, and
  // with every delivery receipt).
  absl::Duration tree_head_interval = absl::Minutes(10);
};

}  // namespace handover::config

#endif  // HANDOVER_CONFIG_LOG_SETTINGS_H_

// The [retention] table of the node's config: how long the node keeps the
// content of delivered transfers (docs/CONFIG.md, docs/LOG.md §7). A plain
// value.
#ifndef HANDOVER_CONFIG_RETENTION_SETTINGS_H_
#define HANDOVER_CONFIG_RETENTION_SETTINGS_H_

#include <optional>

#include "absl/time/time.h"

namespace handover::config {

// Bounds on inbox_content_after: less than a day would delete what an
// agency has barely opened, and more than a century is surely a typo.
inline constexpr absl::Duration kMinInboxContentAfter = absl::Hours(24);
inline constexpr absl::Duration kMaxInboxContentAfter = absl::Hours(24 * 36525);

struct RetentionSettings {
  // The sealed envelope of an inbox transfer that the agency has taken on
  // (fetched or acknowledged) is deleted once it was received this long
  // ago. Unset: content is kept until an operator removes it.
  std::optional<absl::Duration> inbox_content_after;
};

}  // namespace handover::config

#endif  // HANDOVER_CONFIG_RETENTION_SETTINGS_H_

// Internal to daemon/config: the [move], [acknowledgement] and [alerts]
// tables of a node config, all optional, for move notices and the police
// alerts they raise.
#ifndef HANDOVER_CONFIG_MOVE_SECTIONS_H_
#define HANDOVER_CONFIG_MOVE_SECTIONS_H_

#include "config/node_config.h"
#include "config/toml_reader.h"

namespace handover::config::internal {

// Bounds on [alerts] escalate_after: under a second would re-raise alerts
// continuously, and a week is no longer an escalation.
inline constexpr absl::Duration kMinEscalateAfter = absl::Seconds(1);
inline constexpr absl::Duration kMaxEscalateAfter = absl::Hours(7 * 24);

// [move]: always_copy (agency ids, no repeats, at most kMaxAlwaysCopy) and
// policy_file (a path).
void ReadMoveTable(TableReader& root, MoveSettings* move);

// [acknowledgement]: one deadline (ack_deadline.h) per kind of recipient.
void ReadAcknowledgementTable(TableReader& root,
                              AcknowledgementDeadlines* deadlines);

// [alerts]: raise ("auto", "on" or "off") and escalate_after.
void ReadAlertsTable(TableReader& root, AlertSettings* alerts);

}  // namespace handover::config::internal

#endif  // HANDOVER_CONFIG_MOVE_SECTIONS_H_

// `handover alerts watch` and `handover alerts ack`: a police control
// room's alerts for children moving into (or missing in) its area, as they
// are raised, escalated and acknowledged.
#ifndef HANDOVER_CLIENT_COMMANDS_ALERTS_H_
#define HANDOVER_CLIENT_COMMANDS_ALERTS_H_

#include "commands/command.h"

namespace handover::cli {

Command AddAlertsCommand(CLI::App* parent);

}  // namespace handover::cli

#endif  // HANDOVER_CLIENT_COMMANDS_ALERTS_H_

// `handover status`: where a transfer this agency sent has got to, per
// recipient, optionally waiting until it gets somewhere.
#ifndef HANDOVER_CLIENT_COMMANDS_STATUS_H_
#define HANDOVER_CLIENT_COMMANDS_STATUS_H_

#include "commands/command.h"

namespace handover::cli {

Command AddStatusCommand(CLI::App* parent);

}  // namespace handover::cli

#endif  // HANDOVER_CLIENT_COMMANDS_STATUS_H_

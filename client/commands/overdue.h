// `handover overdue`: the copies this agency sent that nobody has
// acknowledged by their deadline.
#ifndef HANDOVER_CLIENT_COMMANDS_OVERDUE_H_
#define HANDOVER_CLIENT_COMMANDS_OVERDUE_H_

#include "commands/command.h"

namespace handover::cli {

Command AddOverdueCommand(CLI::App* parent);

}  // namespace handover::cli

#endif  // HANDOVER_CLIENT_COMMANDS_OVERDUE_H_

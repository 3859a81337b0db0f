// `handover move`: tells the agencies of the area a child moves to (or,
// placed there, goes missing from) through this agency's node, each kind
// of agency receiving its policy's view of the child's record.
#ifndef HANDOVER_CLIENT_COMMANDS_MOVE_H_
#define HANDOVER_CLIENT_COMMANDS_MOVE_H_

#include "commands/command.h"

namespace handover::cli {

Command AddMoveCommand(CLI::App* parent);

}  // namespace handover::cli

#endif  // HANDOVER_CLIENT_COMMANDS_MOVE_H_

// `handover recalls`: the admins' one report of what to re-verify after a
// key compromise (docs/OPERATIONS.md §6).
#ifndef HANDOVER_CLIENT_COMMANDS_RECALLS_H_
#define HANDOVER_CLIENT_COMMANDS_RECALLS_H_

#include "commands/command.h"

namespace handover::cli {

Command AddRecallsCommand(CLI::App* parent);

}  // namespace handover::cli

#endif  // HANDOVER_CLIENT_COMMANDS_RECALLS_H_

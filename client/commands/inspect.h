// `handover inspect`: an envelope file's header, read with no key.
#ifndef HANDOVER_CLIENT_COMMANDS_INSPECT_H_
#define HANDOVER_CLIENT_COMMANDS_INSPECT_H_

#include "commands/command.h"

namespace handover::cli {

Command AddInspectCommand(CLI::App* parent);

}  // namespace handover::cli

#endif  // HANDOVER_CLIENT_COMMANDS_INSPECT_H_

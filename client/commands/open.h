// `handover open`: verifies and decrypts an envelope file into a directory.
#ifndef HANDOVER_CLIENT_COMMANDS_OPEN_H_
#define HANDOVER_CLIENT_COMMANDS_OPEN_H_

#include "commands/command.h"

namespace handover::cli {

Command AddOpenCommand(CLI::App* parent);

}  // namespace handover::cli

#endif  // HANDOVER_CLIENT_COMMANDS_OPEN_H_

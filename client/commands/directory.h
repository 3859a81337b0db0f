// `handover directory sign|verify|show`: the signed agency directory, for
// the directory authority and for anyone checking a directory file.
#ifndef HANDOVER_CLIENT_COMMANDS_DIRECTORY_H_
#define HANDOVER_CLIENT_COMMANDS_DIRECTORY_H_

#include "commands/command.h"

namespace handover::cli {

// One command with three subcommands; running it runs the one chosen.
Command AddDirectoryCommand(CLI::App* parent);

}  // namespace handover::cli

#endif  // HANDOVER_CLIENT_COMMANDS_DIRECTORY_H_

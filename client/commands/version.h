// `handover version`: the version of this build.
#ifndef HANDOVER_CLIENT_COMMANDS_VERSION_H_
#define HANDOVER_CLIENT_COMMANDS_VERSION_H_

#include "commands/command.h"

namespace handover::cli {

Command AddVersionCommand(CLI::App* parent);

}  // namespace handover::cli

#endif  // HANDOVER_CLIENT_COMMANDS_VERSION_H_

// `handover submit`: sends a case bundle and its attachments to named
// agencies through this agency's node.
#ifndef HANDOVER_CLIENT_COMMANDS_SUBMIT_H_
#define HANDOVER_CLIENT_COMMANDS_SUBMIT_H_

#include "commands/command.h"

namespace handover::cli {

Command AddSubmitCommand(CLI::App* parent);

}  // namespace handover::cli

#endif  // HANDOVER_CLIENT_COMMANDS_SUBMIT_H_

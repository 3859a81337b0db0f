// `handover keygen`: a new agency key pair in a key directory.
#ifndef HANDOVER_CLIENT_COMMANDS_KEYGEN_H_
#define HANDOVER_CLIENT_COMMANDS_KEYGEN_H_

#include "commands/command.h"

namespace handover::cli {

Command AddKeygenCommand(CLI::App* parent);

}  // namespace handover::cli

#endif  // HANDOVER_CLIENT_COMMANDS_KEYGEN_H_

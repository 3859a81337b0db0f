// `handover seal`: a case bundle and attachments into one envelope file.
#ifndef HANDOVER_CLIENT_COMMANDS_SEAL_H_
#define HANDOVER_CLIENT_COMMANDS_SEAL_H_

#include "commands/command.h"

namespace handover::cli {

Command AddSealCommand(CLI::App* parent);

}  // namespace handover::cli

#endif  // HANDOVER_CLIENT_COMMANDS_SEAL_H_

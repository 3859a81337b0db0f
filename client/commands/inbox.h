// `handover inbox`: the transfers delivered to this agency's node.
#ifndef HANDOVER_CLIENT_COMMANDS_INBOX_H_
#define HANDOVER_CLIENT_COMMANDS_INBOX_H_

#include "commands/command.h"

namespace handover::cli {

Command AddInboxCommand(CLI::App* parent);

}  // namespace handover::cli

#endif  // HANDOVER_CLIENT_COMMANDS_INBOX_H_

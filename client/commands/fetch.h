// `handover fetch`: opens one inbox transfer at this agency's node into a
// directory.
#ifndef HANDOVER_CLIENT_COMMANDS_FETCH_H_
#define HANDOVER_CLIENT_COMMANDS_FETCH_H_

#include "commands/command.h"

namespace handover::cli {

Command AddFetchCommand(CLI::App* parent);

}  // namespace handover::cli

#endif  // HANDOVER_CLIENT_COMMANDS_FETCH_H_

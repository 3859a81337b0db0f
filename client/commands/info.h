// `handover info`: what a node is and how it is doing (GetNodeInfo).
#ifndef HANDOVER_CLIENT_COMMANDS_INFO_H_
#define HANDOVER_CLIENT_COMMANDS_INFO_H_

#include "commands/command.h"

namespace handover::cli {

Command AddInfoCommand(CLI::App* parent);

}  // namespace handover::cli

#endif  // HANDOVER_CLIENT_COMMANDS_INFO_H_

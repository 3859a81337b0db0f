// `handover ack`: a person at a receiving agency (children's services,
// health) takes an inbox transfer on; the sender is told, signed.
#ifndef HANDOVER_CLIENT_COMMANDS_ACK_H_
#define HANDOVER_CLIENT_COMMANDS_ACK_H_

#include "commands/command.h"

namespace handover::cli {

Command AddAckCommand(CLI::App* parent);

}  // namespace handover::cli

#endif  // HANDOVER_CLIENT_COMMANDS_ACK_H_

// `handover directory revoke`: marks an agency's keys (or one of them)
// compromised in directory.json, the authority's first step of a recall
// (docs/OPERATIONS.md section 6).
#ifndef HANDOVER_CLIENT_COMMANDS_DIRECTORY_REVOKE_H_
#define HANDOVER_CLIENT_COMMANDS_DIRECTORY_REVOKE_H_

#include "commands/command.h"

namespace handover::cli {

Command AddDirectoryRevokeCommand(CLI::App* directory_group);

}  // namespace handover::cli

#endif  // HANDOVER_CLIENT_COMMANDS_DIRECTORY_REVOKE_H_

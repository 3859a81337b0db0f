// `handover log`: the node's delivery log (docs/LOG.md), for admins who
// must say where a child's record is, who has it, who acknowledged it and
// what failed, and prove that nobody edited the answer. Subcommands: list,
// show, verify (online, or offline on a copied database or an export
// file), export, head, prove, overdue and reconcile.
#ifndef HANDOVER_CLIENT_COMMANDS_LOG_H_
#define HANDOVER_CLIENT_COMMANDS_LOG_H_

#include "commands/command.h"

namespace handover::cli {

Command AddLogCommand(CLI::App* parent);

}  // namespace handover::cli

#endif  // HANDOVER_CLIENT_COMMANDS_LOG_H_

// A subcommand of `handover`: its CLI11 definition and the work to do when
// it is chosen. main() parses the command line, then runs the one chosen.
#ifndef HANDOVER_CLIENT_COMMANDS_COMMAND_H_
#define HANDOVER_CLIENT_COMMANDS_COMMAND_H_

#include <functional>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"

namespace handover::cli {

struct Command {
  CLI::App* app = nullptr;  // owned by the parent CLI::App
  // Prints a report on stdout and returns OK, or returns the failure for
  // main() to print as one line. Writes nothing to stdout on failure.
  std::function<absl::Status()> run;
};

}  // namespace handover::cli

#endif  // HANDOVER_CLIENT_COMMANDS_COMMAND_H_

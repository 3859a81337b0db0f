// Runs a program as a subprocess, without a shell, and captures its output.
#ifndef HANDOVER_TESTS_CLI_RUN_COMMAND_H_
#define HANDOVER_TESTS_CLI_RUN_COMMAND_H_

#include <string>
#include <vector>

namespace handover::testing {

struct CommandResult {
  // The exit status, or 128 + the signal number if a signal ended it, or -1
  // if it could not be started.
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `argv[0]` (a path, not searched for in PATH) with arguments `argv` in
// directory `cwd`, with stdin from /dev/null, and waits for it to exit.
CommandResult RunCommand(const std::vector<std::string>& argv,
                         const std::string& cwd);

}  // namespace handover::testing

#endif  // HANDOVER_TESTS_CLI_RUN_COMMAND_H_

// What handover-node's and handover-router's main() share: the command line
// (rpc/daemon_flags.h), --help and --version, logging to stderr, libsodium,
// the blocked shutdown signals, and the exit codes: 0 success, 1 a config or
// start-up problem, 2 a usage error. Each daemon keeps its own run function,
// which loads its config and serves.
#ifndef HANDOVER_RPC_DAEMON_MAIN_H_
#define HANDOVER_RPC_DAEMON_MAIN_H_

#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "rpc/daemon_flags.h"

namespace handover::rpc {

inline constexpr int kExitProblem = 1;
inline constexpr int kExitUsage = 2;

struct DaemonProgram {
  std::string name;     // "handover-node": starts messages and log lines
  std::string usage;    // the --help text
  std::string version;  // --version prints "NAME VERSION"
};

// A daemon's main(). Blocks the shutdown signals (rpc/shutdown_signal.h),
// so call it before any thread starts; then parses the command line (a
// mistake: "NAME: problem" on stderr, exit 2), answers --help and
// --version, logs to stderr at the chosen level, initialises libsodium
// (exit 1 if that fails) and returns `run(flags)`.
int RunDaemon(int argc, char** argv, const DaemonProgram& program,
              absl::FunctionRef<int(const DaemonFlags&)> run);

// Writes each line of `status`'s message to stderr on a line of its own
// (config errors hold one problem a line).
void PrintProblems(const absl::Status& status);

}  // namespace handover::rpc

#endif  // HANDOVER_RPC_DAEMON_MAIN_H_

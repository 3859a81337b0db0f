// One daemon (or any program) run as a child process of the test: started
// with posix_spawn, its stdout and stderr appended to a log file in the
// test's directory, stopped with SIGTERM or SIGKILL, and reaped.
//
// Readiness follows the agreed convention: a serving daemon writes its bound
// address as "host:port\n" to <data_dir>/listen-address.
//
// The child gets SIGKILL if the test process dies (through setpriv's
// --pdeathsig), so a crashed test leaves no daemon behind. Not thread-safe:
// one test thread drives a DaemonProcess.
#ifndef HANDOVER_TESTS_INTEGRATION_HARNESS_DAEMON_PROCESS_H_
#define HANDOVER_TESTS_INTEGRATION_HARNESS_DAEMON_PROCESS_H_

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace handover::integration {

// How a process ended.
struct ExitStatus {
  bool exited = false;  // by exit(); else by a signal
  int code = -1;        // exit code, or the signal number
  bool ok() const { return exited && code == 0; }
  std::string ToString() const;
};

class DaemonProcess {
 public:
  // `argv[0]` is a path. `data_dir` may be empty for a program that is not
  // a daemon (then WaitForListenAddress is not available).
  DaemonProcess(std::string name, std::vector<std::string> argv,
                std::string data_dir, std::string log_path);
  ~DaemonProcess();  // SIGKILLs and reaps a process still running
  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;

  // Starts the program. A listen-address left by a killed run is removed
  // first, so that readiness is never read from a previous life.
  absl::Status Start();

  // Waits until <data_dir>/listen-address holds "host:port". Fails early,
  // with the end of the log, if the process exits first.
  absl::StatusOr<std::string> WaitForListenAddress(absl::Duration timeout);

  // SIGTERM, then waits up to `timeout` for the exit. On timeout the process
  // is SIGKILLed and DeadlineExceeded returned.
  absl::StatusOr<ExitStatus> Stop(absl::Duration timeout);

  // SIGKILL and reap, as a crash would. No-op if not running.
  void Kill();

  // Sends `signal` without waiting.
  absl::Status Signal(int signal);

  // Waits up to `timeout` for the process to exit by itself.
  absl::StatusOr<ExitStatus> WaitExit(absl::Duration timeout);

  // True while the process has not been reaped and has not exited.
  bool Running();

  // Peak resident set size (VmHWM in /proc/PID/status), in bytes.
  absl::StatusOr<uint64_t> PeakResidentBytes() const;

  // The whole log, and its last `lines` lines.
  std::string ReadLog() const;
  std::string LogTail(int lines) const;

  const std::string& name() const { return name_; }
  const std::string& data_dir() const { return data_dir_; }
  const std::string& log_path() const { return log_path_; }
  const std::string& address() const { return address_; }
  pid_t pid() const { return pid_; }
  void set_argv(std::vector<std::string> argv) { argv_ = std::move(argv); }
  // "NAME=value" entries added to (or replacing in) the test's environment
  // at the next Start, e.g. a preload that skews the clock.
  void set_extra_env(std::vector<std::string> env) {
    extra_env_ = std::move(env);
  }

 private:
  // Reaps the child if it has exited; records its status.
  bool Reap(bool block);

  std::string name_;
  std::vector<std::string> argv_;
  std::vector<std::string> extra_env_;
  std::string data_dir_;
  std::string log_path_;
  std::string address_;
  pid_t pid_ = -1;
  ExitStatus last_exit_;
};

// Runs a program to completion (stdin /dev/null, stdout and stderr together
// into `log_path`) and returns its exit status and output.
struct CommandOutput {
  ExitStatus status;
  std::string output;
};
absl::StatusOr<CommandOutput> RunToExit(const std::vector<std::string>& argv,
                                        const std::string& log_path,
                                        absl::Duration timeout);

}  // namespace handover::integration

#endif  // HANDOVER_TESTS_INTEGRATION_HARNESS_DAEMON_PROCESS_H_

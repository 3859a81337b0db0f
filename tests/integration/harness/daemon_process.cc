#include "harness/daemon_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

extern char** environ;

namespace handover::integration {
namespace {

constexpr char kSetpriv[] = "/usr/bin/setpriv";
constexpr absl::Duration kPollInterval = absl::Milliseconds(10);

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void AppendToFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::app | std::ios::binary);
  out << text;
}

// Sets up the child's descriptors and signals: stdin from /dev/null, stdout
// and stderr appended to `log_path`, default dispositions and no blocked
// signals whatever the test process has.
class SpawnSetup {
 public:
  explicit SpawnSetup(const std::string& log_path) {
    posix_spawn_file_actions_init(&actions_);
    posix_spawn_file_actions_addopen(&actions_, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions_, 1, log_path.c_str(),
                                     O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&actions_, 1, 2);
    posix_spawnattr_init(&attr_);
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    for (int s : {SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGCHLD}) {
      sigaddset(&defaults, s);
    }
    posix_spawnattr_setsigmask(&attr_, &none);
    posix_spawnattr_setsigdefault(&attr_, &defaults);
    posix_spawnattr_setflags(&attr_,
                             POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions_);
    posix_spawnattr_destroy(&attr_);
  }
  const posix_spawn_file_actions_t* actions() const { return &actions_; }
  const posix_spawnattr_t* attr() const { return &attr_; }

 private:
  posix_spawn_file_actions_t actions_;
  posix_spawnattr_t attr_;
};

// The test's environment with `extra` ("NAME=value") added; an entry of the
// same name is replaced.
std::vector<std::string> ChildEnvironment(
    const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const absl::string_view text(*entry);
    const absl::string_view name = text.substr(0, text.find('='));
    const bool replaced =
        std::any_of(extra.begin(), extra.end(), [name](const std::string& e) {
          return absl::StartsWith(e, absl::StrCat(name, "="));
        });
    if (!replaced) env.emplace_back(text);
  }
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

}  // namespace

std::string ExitStatus::ToString() const {
  if (exited) return absl::StrCat("exit code ", code);
  return absl::StrCat("killed by signal ", code, " (", strsignal(code), ")");
}

DaemonProcess::DaemonProcess(std::string name, std::vector<std::string> argv,
                             std::string data_dir, std::string log_path)
    : name_(std::move(name)),
      argv_(std::move(argv)),
      data_dir_(std::move(data_dir)),
      log_path_(std::move(log_path)) {}

DaemonProcess::~DaemonProcess() { Kill(); }

absl::Status DaemonProcess::Start() {
  if (pid_ > 0) {
    return absl::FailedPreconditionError(name_ + " is already running");
  }
  if (!data_dir_.empty()) {
    const std::string stale = data_dir_ + "/listen-address";
    if (unlink(stale.c_str()) != 0 && errno != ENOENT) {
      return absl::InternalError(
          absl::StrCat("unlink ", stale, ": ", strerror(errno)));
    }
  }
  address_.clear();
  std::vector<std::string> full;
  // Ties the child's life to ours: if the test crashes, the daemon dies too.
  if (access(kSetpriv, X_OK) == 0) {
    full = {kSetpriv, "--pdeathsig", "KILL", "--"};
  }
  full.insert(full.end(), argv_.begin(), argv_.end());
  std::vector<char*> c_argv;
  for (std::string& arg : full) c_argv.push_back(arg.data());
  c_argv.push_back(nullptr);
  std::vector<std::string> env = ChildEnvironment(extra_env_);
  std::vector<char*> c_env;
  for (std::string& entry : env) c_env.push_back(entry.data());
  c_env.push_back(nullptr);

  AppendToFile(log_path_, absl::StrCat("==== harness: starting ", name_, ": ",
                                       absl::StrJoin(extra_env_, " "),
                                       extra_env_.empty() ? "" : " ",
                                       absl::StrJoin(argv_, " "), "\n"));
  SpawnSetup setup(log_path_);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, c_argv[0], setup.actions(), setup.attr(),
                             c_argv.data(), c_env.data());
  if (rc != 0) {
    return absl::InternalError(
        absl::StrCat("posix_spawn ", c_argv[0], ": ", strerror(rc)));
  }
  pid_ = pid;
  return absl::OkStatus();
}

bool DaemonProcess::Reap(bool block) {
  if (pid_ <= 0) return true;
  int status = 0;
  const pid_t r = waitpid(pid_, &status, block ? 0 : WNOHANG);
  if (r != pid_) return false;
  last_exit_.exited = WIFEXITED(status);
  last_exit_.code = WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status);
  AppendToFile(log_path_, absl::StrCat("==== harness: ", name_, " ended: ",
                                       last_exit_.ToString(), "\n"));
  pid_ = -1;
  return true;
}

bool DaemonProcess::Running() { return pid_ > 0 && !Reap(false); }

absl::StatusOr<std::string> DaemonProcess::WaitForListenAddress(
    absl::Duration timeout) {
  if (data_dir_.empty()) {
    return absl::FailedPreconditionError(name_ + " has no data directory");
  }
  const std::string path = data_dir_ + "/listen-address";
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    if (!Running()) {
      return absl::UnavailableError(
          absl::StrCat(name_, " exited (", last_exit_.ToString(),
                       ") before it was ready; log:\n", LogTail(40)));
    }
    const std::string text = ReadWholeFile(path);
    if (!text.empty() && text.back() == '\n') {
      address_ = std::string(absl::StripAsciiWhitespace(text));
      return address_;
    }
    if (absl::Now() > deadline) {
      return absl::DeadlineExceededError(
          absl::StrCat(name_, " wrote no ", path, " within ",
                       absl::FormatDuration(timeout), "; log:\n", LogTail(40)));
    }
    absl::SleepFor(kPollInterval);
  }
}

absl::Status DaemonProcess::Signal(int signal) {
  if (pid_ <= 0) return absl::FailedPreconditionError(name_ + " not running");
  if (kill(pid_, signal) != 0) {
    return absl::InternalError(absl::StrCat("kill: ", strerror(errno)));
  }
  return absl::OkStatus();
}

absl::StatusOr<ExitStatus> DaemonProcess::WaitExit(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (!Reap(false)) {
    if (absl::Now() > deadline) {
      return absl::DeadlineExceededError(absl::StrCat(
          name_, " did not exit within ", absl::FormatDuration(timeout)));
    }
    absl::SleepFor(kPollInterval);
  }
  return last_exit_;
}

absl::StatusOr<ExitStatus> DaemonProcess::Stop(absl::Duration timeout) {
  if (pid_ <= 0) {
    return absl::FailedPreconditionError(name_ + " is not running");
  }
  AppendToFile(log_path_, "==== harness: sending SIGTERM\n");
  const absl::Time start = absl::Now();
  kill(pid_, SIGTERM);
  absl::StatusOr<ExitStatus> exit = WaitExit(timeout);
  AppendToFile(log_path_,
               absl::StrCat("==== harness: SIGTERM to exit took ",
                            absl::FormatDuration(absl::Now() - start), "\n"));
  if (!exit.ok()) {
    Kill();
    return absl::DeadlineExceededError(absl::StrCat(
        name_, " did not exit within ", absl::FormatDuration(timeout),
        " of SIGTERM; killed it; log:\n", LogTail(40)));
  }
  return exit;
}

void DaemonProcess::Kill() {
  if (pid_ <= 0) return;
  AppendToFile(log_path_, "==== harness: sending SIGKILL\n");
  kill(pid_, SIGKILL);
  Reap(true);
}

absl::StatusOr<uint64_t> DaemonProcess::PeakResidentBytes() const {
  if (pid_ <= 0) return absl::FailedPreconditionError(name_ + " not running");
  const std::string status =
      ReadWholeFile(absl::StrCat("/proc/", pid_, "/status"));
  for (absl::string_view line : absl::StrSplit(status, '\n')) {
    if (!absl::ConsumePrefix(&line, "VmHWM:")) continue;
    line = absl::StripAsciiWhitespace(line);
    absl::ConsumeSuffix(&line, "kB");
    uint64_t kib = 0;
    if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(line), &kib)) break;
    return kib * 1024;
  }
  return absl::InternalError(
      absl::StrCat("no VmHWM in /proc/", pid_, "/status"));
}

std::string DaemonProcess::ReadLog() const { return ReadWholeFile(log_path_); }

std::string DaemonProcess::LogTail(int lines) const {
  const std::string log = ReadLog();  // the views below point into it
  const std::vector<absl::string_view> all =
      absl::StrSplit(log, '\n', absl::SkipEmpty());
  const size_t first = all.size() > static_cast<size_t>(lines)
                           ? all.size() - static_cast<size_t>(lines)
                           : 0;
  std::string tail;
  for (size_t i = first; i < all.size(); ++i)
    absl::StrAppend(&tail, all[i], "\n");
  return tail;
}

absl::StatusOr<CommandOutput> RunToExit(const std::vector<std::string>& argv,
                                        const std::string& log_path,
                                        absl::Duration timeout) {
  unlink(log_path.c_str());
  DaemonProcess process("command", argv, "", log_path);
  if (absl::Status s = process.Start(); !s.ok()) return s;
  absl::StatusOr<ExitStatus> exit = process.WaitExit(timeout);
  if (!exit.ok()) return exit.status();
  CommandOutput result;
  result.status = *exit;
  // Only the program's own output, without the harness's marker lines.
  const std::string log = process.ReadLog();
  for (absl::string_view line : absl::StrSplit(log, '\n', absl::SkipEmpty())) {
    if (absl::StartsWith(line, "==== harness:")) continue;
    absl::StrAppend(&result.output, line, "\n");
  }
  return result;
}

}  // namespace handover::integration

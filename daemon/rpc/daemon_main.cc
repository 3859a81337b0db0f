#include "rpc/daemon_main.h"

#include <cstdlib>
#include <iostream>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "crypto/sodium_util.h"
#include "rpc/shutdown_signal.h"
#include "spdlog/sinks/stdout_sinks.h"
#include "spdlog/spdlog.h"

namespace handover::rpc {
namespace {

// UTC timestamps and the program's name on every line, flushed at once so
// that a crash loses nothing.
void SetUpLogging(const std::string& name, spdlog::level::level_enum level) {
  auto logger = std::make_shared<spdlog::logger>(
      name, std::make_shared<spdlog::sinks::stderr_sink_mt>());
  logger->set_pattern(absl::StrCat("%Y-%m-%dT%H:%M:%S.%eZ %l ", name, ": %v"),
                      spdlog::pattern_time_type::utc);
  logger->set_level(level);
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(std::move(logger));
}

}  // namespace

int RunDaemon(int argc, char** argv, const DaemonProgram& program,
              absl::FunctionRef<int(const DaemonFlags&)> run) {
  // Before any thread starts, so every thread inherits the blocked mask.
  BlockShutdownSignals();
  absl::StatusOr<DaemonFlags> flags = ParseDaemonFlags(argc, argv);
  if (!flags.ok()) {
    std::cerr << program.name << ": " << flags.status().message() << "\n";
    return kExitUsage;
  }
  if (flags->help) {
    std::cout << program.usage;
    return EXIT_SUCCESS;
  }
  if (flags->version) {
    std::cout << program.name << " " << program.version << "\n";
    return EXIT_SUCCESS;
  }
  SetUpLogging(program.name, flags->log_level);
  if (absl::Status s = crypto::InitSodium(); !s.ok()) {
    std::cerr << program.name << ": " << s.message() << "\n";
    return kExitProblem;
  }
  return run(*flags);
}

void PrintProblems(const absl::Status& status) {
  for (absl::string_view line :
       absl::StrSplit(status.message(), '\n', absl::SkipEmpty())) {
    std::cerr << line << "\n";
  }
}

}  // namespace handover::rpc

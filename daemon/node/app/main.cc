// handover-node: parses the command line, loads the config, starts a
// NodeApp and runs until SIGTERM or SIGINT, then drains and exits 0. Exit
// codes: 0 success, 1 a config or start-up problem, 2 a usage error.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/str_split.h"
#include "config/node_config.h"
#include "crypto/sodium_util.h"
#include "node/api/node_service.h"
#include "node/app/node_app.h"
#include "node/app/node_flags.h"
#include "rpc/shutdown_signal.h"
#include "spdlog/sinks/stdout_sinks.h"
#include "spdlog/spdlog.h"

namespace {

using handover::node::app::NodeApp;
using handover::node::app::NodeFlags;

constexpr int kExitProblem = 1;
constexpr int kExitUsage = 2;

// Config errors hold one problem a line; each goes out on its own line.
void PrintProblems(const absl::Status& status) {
  for (absl::string_view line :
       absl::StrSplit(status.message(), '\n', absl::SkipEmpty())) {
    std::cerr << line << "\n";
  }
}

void SetUpLogging(spdlog::level::level_enum level) {
  auto logger = std::make_shared<spdlog::logger>(
      "handover-node", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l handover-node: %v",
                      spdlog::pattern_time_type::utc);
  logger->set_level(level);
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(std::move(logger));
}

int Run(const NodeFlags& flags) {
  if (absl::Status s = handover::crypto::InitSodium(); !s.ok()) {
    std::cerr << "handover-node: " << s.message() << "\n";
    return kExitProblem;
  }
  absl::StatusOr<handover::config::NodeConfig> config =
      handover::config::LoadNodeConfig(flags.config_path);
  if (!config.ok()) {
    PrintProblems(config.status());
    return kExitProblem;
  }
  if (flags.check) {
    std::cout << "config OK: " << flags.config_path << "\n";
    return EXIT_SUCCESS;
  }
  absl::StatusOr<std::unique_ptr<NodeApp>> app = NodeApp::Start(*config);
  if (!app.ok()) {
    PrintProblems(app.status());
    return kExitProblem;
  }
  spdlog::info("agency {} ready (version {})", config->node.agency_id,
               handover::node::api::NodeSoftwareVersion());
  const int signal = handover::rpc::WaitForShutdownSignal();
  spdlog::info("signal {}: shutting down", signal);
  (*app)->Shutdown();
  return EXIT_SUCCESS;
}

}  // namespace

int main(int argc, char** argv) {
  // Before any thread starts, so every thread inherits the blocked mask.
  handover::rpc::BlockShutdownSignals();
  absl::StatusOr<NodeFlags> flags =
      handover::node::app::ParseNodeFlags(argc, argv);
  if (!flags.ok()) {
    std::cerr << "handover-node: " << flags.status().message() << "\n";
    return kExitUsage;
  }
  if (flags->help) {
    std::cout << handover::node::app::NodeUsage();
    return EXIT_SUCCESS;
  }
  if (flags->version) {
    std::cout << "handover-node " << handover::node::api::NodeSoftwareVersion()
              << "\n";
    return EXIT_SUCCESS;
  }
  SetUpLogging(flags->log_level);
  return Run(*flags);
}

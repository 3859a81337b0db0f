// handover-node: parses the command line, loads the config, starts a
// NodeApp and runs until SIGTERM or SIGINT, then drains and exits 0. Exit
// codes: 0 success, 1 a config or start-up problem, 2 a usage error
// (rpc/daemon_main.h does what the two daemons share).
#include <cstdlib>
#include <iostream>
#include <memory>

#include "config/node_config.h"
#include "node/api/node_service.h"
#include "node/app/node_app.h"
#include "node/app/node_flags.h"
#include "rpc/daemon_main.h"
#include "rpc/shutdown_signal.h"
#include "spdlog/spdlog.h"

namespace {

using handover::node::app::NodeApp;
using handover::rpc::DaemonFlags;
using handover::rpc::kExitProblem;
using handover::rpc::PrintProblems;

int Run(const DaemonFlags& flags) {
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
  return handover::rpc::RunDaemon(
      argc, argv,
      {"handover-node", handover::node::app::NodeUsage(),
       handover::node::api::NodeSoftwareVersion()},
      Run);
}

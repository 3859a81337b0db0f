// handover-router: parses the command line, loads and checks the config,
// starts a RouterServer and runs until SIGTERM or SIGINT, then drains and
// exits 0. SIGHUP re-reads the directory file. Exit codes: 0 success, 1 a
// config or start-up problem (one line each on stderr), 2 a usage error
// (rpc/daemon_main.h does what the two daemons share).
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "config/port_check.h"
#include "config/router_config.h"
#include "crypto/key_file.h"
#include "directory/signed_directory.h"
#include "router/router_flags.h"
#include "router/router_server.h"
#include "rpc/daemon_main.h"
#include "rpc/shutdown_signal.h"
#include "spdlog/spdlog.h"

namespace {

using handover::router::RouterServer;
using handover::rpc::DaemonFlags;
using handover::rpc::kExitProblem;
using handover::rpc::PrintProblems;

constexpr char kListenAddressFile[] = "listen-address";

// What --check adds to the config's own checks: the signed directory must
// verify against the trust root (the version is checked at start-up,
// against the database).
absl::Status CheckDirectory(const handover::config::RouterConfig& config) {
  absl::StatusOr<handover::crypto::PublicIdentity> trust_root =
      handover::crypto::LoadPublicIdentity(config.router.trust_root);
  if (!trust_root.ok()) return trust_root.status();
  absl::StatusOr<std::string> bytes = handover::ReadFileBounded(
      config.router.directory, handover::directory::kMaxSignedDirectoryBytes);
  if (!bytes.ok()) return bytes.status();
  absl::Status verified =
      handover::directory::VerifySignedDirectory(*bytes, *trust_root, 0)
          .status();
  if (!verified.ok()) {
    return absl::Status(
        verified.code(),
        absl::StrCat(config.source, ": [router] directory: ",
                     config.router.directory, ": ", verified.message()));
  }
  return absl::OkStatus();
}

// Re-reads the directory on SIGHUP until `stop`. SIGHUP is blocked in
// every thread, so only this one takes it.
void WatchHangup(RouterServer* server, const std::atomic<bool>* stop) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGHUP);
  const struct timespec poll = {0, 200 * 1000 * 1000};
  while (!stop->load()) {
    if (sigtimedwait(&set, nullptr, &poll) == SIGHUP) {
      spdlog::info("SIGHUP: re-reading the directory");
      absl::Status reloaded = server->ReloadDirectory();
      if (!reloaded.ok()) {
        spdlog::warn("directory reload failed: {}",
                     std::string(reloaded.message()));
      }
    }
  }
}

int Run(const DaemonFlags& flags) {
  absl::StatusOr<handover::config::RouterConfig> config =
      handover::config::LoadRouterConfig(flags.config_path);
  if (!config.ok()) {
    PrintProblems(config.status());
    return kExitProblem;
  }
  if (flags.check) {
    if (absl::Status s = CheckDirectory(*config); !s.ok()) {
      PrintProblems(s);
      return kExitProblem;
    }
    std::cout << "config OK: " << flags.config_path << "\n";
    return EXIT_SUCCESS;
  }
  if (absl::Status s = handover::config::CheckPortFree(config->router.listen);
      !s.ok()) {
    std::cerr << config->source << ": [router] listen: " << s.message() << "\n";
    return kExitProblem;
  }
  absl::StatusOr<std::unique_ptr<RouterServer>> server =
      RouterServer::Start(*config);
  if (!server.ok()) {
    PrintProblems(server.status());
    return kExitProblem;
  }
  const std::string address_file =
      absl::StrCat(config->router.data_dir, "/", kListenAddressFile);
  if (absl::Status s = handover::WriteFileAtomically(
          address_file, absl::StrCat((*server)->address(), "\n"), 0644);
      !s.ok()) {
    std::cerr << "handover-router: " << s.message() << "\n";
    (*server)->Shutdown();
    return kExitProblem;
  }
  spdlog::info("listening on {}", (*server)->address());

  std::atomic<bool> stop_watch{false};
  std::thread hangup(WatchHangup, server->get(), &stop_watch);
  const int signal = handover::rpc::WaitForShutdownSignal();
  spdlog::info("signal {}: shutting down", signal);
  (*server)->Shutdown(absl::Seconds(10));
  stop_watch = true;
  hangup.join();
  server->reset();
  if (unlink(address_file.c_str()) != 0 && errno != ENOENT) {
    spdlog::warn("could not remove {}", address_file);
  }
  return EXIT_SUCCESS;
}

}  // namespace

int main(int argc, char** argv) {
  // SIGHUP is for WatchHangup alone: blocked before any thread starts, as
  // RunDaemon blocks the shutdown signals.
  sigset_t hangup;
  sigemptyset(&hangup);
  sigaddset(&hangup, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &hangup, nullptr);
  return handover::rpc::RunDaemon(
      argc, argv,
      {"handover-router", handover::router::RouterUsage(), HANDOVER_VERSION},
      Run);
}

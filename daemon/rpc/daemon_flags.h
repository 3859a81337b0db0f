// The command line both daemons take:
//   NAME --config FILE [--check] [--log-level LEVEL]
//   NAME --help | --version
// Flags may also be written --flag=value. Plain values; thread-safe.
#ifndef HANDOVER_RPC_DAEMON_FLAGS_H_
#define HANDOVER_RPC_DAEMON_FLAGS_H_

#include <string>

#include "absl/status/statusor.h"
#include "spdlog/common.h"

namespace handover::rpc {

struct DaemonFlags {
  std::string config_path;
  bool check = false;
  bool help = false;
  bool version = false;
  spdlog::level::level_enum log_level = spdlog::level::info;
};

// InvalidArgument, one line, for an unknown flag, a missing value, an
// unknown log level, or no --config (unless --help or --version).
absl::StatusOr<DaemonFlags> ParseDaemonFlags(int argc, const char* const* argv);

}  // namespace handover::rpc

#endif  // HANDOVER_RPC_DAEMON_FLAGS_H_

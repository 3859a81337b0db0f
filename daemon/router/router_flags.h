// The handover-router command line:
//   handover-router --config FILE [--check] [--log-level LEVEL]
//   handover-router --help | --version
// Flags may also be written --flag=value. Plain values; thread-safe.
#ifndef HANDOVER_ROUTER_ROUTER_FLAGS_H_
#define HANDOVER_ROUTER_ROUTER_FLAGS_H_

#include <string>

#include "absl/status/statusor.h"
#include "spdlog/common.h"

namespace handover::router {

struct RouterFlags {
  std::string config_path;
  bool check = false;
  bool help = false;
  bool version = false;
  spdlog::level::level_enum log_level = spdlog::level::info;
};

// InvalidArgument, one line, for an unknown flag, a missing value, an
// unknown log level, or no --config (unless --help or --version).
absl::StatusOr<RouterFlags> ParseRouterFlags(int argc, const char* const* argv);

// The --help text, with an example.
std::string RouterUsage();

}  // namespace handover::router

#endif  // HANDOVER_ROUTER_ROUTER_FLAGS_H_

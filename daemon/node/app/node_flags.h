// The handover-node command line:
//   handover-node --config FILE [--check] [--log-level LEVEL]
//   handover-node --help | --version
// Flags may also be written --flag=value. Plain values; thread-safe.
#ifndef HANDOVER_NODE_APP_NODE_FLAGS_H_
#define HANDOVER_NODE_APP_NODE_FLAGS_H_

#include <string>

#include "absl/status/statusor.h"
#include "spdlog/common.h"

namespace handover::node::app {

struct NodeFlags {
  std::string config_path;
  bool check = false;
  bool help = false;
  bool version = false;
  spdlog::level::level_enum log_level = spdlog::level::info;
};

// InvalidArgument, one line, for an unknown flag, a missing value, an
// unknown log level, or no --config (unless --help or --version).
absl::StatusOr<NodeFlags> ParseNodeFlags(int argc, const char* const* argv);

// The --help text, with an example.
std::string NodeUsage();

}  // namespace handover::node::app

#endif  // HANDOVER_NODE_APP_NODE_FLAGS_H_

// Internal to daemon/config: the steps that ParseXConfig, CheckXConfigFiles
// and LoadXConfig share, each adding its findings to one ProblemList so that
// a daemon can report parse and file problems together.
#ifndef HANDOVER_CONFIG_CONFIG_INTERNAL_H_
#define HANDOVER_CONFIG_CONFIG_INTERNAL_H_

#include <string>

#include "absl/strings/string_view.h"
#include "config/node_config.h"
#include "config/problems.h"
#include "config/router_config.h"

namespace handover::config::internal {

// Fill `config` from `text`, leaving defaults (or empty strings) for
// anything missing or wrong. False if the text is not TOML at all or is
// over kMaxConfigFileBytes, in which case nothing else is worth checking.
bool ParseNodeConfigInto(absl::string_view text, NodeConfig* config,
                         ProblemList* problems);
bool ParseRouterConfigInto(absl::string_view text, RouterConfig* config,
                           ProblemList* problems);

// Check the files named by non-empty paths.
void CheckNodeFilesInto(const NodeConfig& config, ProblemList* problems);
void CheckRouterFilesInto(const RouterConfig& config, ProblemList* problems);

// Make every relative path absolute against `base_dir`.
void ResolveNodePaths(const std::string& base_dir, NodeConfig* config);
void ResolveRouterPaths(const std::string& base_dir, RouterConfig* config);

}  // namespace handover::config::internal

#endif  // HANDOVER_CONFIG_CONFIG_INTERNAL_H_

// Checking and loading the handover-node config; parsing is in
// node_config_parse.cc.
#include "config/node_config.h"

#include "absl/time/clock.h"
#include "config/config_file.h"
#include "config/config_internal.h"
#include "config/file_checks.h"

namespace handover::config {
namespace internal {

void CheckNodeFilesInto(const NodeConfig& config, ProblemList* problems) {
  const absl::Time now = absl::Now();
  CheckAgencyKeyDir("[node] key_dir", config.node.key_dir,
                    config.node.agency_id, problems);
  CheckPreviousKeyDirs("[node] previous_key_dirs",
                       config.node.previous_key_dirs, config.node.key_dir,
                       config.node.agency_id, problems);
  CheckDataDir("[node] data_dir", config.node.data_dir, problems);
  CheckTrustRoot("[node] trust_root", config.node.trust_root, problems);
  CheckTlsKeyPair("[listen]", config.listen.tls_cert, config.listen.tls_key,
                  now, problems);
  CheckCaFile("[listen] client_ca", config.listen.client_ca, now, problems);
  CheckTlsKeyPair("[router]", config.router.tls_cert, config.router.tls_key,
                  now, problems);
  CheckCaFile("[router] ca", config.router.ca, now, problems);
  // Only that it can be read: parsing it is the policy library's, which
  // depends on this one (see MoveSettings).
  CheckReadableFile("[move] policy_file", config.move.policy_file, problems);
}

void ResolveNodePaths(const std::string& base_dir, NodeConfig* config) {
  for (std::string* path : {&config->node.key_dir, &config->node.data_dir,
                            &config->node.trust_root, &config->listen.tls_cert,
                            &config->listen.tls_key, &config->listen.client_ca,
                            &config->router.tls_cert, &config->router.tls_key,
                            &config->router.ca, &config->move.policy_file}) {
    *path = ResolveConfigPath(base_dir, *path);
  }
  for (std::string& path : config->node.previous_key_dirs) {
    path = ResolveConfigPath(base_dir, path);
  }
}

}  // namespace internal

absl::Status CheckNodeConfigFiles(const NodeConfig& config) {
  ProblemList problems(config.source);
  internal::CheckNodeFilesInto(config, &problems);
  return problems.ToStatus();
}

absl::StatusOr<NodeConfig> LoadNodeConfig(const std::string& path) {
  absl::StatusOr<std::string> text = ReadConfigFile(path);
  if (!text.ok()) return text.status();
  NodeConfig config;
  config.source = path;
  ProblemList problems(path);
  if (internal::ParseNodeConfigInto(*text, &config, &problems)) {
    internal::ResolveNodePaths(ConfigBaseDir(path), &config);
    internal::CheckNodeFilesInto(config, &problems);
  }
  if (!problems.empty()) return problems.ToStatus();
  return config;
}

}  // namespace handover::config

// Checking and loading the handover-router config; parsing is in
// router_config_parse.cc.
#include "config/router_config.h"

#include "absl/time/clock.h"
#include "config/config_file.h"
#include "config/config_internal.h"
#include "config/file_checks.h"

namespace handover::config {
namespace internal {

void CheckRouterFilesInto(const RouterConfig& config, ProblemList* problems) {
  const absl::Time now = absl::Now();
  const RouterSettings& router = config.router;
  CheckAgencyKeyDir("[router] key_dir", router.key_dir, router.agency_id,
                    problems);
  CheckTlsKeyPair("[router]", router.tls_cert, router.tls_key, now, problems);
  CheckCaFile("[router] client_ca", router.client_ca, now, problems);
  CheckDataDir("[router] data_dir", router.data_dir, problems);
  CheckReadableFile("[router] directory", router.directory, problems);
  CheckTrustRoot("[router] trust_root", router.trust_root, problems);
}

void ResolveRouterPaths(const std::string& base_dir, RouterConfig* config) {
  RouterSettings& router = config->router;
  for (std::string* path :
       {&router.key_dir, &router.tls_cert, &router.tls_key, &router.client_ca,
        &router.data_dir, &router.directory, &router.trust_root}) {
    *path = ResolveConfigPath(base_dir, *path);
  }
}

}  // namespace internal

absl::Status CheckRouterConfigFiles(const RouterConfig& config) {
  ProblemList problems(config.source);
  internal::CheckRouterFilesInto(config, &problems);
  return problems.ToStatus();
}

absl::StatusOr<RouterConfig> LoadRouterConfig(const std::string& path) {
  absl::StatusOr<std::string> text = ReadConfigFile(path);
  if (!text.ok()) return text.status();
  RouterConfig config;
  config.source = path;
  ProblemList problems(path);
  if (internal::ParseRouterConfigInto(*text, &config, &problems)) {
    internal::ResolveRouterPaths(ConfigBaseDir(path), &config);
    internal::CheckRouterFilesInto(config, &problems);
  }
  if (!problems.empty()) return problems.ToStatus();
  return config;
}

}  // namespace handover::config

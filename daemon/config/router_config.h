// The configuration of handover-router, read from TOML (docs/CONFIG.md
// documents every key). Plain values; safe to share between threads once
// loaded. Errors are reported as node_config.h describes: every mistake,
// one line each, in one Status.
#ifndef HANDOVER_CONFIG_ROUTER_CONFIG_H_
#define HANDOVER_CONFIG_ROUTER_CONFIG_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "config/log_settings.h"
#include "config/retry_policy.h"

namespace handover::config {

// [router]: where the router listens, its TLS material and its state.
struct RouterSettings {
  std::string agency_id;   // the router's own id in the directory
  std::string key_dir;     // its agency key directory: secret.key (0600)
  std::string listen;      // "host:port"; port 0 picks a free port
  std::string tls_cert;    // PEM server certificate (chain)
  std::string tls_key;     // PEM private key, mode 0600
  std::string client_ca;   // PEM CA for node client certificates (required)
  std::string data_dir;    // SQLite files; created 0700 if missing
  std::string directory;   // the signed directory file it serves
  std::string trust_root;  // directory authority public key file
};

// [limits]
struct RouterLimits {
  uint64_t max_envelope_bytes = uint64_t{2} << 30;         // 2GiB
  int64_t max_open_streams_per_agency = 16;                // 1 to 10000
  absl::Duration stream_stall_timeout = absl::Minutes(2);  // 1s to 1h
};

// [delivery]
struct DeliverySettings {
  // Expiry given to an envelope that does not carry its own.
  absl::Duration default_ttl = absl::Hours(24 * 5);
  // How long ciphertext is kept when no signed receipt arrives.
  absl::Duration ciphertext_retention = absl::Hours(24 * 30);
};

struct RouterConfig {
  std::string source;  // the file (or name) it came from, for messages
  RouterSettings router;
  RetryPolicy retry;
  RouterLimits limits;
  DeliverySettings delivery;
  LogSettings log;
};

// As ParseNodeConfig, for the router.
absl::StatusOr<RouterConfig> ParseRouterConfig(absl::string_view toml_text,
                                               absl::string_view source_name);

// Checks the files: the key directory (its secret key 0600 and belonging to
// agency_id), the TLS certificate, key (0600) and their match, the client
// CA, the directory file, the trust root and data_dir.
absl::Status CheckRouterConfigFiles(const RouterConfig& config);

// As LoadNodeConfig, for the router.
absl::StatusOr<RouterConfig> LoadRouterConfig(const std::string& path);

}  // namespace handover::config

#endif  // HANDOVER_CONFIG_ROUTER_CONFIG_H_

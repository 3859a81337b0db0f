// The configuration of handover-node, read from TOML (docs/CONFIG.md
// documents every key). Plain values; a loaded config is immutable by
// convention and safe to share between threads.
//
// Errors: every function reports ALL the mistakes it finds, one line each,
// joined by '\n' in one Status (see problems.h for the line format and
// ordering). The code is that of the first line: InvalidArgument for
// anything wrong in the text (syntax, unknown or missing keys, types,
// values); ResourceExhausted for a file over kMaxConfigFileBytes; for file
// checks, NotFound (missing file), PermissionDenied (a key readable by
// others), FailedPrecondition (an expired certificate, a key that does not
// match its certificate, the wrong agency's key, a previous key that repeats
// one already listed), InvalidArgument (a file that holds no certificate or
// key) or the code of the underlying failure (e.g. DataLoss for a corrupt
// key file).
#ifndef HANDOVER_CONFIG_NODE_CONFIG_H_
#define HANDOVER_CONFIG_NODE_CONFIG_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "config/ack_deadline.h"  // AckDeadline, AckDueAt
#include "config/client_role.h"
#include "config/log_settings.h"
#include "config/retention_settings.h"
#include "config/retry_policy.h"

namespace handover::config {

// [node]: who this node is and where it keeps its state.
struct NodeSettings {
  std::string agency_id;   // a valid agency id (crypto/identity.h)
  std::string key_dir;     // agency key directory: secret.key (0600)
  std::string data_dir;    // SQLite files; created 0700 if missing
  std::string trust_root;  // directory authority public key file
  // Key directories of this agency's earlier keys, kept only to open what
  // was sealed to them during a rotation; never used to sign or seal.
  std::vector<std::string> previous_key_dirs;
};

// [listen]: the local API that the agency's own clients call.
struct ListenSettings {
  std::string address;    // "host:port"; port 0 picks a free port
  std::string tls_cert;   // PEM server certificate (chain)
  std::string tls_key;    // PEM private key, mode 0600
  std::string client_ca;  // PEM CA for client certificates; may be empty
};

// [router]: how the node dials out to the router over mTLS.
struct RouterLinkSettings {
  std::string address;    // "host:port"
  std::string agency_id;  // the router's own id in the directory; the
                          // node verifies non-delivery reports with its keys
  std::string tls_cert;   // PEM client certificate (chain)
  std::string tls_key;    // PEM private key, mode 0600
  std::string ca;         // PEM CA that issued the router's certificate
};

// [limits]. A config may lower the format's own ceilings (docs/FORMAT.md
// §9) on bundle size and attachments, never raise them.
struct NodeLimits {
  uint64_t max_envelope_bytes = uint64_t{2} << 30;         // 2GiB; 1KiB to 1TiB
  uint64_t max_bundle_json_bytes = uint64_t{16} << 20;     // 16MiB; 1 to 16MiB
  int64_t max_attachments = 1024;                          // 0 to 1024
  int64_t submissions_per_minute_per_client = 600;         // 1 to 1000000
  int64_t max_open_streams_per_client = 16;                // 1 to 10000
  absl::Duration stream_stall_timeout = absl::Minutes(2);  // 1s to 1h
};

// One [[clients]] entry. Exactly one of cert_sha256 and token_sha256 is set,
// as 64 lower-case hex digits; the other is empty. Tokens are never stored
// in clear: only the SHA-256 of the bearer token is.
struct ClientEntry {
  std::string name;  // unique; 1 to 64 of [A-Za-z0-9._-]
  ClientRole role = ClientRole::kSubmitter;
  std::string cert_sha256;   // SHA-256 of the client certificate's DER
  std::string token_sha256;  // SHA-256 of the bearer token
};

// The most agencies [move] always_copy may list.
inline constexpr size_t kMaxAlwaysCopy = 64;

// [move]: how this node sends move notices (Node.SubmitMove).
struct MoveSettings {
  // Agencies that receive every move notice besides the destination
  // area's, e.g. the child's home police force. Agency ids.
  std::vector<std::string> always_copy;
  // A view policy file (docs/POLICY.md); empty for the built-in default.
  // The config layer only checks that it is a readable file (the policy
  // library depends on this one, so it cannot parse it here); the node
  // loads it with policy::LoadViewPolicyFile at start-up.
  std::string policy_file;
};

// [acknowledgement]: each kind of recipient's deadline, from when the move
// was submitted. Keys: police_force, health_team,
// local_authority_childrens_services, other.
struct AcknowledgementDeadlines {
  AckDeadline police_force{absl::Minutes(15), 0};
  AckDeadline health_team{absl::ZeroDuration(), 1};
  AckDeadline childrens_services{absl::ZeroDuration(), 1};
  AckDeadline other{absl::ZeroDuration(), 1};
};

enum class AlertMode {
  kAuto,  // raise alerts if the directory lists this agency as a police force
  kOn,
  kOff,
};

// [alerts]: police alerts raised by this node for its control room.
struct AlertSettings {
  AlertMode raise = AlertMode::kAuto;
  // An unacknowledged high-priority alert is raised again, one priority
  // higher, after this long (and again after each further period).
  // 1s to 7d.
  absl::Duration escalate_after = absl::Minutes(15);
};

struct NodeConfig {
  std::string source;  // the file (or name) it came from, for messages
  NodeSettings node;
  ListenSettings listen;
  RouterLinkSettings router;
  RetryPolicy retry;
  NodeLimits limits;
  std::vector<ClientEntry> clients;
  MoveSettings move;
  AcknowledgementDeadlines acknowledgement;
  AlertSettings alerts;
  LogSettings log;
  RetentionSettings retention;
};

// Parses and validates TOML text without touching the file system: for
// tests and fuzzing. `source_name` prefixes every message line. Paths are
// returned as written.
absl::StatusOr<NodeConfig> ParseNodeConfig(absl::string_view toml_text,
                                           absl::string_view source_name);

// Checks every file the config names: that it exists, that private keys
// (TLS keys and the agency secret key) have mode 0600 or stricter, that
// each certificate is current and matches its key, that CA files hold a
// certificate, that the key directory holds this agency's key, that each
// previous key directory holds another key of this agency (not key_dir's,
// nor an earlier entry's), that the trust root is a public key file and
// that data_dir is (or can be made) a writable directory, and that [move]
// policy_file, if set, is a readable file (its content is not checked
// here: see MoveSettings). Reads secret keys; call crypto::InitSodium()
// first.
absl::Status CheckNodeConfigFiles(const NodeConfig& config);

// Reads `path` (at most kMaxConfigFileBytes), parses it, resolves relative
// paths against the directory holding `path`, and checks the files; the
// daemon's one call at start-up. Problems from parsing and from the file
// checks are reported together. It does not check that the listen port is
// free: see CheckPortFree() in port_check.h.
absl::StatusOr<NodeConfig> LoadNodeConfig(const std::string& path);

}  // namespace handover::config

#endif  // HANDOVER_CONFIG_NODE_CONFIG_H_

// A whole Handover network for one test, in a fresh temporary directory: the
// demo CA and certificates, agency keys, a directory-authority key, a signed
// directory, router and node configs, and the real daemons as processes.
//
// Layout under root():
//   tls/            copies of the demo certificates (keys 0600)
//   authority/      the directory authority's key directory
//   keys/ID[-N]/    agency key directories (the router's too)
//   router/directory.signed   the file the router serves (and polls)
//   router.toml, ID.toml      daemon configs
//   data/router, data/ID      data directories
//   logs/NAME.log   each daemon's stdout and stderr, across restarts
//
// The router's id is "handover-router"; it is listed in the directory as an
// AGENCY_KIND_OTHER agency with no areas. Each node agency uses the demo
// certificate of its own name for its local API and for dialling the
// router. Each node lists five clients: one bearer token per role, and the
// demo "case-system" certificate as a submitter.
//
// On destruction every daemon still running is killed; if the test failed,
// the end of every daemon's log is printed first. Set HANDOVER_KEEP_TEST_DIRS
// to keep the directory, and HANDOVER_DAEMON_LOG_LEVEL to change the
// daemons' --log-level. Not thread-safe: one test thread drives it (the
// clients it hands out are thread-safe).
#ifndef HANDOVER_TESTS_INTEGRATION_HARNESS_TEST_NETWORK_H_
#define HANDOVER_TESTS_INTEGRATION_HARNESS_TEST_NETWORK_H_

#include <grpcpp/grpcpp.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "crypto/identity.h"
#include "handover/v1/directory.pb.h"
#include "handover/v1/notice.pb.h"
#include "harness/daemon_process.h"
#include "harness/node_client.h"
#include "harness/router_client.h"

namespace handover::integration {

inline constexpr char kRouterId[] = "handover-router";
inline constexpr char kStockport[] = "stockport-cs";
inline constexpr char kBirmingham[] = "birmingham-cs";
inline constexpr char kPolice[] = "greater-manchester-police";

enum class Role { kSubmitter, kReceiver, kAlertOperator, kAdmin };
inline constexpr Role kAllRoles[] = {Role::kSubmitter, Role::kReceiver,
                                     Role::kAlertOperator, Role::kAdmin};
// The config spelling: "submitter", "receiver", "alert-operator", "admin".
const char* RoleName(Role role);

struct NetworkOptions {
  // Agencies that run a node, each with the demo certificate of its name.
  std::vector<std::string> nodes = {kStockport, kBirmingham, kPolice};
  // Agencies listed in the directory (with keys and a certificate) that run
  // no node.
  std::vector<std::string> listed_only;
  std::string log_level = "info";
  // Data directories elsewhere than data/ID (e.g. on a small filesystem),
  // by daemon id (kRouterId for the router). The directory must exist.
  std::map<std::string, std::string> data_dirs;
};

// What goes into a node's config; change it before a (re)start.
struct NodeSettings {
  std::string key_dir;  // the agency key directory in use
  // [node] previous_key_dirs: earlier key directories kept for opening.
  std::vector<std::string> previous_key_dirs;
  std::string max_envelope_bytes;  // "" = the default
  std::string extra_toml;          // appended to the file as it is
  // "NAME=value" entries for the daemon's environment (e.g. a clock skew).
  std::vector<std::string> extra_env;
  // [router] address: "" = the router's own; set it to a proxy's address
  // (on 127.0.0.1, which the router's certificate names) to put the proxy
  // between this node and the router.
  std::string router_address;
};

// What goes into the router's config; change it before a (re)start.
struct RouterSettings {
  std::string listen = "127.0.0.1:0";  // fixed to the bound port once up
  std::string max_envelope_bytes;      // "" = the default
  std::string extra_toml;              // appended to the file as it is
  // "NAME=value" entries for the daemon's environment (e.g. a clock skew).
  std::vector<std::string> extra_env;
};

class TestNetwork {
 public:
  // Makes the directory tree, keys, directory version 1 and configs; starts
  // nothing.
  static absl::StatusOr<std::unique_ptr<TestNetwork>> Create(
      NetworkOptions options = {});
  ~TestNetwork();
  TestNetwork(const TestNetwork&) = delete;
  TestNetwork& operator=(const TestNetwork&) = delete;

  const std::string& root() const { return root_; }
  const std::vector<std::string>& node_ids() const { return options_.nodes; }

  // ---- Keys and the directory.
  // The agency's first key (for the router: its own signing key).
  const crypto::SecretIdentity& Identity(absl::string_view agency_id) const;
  // The agency's key number `index` (0 = the first; AddKey appends).
  const crypto::SecretIdentity& Key(absl::string_view agency_id,
                                    size_t index) const;
  // A new key for `agency_id`, written to its own key directory, whose path
  // is returned. The directory is not changed.
  absl::StatusOr<std::string> AddKey(absl::string_view agency_id,
                                     crypto::PublicIdentity* public_key);
  const crypto::SecretIdentity& authority() const { return *authority_; }
  // The last directory published (version 1 after Create).
  const handover::v1::Directory& directory() const { return directory_; }
  // Signs `directory` and writes it over the router's directory file; it
  // becomes directory() if its version is newer.
  absl::Status PublishDirectory(const handover::v1::Directory& directory);
  // Every key the agency has in directory().
  std::vector<crypto::PublicIdentity> KeysOf(absl::string_view id) const;
  // Verifies a receipt or report: signed by `signer_id` with a key it has in
  // directory(). Returns the notice.
  absl::StatusOr<handover::v1::Notice> VerifyNoticeFrom(
      const handover::v1::SignedNotice& notice,
      absl::string_view signer_id) const;

  // ---- TLS material (copies of the demo certificates).
  std::string CertPath(absl::string_view name) const;  // tls/NAME.pem
  std::string KeyPath(absl::string_view name) const;   // tls/NAME.key
  std::string CaPath() const;                          // tls/ca.pem
  // SHA-256 of the certificate's DER, lower-case hex.
  std::string CertSha256(absl::string_view name) const;

  // ---- Daemons. Start* waits until the daemon serves; Stop* sends SIGTERM
  // and expects exit code 0; Kill* sends SIGKILL. Restarts reuse the data
  // directory and (for the router) the port.
  absl::Status StartRouter();
  absl::Status StopRouter();
  void KillRouter();
  // `wait_for_router`: also wait until the node's mailbox stream is up.
  absl::Status StartNode(absl::string_view id, bool wait_for_router = true);
  absl::Status StopNode(absl::string_view id);
  void KillNode(absl::string_view id);
  // The router, then every node, each linked to the router.
  absl::Status StartAll();

  DaemonProcess& router_process() { return *router_; }
  DaemonProcess& node_process(absl::string_view id);
  RouterSettings& router_settings() { return router_settings_; }
  NodeSettings& node_settings(absl::string_view id);

  // Config files as they would be written now, and their paths.
  std::string RouterConfigText() const;
  std::string NodeConfigText(absl::string_view id) const;
  std::string RouterConfigPath() const;
  std::string NodeConfigPath(absl::string_view id) const;
  std::string RouterDataDir() const;
  std::string NodeDataDir(absl::string_view id) const;

  // Polls the node's GetNodeInfo until router_connected is true.
  absl::Status WaitForRouterLink(absl::string_view id, absl::Duration timeout);
  // Polls until the node holds directory `version` (or newer).
  absl::Status WaitForDirectoryVersion(absl::string_view id, uint64_t version,
                                       absl::Duration timeout);

  // ---- Clients of a node's local API (at its current address).
  std::unique_ptr<NodeClient> Client(
      absl::string_view id, Role role,
      absl::Duration call_timeout = absl::ZeroDuration());
  std::unique_ptr<NodeClient> ClientWithToken(absl::string_view id,
                                              const std::string& token);
  // TLS client certificate `cert_name` (a demo name), and no token.
  std::unique_ptr<NodeClient> ClientWithCert(absl::string_view id,
                                             absl::string_view cert_name);
  // TLS, but no certificate and no token.
  std::unique_ptr<NodeClient> ClientWithoutCredentials(absl::string_view id);
  const std::string& Token(absl::string_view id, Role role) const;

  // ---- Direct clients of the router, as the holder of demo certificate
  // `cert_name` ("" = TLS without a client certificate).
  std::unique_ptr<RouterClient> RouterAs(absl::string_view cert_name);
  std::shared_ptr<grpc::Channel> RouterChannel(absl::string_view cert_name);
  std::shared_ptr<grpc::Channel> NodeChannel(absl::string_view id,
                                             absl::string_view cert_name);

  // The default deadline of one call.
  static absl::Duration CallTimeout();

 private:
  explicit TestNetwork(NetworkOptions options, std::string root);
  absl::Status Build();
  absl::Status WriteRouterConfig() const;
  absl::Status WriteNodeConfig(absl::string_view id) const;
  std::shared_ptr<grpc::Channel> TlsChannel(const std::string& address,
                                            absl::string_view cert_name);
  // An ACTIVE agency with a certificate, to reach the router as.
  std::string SomeActiveAgency() const;

  NetworkOptions options_;
  std::string root_;
  std::optional<crypto::SecretIdentity> authority_;
  // Keys per agency id (the router's included), first key first.
  std::map<std::string, std::vector<crypto::SecretIdentity>, std::less<>> keys_;
  handover::v1::Directory directory_;
  std::map<std::string, std::string, std::less<>> cert_sha256_;
  // Tokens per node id, indexed by Role.
  std::map<std::string, std::vector<std::string>, std::less<>> tokens_;
  RouterSettings router_settings_;
  std::map<std::string, NodeSettings, std::less<>> node_settings_;
  std::unique_ptr<DaemonProcess> router_;
  std::map<std::string, std::unique_ptr<DaemonProcess>, std::less<>> nodes_;
};

}  // namespace handover::integration

#endif  // HANDOVER_TESTS_INTEGRATION_HARNESS_TEST_NETWORK_H_

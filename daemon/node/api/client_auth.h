// Who is calling the node's local API, and may they make this call.
//
// A client is one [[clients]] entry of the node config, known by the
// SHA-256 of its TLS client certificate or of its bearer token. Tokens are
// hashed and compared in constant time against EVERY entry, with no early
// exit, so neither timing nor the order of entries says how close a guess
// came. A sent token must be known; without a token the certificate
// decides.
//
// Errors: UNAUTHENTICATED for missing, malformed or unknown credentials;
// PERMISSION_DENIED, naming the RPC and the roles it needs, for a known
// client outside its role. Messages never contain a token.
//
// Immutable after construction; thread-safe.
#ifndef HANDOVER_NODE_API_CLIENT_AUTH_H_
#define HANDOVER_NODE_API_CLIENT_AUTH_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "config/client_role.h"
#include "config/node_config.h"
#include "node/api/node_rpc.h"

namespace grpc {
class ServerContextBase;
}

namespace handover::node::api {

// The credentials a call carried.
struct CallCredentials {
  std::optional<std::string> cert_sha256;  // 64 lower-case hex digits
  std::optional<std::string> bearer_token;
};

// An authenticated client.
struct Caller {
  std::string name;
  config::ClientRole role = config::ClientRole::kSubmitter;
};

// The comparison used for digests; a seam so tests can see that it runs
// once per entry.
using DigestEquals = bool (*)(absl::string_view, absl::string_view);

class ClientAuthenticator {
 public:
  explicit ClientAuthenticator(std::vector<config::ClientEntry> clients,
                               DigestEquals equals = nullptr);

  // The client these credentials name (role not checked).
  absl::StatusOr<Caller> Identify(const CallCredentials& credentials) const;

  // Identify, then check that the client's role may call `rpc`.
  absl::StatusOr<Caller> Authorize(const CallCredentials& credentials,
                                   NodeRpc rpc) const;

  // Reads the credentials from a gRPC call and identifies the client.
  absl::StatusOr<Caller> Identify(const grpc::ServerContextBase& context) const;

 private:
  // Index of the entry whose `field` digest equals `digest`, or -1; always
  // compares against every entry.
  int FindDigest(absl::string_view digest,
                 std::string config::ClientEntry::*field) const;

  std::vector<config::ClientEntry> clients_;
  DigestEquals equals_;
};

// PERMISSION_DENIED, naming the RPC, the roles it needs and the client,
// unless `caller`'s role may call `rpc`.
absl::Status CheckRole(const Caller& caller, NodeRpc rpc);

// Reads the peer certificate digest and bearer token from a call.
absl::StatusOr<CallCredentials> CredentialsOf(
    const grpc::ServerContextBase& context);

}  // namespace handover::node::api

#endif  // HANDOVER_NODE_API_CLIENT_AUTH_H_

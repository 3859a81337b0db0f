#include "node/api/client_auth.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "crypto/secret_bytes.h"
#include "crypto/sha256.h"
#include "rpc/peer_identity.h"

namespace handover::node::api {

ClientAuthenticator::ClientAuthenticator(
    std::vector<config::ClientEntry> clients, DigestEquals equals)
    : clients_(std::move(clients)),
      equals_(equals != nullptr ? equals : &crypto::ConstantTimeEquals) {}

int ClientAuthenticator::FindDigest(
    absl::string_view digest, std::string config::ClientEntry::*field) const {
  int found = -1;
  for (size_t i = 0; i < clients_.size(); ++i) {
    const std::string& known = clients_[i].*field;
    // Every entry is compared, matched or not, so the time taken does not
    // depend on which entry (if any) matches.
    const bool equal = equals_(digest, known);
    if (equal && !known.empty() && found < 0) found = static_cast<int>(i);
  }
  return found;
}

absl::StatusOr<Caller> ClientAuthenticator::Identify(
    const CallCredentials& credentials) const {
  int index = -1;
  if (credentials.bearer_token.has_value()) {
    if (credentials.bearer_token->empty()) {
      return absl::UnauthenticatedError("the bearer token is empty");
    }
    index = FindDigest(crypto::Sha256Hex(*credentials.bearer_token),
                       &config::ClientEntry::token_sha256);
    if (index < 0) return absl::UnauthenticatedError("unknown bearer token");
  } else if (credentials.cert_sha256.has_value()) {
    index =
        FindDigest(*credentials.cert_sha256, &config::ClientEntry::cert_sha256);
    if (index < 0) {
      return absl::UnauthenticatedError(
          "the client certificate is not a configured client");
    }
  } else {
    return absl::UnauthenticatedError(
        "no credentials: send a client certificate or an "
        "'authorization: Bearer TOKEN' header");
  }
  const config::ClientEntry& entry = clients_[static_cast<size_t>(index)];
  return Caller{entry.name, entry.role};
}

absl::Status CheckRole(const Caller& caller, NodeRpc rpc) {
  if (RoleMayCall(caller.role, rpc)) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat(NodeRpcName(rpc), " needs the role ",
                   RolesAllowedToCall(rpc), "; client '", caller.name,
                   "' has the role ", config::ClientRoleName(caller.role)));
}

absl::StatusOr<Caller> ClientAuthenticator::Authorize(
    const CallCredentials& credentials, NodeRpc rpc) const {
  ASSIGN_OR_RETURN(Caller caller, Identify(credentials));
  RETURN_IF_ERROR(CheckRole(caller, rpc));
  return caller;
}

absl::StatusOr<Caller> ClientAuthenticator::Identify(
    const grpc::ServerContextBase& context) const {
  ASSIGN_OR_RETURN(CallCredentials credentials, CredentialsOf(context));
  return Identify(credentials);
}

absl::StatusOr<CallCredentials> CredentialsOf(
    const grpc::ServerContextBase& context) {
  CallCredentials credentials;
  credentials.cert_sha256 = rpc::PeerCertSha256(context);
  absl::StatusOr<std::optional<std::string>> token = rpc::BearerToken(context);
  if (!token.ok()) {
    // The header's text is not repeated: it may hold a token.
    return absl::UnauthenticatedError(
        "malformed authorization header; expected 'Bearer TOKEN'");
  }
  credentials.bearer_token = std::move(*token);
  return credentials;
}

}  // namespace handover::node::api

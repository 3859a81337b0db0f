// Who is calling: the SHA-256 of the client certificate a TLS peer
// presented, and the bearer token it sent. Thread-safe.
#ifndef HANDOVER_RPC_PEER_IDENTITY_H_
#define HANDOVER_RPC_PEER_IDENTITY_H_

#include <grpcpp/server_context.h>

#include <optional>
#include <string>

#include "absl/status/statusor.h"

namespace handover::rpc {

// SHA-256 of the DER of the peer's leaf certificate, as 64 lower-case hex
// digits; nullopt when the peer presented none.
std::optional<std::string> PeerCertSha256(
    const grpc::ServerContextBase& context);

// The token from an "authorization: Bearer TOKEN" header; nullopt if there
// is none. InvalidArgument if the header is present but malformed.
absl::StatusOr<std::optional<std::string>> BearerToken(
    const grpc::ServerContextBase& context);

}  // namespace handover::rpc

#endif  // HANDOVER_RPC_PEER_IDENTITY_H_

// TLS credentials for the daemons and the CLI, from PEM files. TLS is never
// optional in Handover: there is no insecure variant here on purpose.
#ifndef HANDOVER_RPC_TLS_CREDENTIALS_H_
#define HANDOVER_RPC_TLS_CREDENTIALS_H_

#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace handover::rpc {

enum class ClientCertPolicy {
  kRequireAndVerify,  // mTLS: a client without a CA-signed cert is refused
  kRequestAndVerify,  // a client cert is optional, but verified if sent
};

struct ServerTlsFiles {
  std::string cert_path;       // PEM chain
  std::string key_path;        // PEM private key (checked 0600 by config)
  std::string client_ca_path;  // PEM; empty = no client certificates
};

// Server credentials; TLS 1.2 or later. Errors name the file that could
// not be read.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const ServerTlsFiles& files, ClientCertPolicy policy);

struct ClientTlsFiles {
  std::string ca_path;    // PEM that issued the server's certificate
  std::string cert_path;  // PEM client chain; empty = none
  std::string key_path;   // PEM client key; empty = none
};

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>>
MakeChannelCredentials(const ClientTlsFiles& files);

// A channel to `address` ("host:port") with those credentials and the
// message-size limits the Handover services need (chunks of up to 4 MiB).
std::shared_ptr<grpc::Channel> MakeChannel(
    const std::string& address,
    const std::shared_ptr<grpc::ChannelCredentials>& credentials);

}  // namespace handover::rpc

#endif  // HANDOVER_RPC_TLS_CREDENTIALS_H_

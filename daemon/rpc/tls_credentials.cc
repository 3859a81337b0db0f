#include "rpc/tls_credentials.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/support/channel_arguments.h>

#include <chrono>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "crypto/secret_bytes.h"
#include "rpc/server_setup.h"
#include "tls/certificate.h"
#include "tls/private_key.h"

namespace handover::rpc {
namespace {

// How often an idle channel pings, so a dead peer or a NAT that dropped the
// connection is noticed before the next call needs it.
constexpr int kKeepaliveTimeMs = 30 * 1000;
constexpr int kKeepaliveTimeoutMs = 10 * 1000;

// Certificates are parsed here rather than first at the handshake, so a bad
// file fails at start-up with its name instead of failing every connection.
absl::StatusOr<std::string> ReadCertificates(const std::string& path,
                                             absl::string_view role) {
  absl::StatusOr<std::string> pem = tls::LoadCertificateChainPem(path);
  if (!pem.ok()) {
    // The message already starts with the path; add what the file is for.
    return absl::Status(
        pem.status().code(),
        absl::StrCat("TLS ", role, ": ", pem.status().message()));
  }
  return pem;
}

// The key file gets the secret-file checks (regular file, 0600, owner) and
// must belong to the certificate. gRPC takes keys as std::string, so the
// returned copy is what it keeps.
absl::StatusOr<std::string> ReadPrivateKeyFor(const std::string& key_path,
                                              const std::string& cert_pem,
                                              absl::string_view role) {
  absl::StatusOr<crypto::SecretBytes> key = tls::LoadPrivateKeyPem(key_path);
  if (!key.ok()) {
    return absl::Status(
        key.status().code(),
        absl::StrCat("TLS ", role, " key: ", key.status().message()));
  }
  absl::Status matches = tls::CheckKeyMatchesCertificate(cert_pem, key->view());
  if (!matches.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "TLS ", role, " key ", key_path,
        " does not belong to its certificate: ", matches.message()));
  }
  return std::string(key->view());
}

}  // namespace

// TLS 1.2 or later: gRPC 1.51 offers no C++ setting for the protocol
// version. Its public headers only declare grpc_tls_version {TLS1_2, TLS1_3}
// (grpc/grpc_security_constants.h); the SSL credentials made here use the
// core's defaults of min TLS1_2 / max TLS1_3 (grpc_ssl_server_config in
// src/core/lib/security/credentials/ssl/ssl_credentials.h), and OpenSSL 3 at
// its default security level refuses older versions as well.
// tests/rpc/tls_credentials_test.cc checks that a TLS 1.1 client is refused.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const ServerTlsFiles& files, ClientCertPolicy policy) {
  grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
  ASSIGN_OR_RETURN(pair.cert_chain,
                   ReadCertificates(files.cert_path, "server certificate"));
  ASSIGN_OR_RETURN(
      pair.private_key,
      ReadPrivateKeyFor(files.key_path, pair.cert_chain, "server"));

  grpc_ssl_client_certificate_request_type request =
      GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  std::string client_ca;
  if (!files.client_ca_path.empty()) {
    ASSIGN_OR_RETURN(client_ca,
                     ReadCertificates(files.client_ca_path, "client CA"));
  }
  switch (policy) {
    case ClientCertPolicy::kRequireAndVerify:
      if (client_ca.empty()) {
        return absl::InvalidArgumentError(
            "TLS client certificates are required but no client CA file is "
            "configured");
      }
      request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
      break;
    case ClientCertPolicy::kRequestAndVerify:
      // Without a CA nothing could verify a client certificate, so none is
      // asked for.
      request = client_ca.empty()
                    ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
                    : GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY;
      break;
  }
  grpc::SslServerCredentialsOptions options(request);
  options.pem_root_certs = std::move(client_ca);
  options.pem_key_cert_pairs.push_back(std::move(pair));
  return grpc::SslServerCredentials(options);
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>>
MakeChannelCredentials(const ClientTlsFiles& files) {
  grpc::SslCredentialsOptions options;
  ASSIGN_OR_RETURN(options.pem_root_certs,
                   ReadCertificates(files.ca_path, "server CA"));
  if (files.cert_path.empty() != files.key_path.empty()) {
    return absl::InvalidArgumentError(
        "a TLS client certificate and its key must be given together");
  }
  if (!files.cert_path.empty()) {
    ASSIGN_OR_RETURN(options.pem_cert_chain,
                     ReadCertificates(files.cert_path, "client certificate"));
    ASSIGN_OR_RETURN(
        options.pem_private_key,
        ReadPrivateKeyFor(files.key_path, options.pem_cert_chain, "client"));
  }
  return grpc::SslCredentials(options);
}

std::shared_ptr<grpc::Channel> MakeChannel(
    const std::string& address,
    const std::shared_ptr<grpc::ChannelCredentials>& credentials) {
  grpc::ChannelArguments args;
  args.SetMaxSendMessageSize(kMaxMessageBytes);
  args.SetMaxReceiveMessageSize(kMaxMessageBytes);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, kKeepaliveTimeMs);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, kKeepaliveTimeoutMs);
  args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  // Keepalive pings carry no data; without this gRPC stops after two.
  args.SetInt(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  return grpc::CreateCustomChannel(address, credentials, args);
}

}  // namespace handover::rpc

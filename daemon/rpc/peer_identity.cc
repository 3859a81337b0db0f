#include "rpc/peer_identity.h"

#include <grpcpp/security/auth_context.h>

#include <iterator>
#include <memory>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "tls/certificate.h"

namespace handover::rpc {
namespace {

// An authorization header longer than this is refused unread: tokens are
// short, and the limit bounds what a caller can make us scan.
constexpr size_t kMaxAuthorizationBytes = 4 * 1024;

constexpr absl::string_view kBearerPrefix = "Bearer ";

}  // namespace

std::optional<std::string> PeerCertSha256(
    const grpc::ServerContextBase& context) {
  std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  if (auth == nullptr) return std::nullopt;
  // gRPC exposes the peer's leaf as PEM (GRPC_X509_PEM_CERT_PROPERTY_NAME).
  // Every policy in tls_credentials.cc verifies a certificate it requests,
  // so a certificate here has been verified against the client CA. (Not
  // IsPeerAuthenticated(): that also needs a CN or SAN in the certificate.)
  std::vector<grpc::string_ref> pems =
      auth->FindPropertyValues("x509_pem_cert");
  if (pems.empty()) return std::nullopt;
  absl::StatusOr<std::string> sha = tls::CertificateSha256Hex(
      absl::string_view(pems[0].data(), pems[0].size()));
  if (!sha.ok()) return std::nullopt;
  return *std::move(sha);
}

absl::StatusOr<std::optional<std::string>> BearerToken(
    const grpc::ServerContextBase& context) {
  const auto& metadata = context.client_metadata();
  auto range = metadata.equal_range("authorization");
  if (range.first == range.second) return std::optional<std::string>();
  if (std::next(range.first) != range.second) {
    return absl::InvalidArgumentError("more than one authorization header");
  }
  const grpc::string_ref& value = range.first->second;
  if (value.size() > kMaxAuthorizationBytes) {
    return absl::InvalidArgumentError("authorization header is too long");
  }
  absl::string_view header(value.data(), value.size());
  // RFC 6750 §2.1 names the scheme "Bearer"; schemes are case-insensitive.
  if (header.size() <= kBearerPrefix.size() ||
      !absl::StartsWithIgnoreCase(header, kBearerPrefix)) {
    return absl::InvalidArgumentError(
        "authorization header is not \"Bearer TOKEN\"");
  }
  absl::string_view token = header.substr(kBearerPrefix.size());
  for (char c : token) {
    // Printable ASCII without spaces: anything else is not a token we issue.
    if (c <= 0x20 || c >= 0x7f) {
      return absl::InvalidArgumentError(
          "authorization bearer token has invalid characters");
    }
  }
  return std::optional<std::string>(std::string(token));
}

}  // namespace handover::rpc

#include "router/caller_identity.h"

#include <grpcpp/server_context.h>

#include <optional>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "rpc/peer_identity.h"

namespace handover::router {
namespace {

constexpr absl::string_view kUnlistedCertificate =
    "handover.router/unlisted-certificate";

}  // namespace

absl::StatusOr<std::string> IdentifyCaller(
    const grpc::ServerContextBase& context,
    const directory::DirectoryView& directory) {
  std::optional<std::string> cert_sha256 = rpc::PeerCertSha256(context);
  if (!cert_sha256.has_value()) {
    return absl::UnauthenticatedError("no client certificate");
  }
  absl::StatusOr<const handover::v1::Agency*> agency =
      directory.FindAgencyByCertSha256(*cert_sha256);
  if (!agency.ok()) {
    absl::Status refused =
        absl::PermissionDeniedError("certificate is not in the directory");
    refused.SetPayload(kUnlistedCertificate, absl::Cord("1"));
    return refused;
  }
  if ((*agency)->status() != handover::v1::AGENCY_STATUS_ACTIVE) {
    return absl::PermissionDeniedError(
        absl::StrCat("agency ", (*agency)->id(), " is revoked"));
  }
  return (*agency)->id();
}

bool IsUnlistedCertificate(const absl::Status& status) {
  return status.GetPayload(kUnlistedCertificate).has_value();
}

}  // namespace handover::router

// Who is calling the router: the agency whose directory entry lists the
// SHA-256 of the client certificate the caller presented over mTLS. Free
// function; thread-safe.
#ifndef HANDOVER_ROUTER_CALLER_IDENTITY_H_
#define HANDOVER_ROUTER_CALLER_IDENTITY_H_

#include <string>

#include "absl/status/statusor.h"
#include "directory/directory_view.h"

namespace grpc {
class ServerContextBase;
}

namespace handover::router {

// The caller's agency id. Unauthenticated without a client certificate;
// PermissionDenied for a certificate that is not in the directory, or an
// agency that is revoked.
absl::StatusOr<std::string> IdentifyCaller(
    const grpc::ServerContextBase& context,
    const directory::DirectoryView& directory);

// True for IdentifyCaller's refusal of a certificate the directory does not
// list: a fixable mismatch (a renewed certificate not yet published), unlike
// a revoked agency, so what the node queued should wait rather than fail.
bool IsUnlistedCertificate(const absl::Status& status);

}  // namespace handover::router

#endif  // HANDOVER_ROUTER_CALLER_IDENTITY_H_

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

}  // namespace handover::router

#endif  // HANDOVER_ROUTER_CALLER_IDENTITY_H_

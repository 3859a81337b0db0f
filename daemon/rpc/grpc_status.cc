#include "rpc/grpc_status.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "rpc/protocol_headers.h"

namespace handover::rpc {

// Both enumerations follow google.rpc.Code, so the numbers carry over.
grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()));
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      status.error_message());
}

absl::Status FromRouterCallStatus(const grpc::Status& status,
                                  const grpc::ClientContext& context) {
  if (status.ok()) return absl::OkStatus();
  const std::string_view key = kCallerRefusedTrailer;
  const auto& trailers = context.GetServerTrailingMetadata();
  if (trailers.find(grpc::string_ref(key.data(), key.size())) !=
      trailers.end()) {
    return absl::UnavailableError(absl::StrCat(
        "the router does not accept this node: ", status.error_message()));
  }
  return FromGrpcStatus(status);
}

}  // namespace handover::rpc

#include "rpc_error.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace handover::cli {
namespace {

// What the code means for a call to the local API, in words that are true
// whatever the node's message says.
std::string Meaning(grpc::StatusCode code, absl::string_view rpc,
                    absl::string_view node, absl::string_view message) {
  switch (code) {
    case grpc::StatusCode::UNAVAILABLE:
      return absl::StrCat("cannot reach the node at ", node);
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return absl::StrCat("the node at ", node, " did not answer ", rpc,
                          " in time");
    case grpc::StatusCode::UNAUTHENTICATED:
      return absl::StrCat("the node at ", node,
                          " does not accept this client's certificate or "
                          "token");
    case grpc::StatusCode::PERMISSION_DENIED:
      // The local API answers a call outside the client's role this way;
      // the other refusals (a revoked agency, say) carry their own reason.
      if (message.empty() || absl::StrContains(message, "role")) {
        return absl::StrCat("this client's role may not call ", rpc);
      }
      return absl::StrCat(rpc, " was refused");
    case grpc::StatusCode::INVALID_ARGUMENT:
      return absl::StrCat("the node rejected the ", rpc, " request");
    case grpc::StatusCode::NOT_FOUND:
      return "not found";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "already exists";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return absl::StrCat(rpc, " cannot be done now");
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return absl::StrCat(rpc, " is over a limit of the node");
    case grpc::StatusCode::DATA_LOSS:
      return "the transfer's data did not verify";
    case grpc::StatusCode::CANCELLED:
      return absl::StrCat(rpc, " was cancelled");
    case grpc::StatusCode::ABORTED:
      return absl::StrCat(rpc, " was aborted; try again");
    case grpc::StatusCode::UNIMPLEMENTED:
      return absl::StrCat("the server at ", node, " does not offer ", rpc,
                          " (is it a handover-node of this version?)");
    case grpc::StatusCode::OUT_OF_RANGE:
      return absl::StrCat(rpc, " asked for something out of range");
    default:
      return absl::StrCat("the node failed during ", rpc);
  }
}

}  // namespace

absl::Status DescribeRpcError(const grpc::Status& status, absl::string_view rpc,
                              absl::string_view node_address) {
  const std::string message(absl::StripAsciiWhitespace(status.error_message()));
  std::string line = Meaning(status.error_code(), rpc, node_address, message);
  if (!message.empty()) absl::StrAppend(&line, ": ", message);
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), line);
}

}  // namespace handover::cli

// What the `handover log` subcommands share: each one's registration (one
// file per subcommand, log_*.cc; commands/log.cc puts them under `log`),
// a unary call to the node with the CLI's error conventions, and loading
// public key files for checking signed tree heads.
#ifndef HANDOVER_CLIENT_COMMANDS_LOG_COMMON_H_
#define HANDOVER_CLIENT_COMMANDS_LOG_COMMON_H_

#include <grpcpp/client_context.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "commands/command.h"
#include "crypto/identity.h"
#include "google/protobuf/timestamp.pb.h"
#include "handover/v1/node.grpc.pb.h"
#include "interrupt.h"
#include "log_format.h"
#include "node_connection.h"
#include "rpc_error.h"

namespace handover::cli {

// Each adds `log <name>` to `group`.
Command AddLogListCommand(CLI::App* group);
Command AddLogShowCommand(CLI::App* group);
Command AddLogVerifyCommand(CLI::App* group);
Command AddLogExportCommand(CLI::App* group);
Command AddLogHeadCommand(CLI::App* group);
Command AddLogProveCommand(CLI::App* group);
Command AddLogReconcileCommand(CLI::App* group);

// An RFC 3339 time, or a duration (duration.h) meaning that long before
// `now`: "2h" is two hours ago. The error is one line for people.
absl::StatusOr<absl::Time> ParseLogTime(const std::string& text,
                                        absl::Time now);
// Checks a --since/--until value with ParseLogTime.
CLI::Validator LogTimeValidator();
google::protobuf::Timestamp ToTimestamp(absl::Time t);

// Adds `--format table|csv|json` ("text" is table) to `app`.
void AddListFormatOption(CLI::App* app, LogFormat* format);

// One unary call `rpc` (its name, for errors) on `node`, cancelled by
// Ctrl-C; a failure is DescribeRpcError's one line.
template <typename Request, typename Response>
absl::StatusOr<Response> CallNode(
    NodeConnection& node, absl::string_view rpc,
    grpc::Status (handover::v1::Node::Stub::*method)(grpc::ClientContext*,
                                                     const Request&, Response*),
    const Request& request) {
  Response response;
  grpc::ClientContext context;
  node.Prepare(&context, kUnaryDeadline);
  CancelOnInterrupt cancel(&context);
  grpc::Status status = (node.stub().*method)(&context, request, &response);
  if (!status.ok()) {
    if (Interrupted()) return absl::CancelledError("interrupted");
    return DescribeRpcError(status, rpc, node.address());
  }
  return response;
}

// The newest signed tree head (GetTreeHead), or a fresh one if `publish`.
absl::StatusOr<handover::v1::SignedTreeHead> FetchTreeHead(NodeConnection& node,
                                                           bool publish);

// Each public key file (as `handover keygen` writes public.key, or a key
// directory), in order; an error names the file.
absl::StatusOr<std::vector<crypto::PublicIdentity>> LoadPublicKeys(
    const std::vector<std::string>& paths);

// A root hash given on the command line: 64 hex digits.
CLI::Validator RootHashValidator();
// The 32 raw bytes of a value RootHashValidator accepted.
std::string RootHashBytes(const std::string& hex);

}  // namespace handover::cli

#endif  // HANDOVER_CLIENT_COMMANDS_LOG_COMMON_H_

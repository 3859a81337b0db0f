#include "commands/ack.h"

#include <memory>
#include <string>

#include "cli_output.h"
#include "cli_validators.h"
#include "common/status_macros.h"
#include "handover/v1/node.grpc.pb.h"
#include "interrupt.h"
#include "node_connection.h"
#include "rpc_error.h"

namespace handover::cli {
namespace {

namespace v1 = handover::v1;

struct AckOptions {
  NodeConnectionOptions connection;
  std::string transfer_id;
  std::string operator_id;
  std::string note;
  OutputFormat format = OutputFormat::kText;
};

absl::Status RunAck(const AckOptions& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<NodeConnection> node,
                   NodeConnection::Open(options.connection));
  v1::AcknowledgeTransferRequest request;
  request.set_transfer_id(options.transfer_id);
  request.set_operator_id(options.operator_id);
  request.set_note(options.note);
  v1::AcknowledgeTransferResponse response;
  grpc::ClientContext context;
  node->Prepare(&context, kUnaryDeadline);
  CancelOnInterrupt cancel(&context);
  grpc::Status status =
      node->stub().AcknowledgeTransfer(&context, request, &response);
  if (!status.ok()) {
    if (Interrupted()) return absl::CancelledError("interrupted");
    return DescribeRpcError(status, "AcknowledgeTransfer", node->address());
  }
  const std::string at = FormatUtc(response.acknowledged_at().seconds());
  Report r;
  r.Row("transfer id", options.transfer_id);
  r.Row("acknowledged at", at);
  r.Row("duplicate",
        response.duplicate()
            ? "yes: it was acknowledged before; the first acknowledgement "
              "stands"
            : "no");
  r.json = {{"transfer_id", options.transfer_id},
            {"acknowledged_at", at},
            {"duplicate", response.duplicate()},
            {"node", node->address()}};
  PrintReport(r, options.format);
  return absl::OkStatus();
}

}  // namespace

Command AddAckCommand(CLI::App* parent) {
  CLI::App* app = parent->add_subcommand(
      "ack",
      "Records that a person at your agency has taken on a transfer in your "
      "inbox, such as a move notice for a child arriving in your area. The "
      "node signs an acknowledgement and sends it back to the sender, whose "
      "`handover status` and `handover overdue` then show it. Acknowledging "
      "again changes nothing: it prints the first acknowledgement's time "
      "and says \"duplicate\". Needs a client with the receiver role.");
  app->footer(
      "Example:\n"
      "  handover ack 3f0c8e1d2b4a59687766554433221100 --operator SW-2231 \\\n"
      "      --note \"allocated to the Edgbaston team\" \\\n"
      "      --node 127.0.0.1:7403 --ca tls/ca.pem \\\n"
      "      --token-file tokens/birmingham-cs/receiver.token\n"
      "\n"
      "Exit status: 0 success, 1 failure, 2 usage error.");
  auto options = std::make_shared<AckOptions>();
  app->add_option("TRANSFER_ID", options->transfer_id,
                  "The transfer id from `handover inbox`")
      ->required()
      ->check(TransferIdValidator());
  app->add_option("--operator", options->operator_id,
                  "Who takes it on: your operator id, 1 to 64 printable "
                  "ASCII characters")
      ->required()
      ->check(OperatorIdValidator());
  app->add_option("--note", options->note,
                  "What happens next, at most 2000 bytes")
      ->check(NoteValidator());
  AddFormatOption(app, &options->format);
  AddNodeConnectionOptions(app, &options->connection);
  return {app, [options] { return RunAck(*options); }};
}

}  // namespace handover::cli

#include "commands/recalls.h"

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli_output.h"
#include "common/status_macros.h"
#include "handover/v1/node.grpc.pb.h"
#include "interrupt.h"
#include "log_format.h"
#include "node_connection.h"
#include "rpc_error.h"

namespace handover::cli {
namespace {

namespace v1 = handover::v1;

struct RecallsOptions {
  NodeConnectionOptions connection;
  std::string format = "table";
};

const std::vector<std::string>& Header() {
  static const auto* header = new std::vector<std::string>{
      "TRANSFER", "SENDER",       "SIGNING KEY", "SIGNED AT", "ACCEPTED AT",
      "FETCHED",  "ACKNOWLEDGED", "FLAGGED AT",  "REASON"};
  return *header;
}

std::vector<std::string> Row(const v1::RecalledTransfer& t) {
  return {t.transfer_id(),
          t.sender_id(),
          t.signing_key_id().empty() ? "-" : t.signing_key_id(),
          FormatUtc(t.signed_at().seconds()),
          FormatUtc(t.accepted_at().seconds()),
          t.fetch_count() > 0 ? "yes" : "no",
          t.acknowledged() ? "yes" : "no",
          FormatUtc(t.recall().flagged_at().seconds()),
          t.recall().reason()};
}

void PrintTable(const v1::ListRecalledTransfersResponse& response) {
  if (response.transfers().empty()) {
    std::cout << "nothing recalled\n";
    return;
  }
  std::vector<std::vector<std::string>> rows = {Header()};
  for (const v1::RecalledTransfer& t : response.transfers()) {
    rows.push_back(Row(t));
  }
  std::cout << FormatTable(rows);
}

void PrintCsv(const v1::ListRecalledTransfersResponse& response) {
  std::vector<std::string> names = {
      "transfer_id",  "sender_id",   "signing_key_id",
      "signed_at",    "accepted_at", "fetched",
      "acknowledged", "flagged_at",  "reason"};
  std::cout << absl::StrJoin(names, ",") << "\n";
  for (const v1::RecalledTransfer& t : response.transfers()) {
    std::vector<std::string> row = Row(t);
    if (t.signing_key_id().empty()) row[2] = "";
    std::vector<std::string> fields;
    for (const std::string& f : row) fields.push_back(CsvField(f));
    std::cout << absl::StrJoin(fields, ",") << "\n";
  }
}

void PrintJson(const v1::ListRecalledTransfersResponse& response,
               const std::string& address) {
  Json items = Json::array();
  for (const v1::RecalledTransfer& t : response.transfers()) {
    items.push_back(
        {{"transfer_id", t.transfer_id()},
         {"sender_id", t.sender_id()},
         {"signing_key_id", t.signing_key_id()},
         {"signed_at", FormatUtc(t.signed_at().seconds())},
         {"accepted_at", FormatUtc(t.accepted_at().seconds())},
         {"fetch_count", t.fetch_count()},
         {"acknowledged", t.acknowledged()},
         {"flagged_at", FormatUtc(t.recall().flagged_at().seconds())},
         {"reason", t.recall().reason()},
         {"directory_version", t.recall().directory_version()}});
  }
  Json out = {{"node", address}, {"transfers", std::move(items)}};
  std::cout << out.dump(2) << "\n";
}

absl::Status RunRecalls(const RecallsOptions& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<NodeConnection> node,
                   NodeConnection::Open(options.connection));
  v1::ListRecalledTransfersResponse response;
  grpc::ClientContext context;
  node->Prepare(&context, kUnaryDeadline);
  CancelOnInterrupt cancel(&context);
  grpc::Status status = node->stub().ListRecalledTransfers(
      &context, v1::ListRecalledTransfersRequest(), &response);
  if (!status.ok()) {
    if (Interrupted()) return absl::CancelledError("interrupted");
    return DescribeRpcError(status, "ListRecalledTransfers", node->address());
  }
  if (options.format == "csv") {
    PrintCsv(response);
  } else if (options.format == "json") {
    PrintJson(response, node->address());
  } else {
    PrintTable(response);
  }
  return absl::OkStatus();
}

}  // namespace

Command AddRecallsCommand(CLI::App* parent) {
  CLI::App* app = parent->add_subcommand(
      "recalls",
      "Lists every transfer your agency received that is flagged for "
      "re-verification because the key that signed it was compromised: the "
      "transfer, the sending agency, the signing key id, when it was signed "
      "and accepted, whether anyone fetched or acknowledged it, when it was "
      "flagged and why. Most recently flagged first. Re-verify each with "
      "the sender before relying on it (docs/OPERATIONS.md section 6). "
      "Prints \"nothing recalled\" when there are none. Needs a client with "
      "the admin role.");
  app->footer(
      "Examples:\n"
      "  handover recalls --node 127.0.0.1:7401 --ca tls/ca.pem \\\n"
      "      --cert tls/admin.pem --key tls/admin.key\n"
      "  handover recalls --format csv ... > recalls.csv\n"
      "\n"
      "Exit status: 0 success (recalls or not), 1 failure, 2 usage error.");
  auto options = std::make_shared<RecallsOptions>();
  app->add_option("--format", options->format,
                  "table (default), csv (RFC 4180, one header line) or json")
      ->check(CLI::IsMember({"table", "csv", "json"}));
  AddNodeConnectionOptions(app, &options->connection);
  return {app, [options] { return RunRecalls(*options); }};
}

}  // namespace handover::cli

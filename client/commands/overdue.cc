#include "commands/overdue.h"

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cli_output.h"
#include "common/status_macros.h"
#include "delivery_state.h"
#include "handover/v1/node.grpc.pb.h"
#include "interrupt.h"
#include "move_names.h"
#include "node_connection.h"
#include "rpc_error.h"

namespace handover::cli {
namespace {

namespace v1 = handover::v1;

struct OverdueOptions {
  NodeConnectionOptions connection;
  OutputFormat format = OutputFormat::kText;
};

void PrintTable(const v1::ListOverdueResponse& response) {
  if (response.items().empty()) {
    std::cout << "nothing overdue\n";
    return;
  }
  std::vector<std::vector<std::string>> rows = {
      {"DUE", "AGENCY", "KIND", "STATE", "TRANSFER", "MOVE"}};
  for (const v1::OverdueItem& item : response.items()) {
    rows.push_back({FormatUtc(item.due_at().seconds()), item.agency_id(),
                    AgencyKindName(item.kind()),
                    DeliveryStateName(item.state()), item.transfer_id(),
                    item.move_id().empty() ? "-" : item.move_id()});
  }
  std::vector<size_t> width(rows[0].size(), 0);
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      width[i] = std::max(width[i], row[i].size());
    }
  }
  std::string out;
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      absl::StrAppend(&out, row[i]);
      if (i + 1 < row.size()) out.append(width[i] + 2 - row[i].size(), ' ');
    }
    out += "\n";
  }
  std::cout << out;
}

absl::Status RunOverdue(const OverdueOptions& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<NodeConnection> node,
                   NodeConnection::Open(options.connection));
  v1::ListOverdueResponse response;
  grpc::ClientContext context;
  node->Prepare(&context, kUnaryDeadline);
  CancelOnInterrupt cancel(&context);
  grpc::Status status =
      node->stub().ListOverdue(&context, v1::ListOverdueRequest(), &response);
  if (!status.ok()) {
    if (Interrupted()) return absl::CancelledError("interrupted");
    return DescribeRpcError(status, "ListOverdue", node->address());
  }
  if (options.format == OutputFormat::kText) {
    PrintTable(response);
    return absl::OkStatus();
  }
  Json items = Json::array();
  for (const v1::OverdueItem& item : response.items()) {
    items.push_back({{"due_at", FormatUtc(item.due_at().seconds())},
                     {"agency_id", item.agency_id()},
                     {"kind", AgencyKindName(item.kind())},
                     {"state", DeliveryStateName(item.state())},
                     {"transfer_id", item.transfer_id()},
                     {"move_id", item.move_id()}});
  }
  Json out = {{"node", node->address()}, {"items", std::move(items)}};
  std::cout << out.dump(2) << "\n";
  return absl::OkStatus();
}

}  // namespace

Command AddOverdueCommand(CLI::App* parent) {
  CLI::App* app = parent->add_subcommand(
      "overdue",
      "Lists every copy your agency sent that its recipient has not "
      "acknowledged by its deadline (set by your node's [acknowledgement] "
      "deadlines per kind of agency), oldest deadline first: when it was "
      "due, the agency and its kind, the delivery state, the transfer and "
      "the move. Chase these by phone. Prints \"nothing overdue\" when "
      "there are none. Needs a client with the submitter or admin role.");
  // Also `handover log overdue`: the example names the command as typed.
  std::string path = "overdue";
  for (const CLI::App* at = parent; at->get_parent() != nullptr;
       at = at->get_parent()) {
    path = absl::StrCat(at->get_name(), " ", path);
  }
  app->footer(absl::StrCat(
      "Example:\n"
      "  handover ",
      path,
      " --node 127.0.0.1:7401 --ca tls/ca.pem \\\n"
      "      --cert tls/case-system.pem --key tls/case-system.key\n"
      "\n"
      "Exit status: 0 success (overdue items or not), 1 failure, 2 usage "
      "error."));
  auto options = std::make_shared<OverdueOptions>();
  AddFormatOption(app, &options->format);
  AddNodeConnectionOptions(app, &options->connection);
  return {app, [options] { return RunOverdue(*options); }};
}

}  // namespace handover::cli

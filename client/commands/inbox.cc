#include "commands/inbox.h"

#include <iostream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli_output.h"
#include "common/status_macros.h"
#include "handover/v1/node.grpc.pb.h"
#include "interrupt.h"
#include "node_connection.h"
#include "rpc_error.h"

namespace handover::cli {
namespace {

namespace v1 = handover::v1;

struct InboxOptions {
  NodeConnectionOptions connection;
  uint32_t page_size = 100;
  std::string page_token;
  bool all = false;
  OutputFormat format = OutputFormat::kText;
};

// "1.2 MiB"-style sizes for a table column.
std::string ShortSize(uint64_t bytes) {
  if (bytes < 1024) return absl::StrCat(bytes, " B");
  const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes) / 1024;
  size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(units)) {
    value /= 1024;
    ++unit;
  }
  return absl::StrFormat("%.1f %s", value, units[unit]);
}

Json EntryJson(const v1::InboxEntry& e) {
  return Json{
      {"transfer_id", e.transfer_id()},
      {"sender_id", e.sender_id()},
      {"created_at", FormatUtc(e.created_at().seconds())},
      {"received_at", FormatUtc(e.received_at().seconds())},
      {"expires_at", FormatUtc(e.expires_at().seconds())},
      {"content_type", e.content_type()},
      {"envelope_bytes", e.envelope_size()},
      {"fetch_count", e.fetch_count()},
      {"recall",
       e.has_recall()
           ? Json{{"flagged_at", FormatUtc(e.recall().flagged_at().seconds())},
                  {"reason", e.recall().reason()},
                  {"directory_version", e.recall().directory_version()}}
           : Json(nullptr)}};
}

void PrintTable(const std::vector<v1::InboxEntry>& entries,
                const std::string& next_page_token) {
  if (entries.empty()) {
    std::cout << "the inbox is empty\n";
  } else {
    std::vector<std::vector<std::string>> rows = {
        {"TRANSFER ID", "FROM", "RECEIVED", "EXPIRES", "SIZE", "FETCHED",
         "RECALL"}};
    int recalled = 0;
    for (const v1::InboxEntry& e : entries) {
      recalled += e.has_recall();
      rows.push_back(
          {e.transfer_id(), e.sender_id(), FormatUtc(e.received_at().seconds()),
           FormatUtc(e.expires_at().seconds()), ShortSize(e.envelope_size()),
           absl::StrCat(e.fetch_count()), e.has_recall() ? "RECALLED" : "-"});
    }
    if (recalled > 0) {
      // Before the table, so a long listing cannot scroll it away.
      std::cout << "WARNING: " << recalled
                << (recalled == 1 ? " transfer was" : " transfers were")
                << " signed by a compromised key; re-verify before relying "
                   "on them (handover recalls)\n";
    }
    std::vector<size_t> width(rows[0].size(), 0);
    for (const auto& row : rows) {
      for (size_t i = 0; i < row.size(); ++i) {
        width[i] = std::max(width[i], row[i].size());
      }
    }
    for (const auto& row : rows) {
      std::string line;
      for (size_t i = 0; i < row.size(); ++i) {
        absl::StrAppend(&line, row[i]);
        if (i + 1 < row.size()) {
          line.append(width[i] + 2 - row[i].size(), ' ');
        }
      }
      std::cout << line << "\n";
    }
  }
  if (!next_page_token.empty()) {
    std::cout << "more: --page-token " << next_page_token << "\n";
  }
}

absl::Status RunInbox(const InboxOptions& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<NodeConnection> node,
                   NodeConnection::Open(options.connection));
  std::vector<v1::InboxEntry> entries;
  std::string token = options.page_token;
  std::set<std::string> seen_tokens;  // --all must not follow a loop
  do {
    v1::ListInboxRequest request;
    request.set_page_size(options.page_size);
    request.set_page_token(token);
    v1::ListInboxResponse response;
    grpc::ClientContext context;
    node->Prepare(&context, kUnaryDeadline);
    CancelOnInterrupt cancel(&context);
    grpc::Status status = node->stub().ListInbox(&context, request, &response);
    if (!status.ok()) {
      if (Interrupted()) return absl::CancelledError("interrupted");
      return DescribeRpcError(status, "ListInbox", node->address());
    }
    for (v1::InboxEntry& e : *response.mutable_entries()) {
      entries.push_back(std::move(e));
    }
    if (options.all && !response.next_page_token().empty() &&
        response.next_page_token() == token) {
      return absl::DataLossError("the node returned the same page token twice");
    }
    token = response.next_page_token();
  } while (options.all && !token.empty());

  if (options.format == OutputFormat::kText) {
    PrintTable(entries, token);
    return absl::OkStatus();
  }
  Json list = Json::array();
  for (const v1::InboxEntry& e : entries) list.push_back(EntryJson(e));
  Json out = {{"node", node->address()},
              {"entries", std::move(list)},
              {"next_page_token", token}};
  std::cout << out.dump(2) << "\n";
  return absl::OkStatus();
}

}  // namespace

Command AddInboxCommand(CLI::App* parent) {
  CLI::App* app = parent->add_subcommand(
      "inbox",
      "Lists the transfers delivered to your agency's node, newest first. "
      "For each it shows the transfer id, the sending agency, when it "
      "arrived and expires, its size and how often it has been fetched. Shows "
      "one page (100 by "
      "default); --page-token continues from where a page ended and --all "
      "lists everything. Nothing is opened: use `handover fetch` for that. "
      "Needs a client with the receiver role.");
  app->footer(
      "Example:\n"
      "  handover inbox --node 127.0.0.1:7403 --ca tls/ca.pem \\\n"
      "      --token-file tokens/birmingham-cs/receiver.token\n"
      "\n"
      "Exit status: 0 success, 1 failure, 2 usage error.");
  auto options = std::make_shared<InboxOptions>();
  app->add_option("--page-size", options->page_size,
                  "Transfers per page, 1 to 1000")
      ->check(CLI::Range(1, 1000))
      ->default_str("100");
  app->add_option("--page-token", options->page_token,
                  "Continue from the page token a previous listing printed");
  app->add_flag("--all", options->all, "Follow every page to the end");
  AddFormatOption(app, &options->format);
  AddNodeConnectionOptions(app, &options->connection);
  return {app, [options] { return RunInbox(*options); }};
}

}  // namespace handover::cli

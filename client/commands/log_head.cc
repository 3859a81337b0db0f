// `handover log head`: the node's newest signed tree head, or a fresh one
// (GetTreeHead).
#include <memory>
#include <string>

#include "cli_output.h"
#include "commands/log_common.h"
#include "common/status_macros.h"
#include "log_format.h"

namespace handover::cli {
namespace {

namespace v1 = handover::v1;

struct HeadOptions {
  NodeConnectionOptions connection;
  bool publish = false;
  OutputFormat format = OutputFormat::kText;
};

absl::Status RunHead(const HeadOptions& o) {
  ASSIGN_OR_RETURN(std::unique_ptr<NodeConnection> node,
                   NodeConnection::Open(o.connection));
  ASSIGN_OR_RETURN(const v1::SignedTreeHead head,
                   FetchTreeHead(*node, o.publish));
  Report r;
  AddTreeHeadRows(head, &r);
  r.json = TreeHeadJson(head);
  PrintReport(r, o.format);
  return absl::OkStatus();
}

}  // namespace

Command AddLogHeadCommand(CLI::App* group) {
  CLI::App* app = group->add_subcommand(
      "head",
      "Shows the node's newest signed tree head: the log's size, its Merkle "
      "root (hex), when it was signed and the signing key's id. Keep it (or "
      "give it to an inspector): any later edit of an entry it covers makes "
      "`handover log verify` fail, and `handover log prove` shows an entry "
      "or a later log is consistent with it. --publish signs a fresh head "
      "now. Needs a client with the admin role.");
  app->footer(
      "Example:\n"
      "  handover log head --publish --node 127.0.0.1:7401 --ca tls/ca.pem "
      "\\\n"
      "      --token-file tokens/stockport-cs/admin.token\n"
      "\n"
      "Exit status: 0 success, 1 failure, 2 usage error.");
  auto o = std::make_shared<HeadOptions>();
  app->add_flag("--publish", o->publish,
                "Sign a fresh tree head now instead of showing the newest");
  AddFormatOption(app, &o->format);
  AddNodeConnectionOptions(app, &o->connection);
  return {app, [o] { return RunHead(*o); }};
}

}  // namespace handover::cli

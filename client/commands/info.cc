#include "commands/info.h"

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "cli_output.h"
#include "cli_validators.h"
#include "common/status_macros.h"
#include "duration.h"
#include "handover/v1/node.grpc.pb.h"
#include "interrupt.h"
#include "node_connection.h"
#include "rpc_error.h"

namespace handover::cli {
namespace {

namespace v1 = handover::v1;

constexpr auto kPollInterval = std::chrono::milliseconds(250);

struct InfoOptions {
  NodeConnectionOptions connection;
  bool wait_ready = false;
  std::string timeout = "60s";
  OutputFormat format = OutputFormat::kText;
};

// Ready to send and receive: the mailbox stream to the router is up and a
// verified directory is held.
bool Ready(const v1::NodeInfo& info) {
  return info.router_connected() && info.directory_version() > 0;
}

Report InfoReport(const v1::NodeInfo& info, const NodeConnection& node) {
  Report r;
  r.Row("agency", info.agency_id());
  r.Row("node", node.address());
  r.Row("version", info.version());
  r.Row("directory", info.directory_version() == 0
                         ? "none yet"
                         : absl::StrCat("version ", info.directory_version()));
  r.Row("router", info.router_connected() ? "connected" : "not connected");
  r.Row("outbox", absl::StrCat(info.outbox_queued(), " recipient(s) queued"));
  r.Row("inbox", absl::StrCat(info.inbox_count(), " transfer(s)"));
  // A failure to record an event is a gap in the delivery log: say so.
  r.Row("log",
        info.log_failures() == 0
            ? absl::StrCat(info.log_size(), " entries")
            : absl::StrCat(info.log_size(), " entries; ", info.log_failures(),
                           " event(s) NOT recorded, see the node's "
                           "own log"));
  r.Row("ready", Ready(info) ? "yes" : "no");
  r.json = Json{{"agency_id", info.agency_id()},
                {"node", node.address()},
                {"version", info.version()},
                {"directory_version", info.directory_version()},
                {"router_connected", info.router_connected()},
                {"outbox_queued", info.outbox_queued()},
                {"inbox_count", info.inbox_count()},
                {"log_size", info.log_size()},
                {"log_failures", info.log_failures()},
                {"ready", Ready(info)}};
  return r;
}

absl::StatusOr<v1::NodeInfo> Query(NodeConnection& node) {
  v1::NodeInfo info;
  grpc::ClientContext context;
  node.Prepare(&context, kUnaryDeadline);
  CancelOnInterrupt cancel(&context);
  grpc::Status status =
      node.stub().GetNodeInfo(&context, v1::GetNodeInfoRequest(), &info);
  if (!status.ok()) {
    if (Interrupted()) return absl::CancelledError("interrupted");
    return DescribeRpcError(status, "GetNodeInfo", node.address());
  }
  return info;
}

absl::Status RunInfo(const InfoOptions& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<NodeConnection> node,
                   NodeConnection::Open(options.connection));
  absl::StatusOr<v1::NodeInfo> info = Query(*node);
  if (options.wait_ready) {
    ASSIGN_OR_RETURN(absl::Duration timeout, ParseDuration(options.timeout));
    const absl::Time give_up = absl::Now() + timeout;
    // A node still starting up is unreachable for a moment: keep asking.
    while (!(info.ok() && Ready(*info))) {
      if (!info.ok() && !absl::IsUnavailable(info.status())) {
        return info.status();
      }
      if (absl::Now() >= give_up) {
        return absl::DeadlineExceededError(absl::StrCat(
            "the node at ", node->address(), " was not ready within ",
            options.timeout,
            info.ok()
                ? absl::StrCat(
                      " (router ",
                      info->router_connected() ? "connected" : "not connected",
                      ", directory version ", info->directory_version(), ")")
                : absl::StrCat(": ", info.status().message())));
      }
      std::this_thread::sleep_for(kPollInterval);
      if (Interrupted()) return absl::CancelledError("interrupted");
      info = Query(*node);
    }
  }
  RETURN_IF_ERROR(info.status());
  PrintReport(InfoReport(*info, *node), options.format);
  return absl::OkStatus();
}

}  // namespace

Command AddInfoCommand(CLI::App* parent) {
  CLI::App* app = parent->add_subcommand(
      "info",
      "Shows what a node is and how it is doing. It prints the node's "
      "agency, software version, the directory version it holds, whether its "
      "stream to the "
      "router is up, how many recipients are still queued in its outbox and "
      "how many transfers are in its inbox. With --wait-ready it asks again "
      "every quarter second until the node is connected to the router and "
      "holds a verified directory, which makes it a health check for "
      "scripts. Needs a client with the admin role.");
  app->footer(
      "Example:\n"
      "  handover info --node 127.0.0.1:7401 --ca tls/ca.pem \\\n"
      "      --token-file tokens/stockport-cs/admin.token --wait-ready\n"
      "\n"
      "Exit status: 0 success (ready, with --wait-ready), 1 failure, 2 "
      "usage error.");
  auto options = std::make_shared<InfoOptions>();
  app->add_flag("--wait-ready", options->wait_ready,
                "Wait until the node is connected to the router and holds a "
                "directory");
  app->add_option("--timeout", options->timeout,
                  "How long --wait-ready waits, e.g. 30s, 2m")
      ->check(DurationValidator())
      ->default_str("60s");
  AddFormatOption(app, &options->format);
  AddNodeConnectionOptions(app, &options->connection);
  return {app, [options] { return RunInfo(*options); }};
}

}  // namespace handover::cli

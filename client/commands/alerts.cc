#include "commands/alerts.h"

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "alert_card.h"
#include "cli_output.h"
#include "cli_validators.h"
#include "common/status_macros.h"
#include "handover/v1/node.grpc.pb.h"
#include "interrupt.h"
#include "move_names.h"
#include "node_connection.h"
#include "rpc_error.h"

namespace handover::cli {
namespace {

namespace v1 = handover::v1;

// A watch is meant to stay open for a whole shift and longer; the deadline
// only guarantees the call cannot hang for ever.
constexpr std::chrono::hours kWatchDeadline{24 * 365};

struct AlertsOptions {
  NodeConnectionOptions connection;
  OutputFormat format = OutputFormat::kText;
  // watch
  uint64_t after = 0;
  bool once = false;
  // ack
  std::string alert_id;
  std::string operator_id;
  std::string note;
};

struct Subcommand {
  CLI::App* app;
  absl::Status (*run)(const AlertsOptions&);
};

std::string Resume(uint64_t cursor) {
  return absl::StrCat("last cursor handled ", cursor, " (resume with --after ",
                      cursor, ")");
}

void PrintEvent(const v1::AlertEvent& event, OutputFormat format) {
  // One write per event, flushed, so a reader never sees half a card.
  if (format == OutputFormat::kJson) {
    std::cout << AlertEventJson(event).dump() << "\n" << std::flush;
  } else {
    std::cout << FormatAlertCard(event) << std::flush;
  }
}

absl::Status RunWatch(const AlertsOptions& o) {
  ASSIGN_OR_RETURN(std::unique_ptr<NodeConnection> node,
                   NodeConnection::Open(o.connection));
  v1::WatchAlertsRequest request;
  request.set_after_cursor(o.after);
  request.set_stop_at_end(o.once);
  grpc::ClientContext context;
  node->Prepare(&context, o.once ? kStreamDeadline : kWatchDeadline);
  CancelOnInterrupt cancel(&context);
  std::unique_ptr<grpc::ClientReader<v1::AlertEvent>> reader =
      node->stub().WatchAlerts(&context, request);
  uint64_t last = o.after;
  size_t events = 0;
  v1::AlertEvent event;
  while (reader->Read(&event)) {
    PrintEvent(event, o.format);
    last = event.cursor();
    ++events;
  }
  const grpc::Status status = reader->Finish();
  if (Interrupted()) {
    // Stopping a watch is how it normally ends: say where to pick up.
    PrintErrorLine("alerts watch", absl::StrCat("stopped; ", Resume(last)));
    return absl::OkStatus();
  }
  if (!status.ok()) {
    absl::Status s = DescribeRpcError(status, "WatchAlerts", node->address());
    return absl::Status(s.code(),
                        absl::StrCat(s.message(), "; ", Resume(last)));
  }
  if (!o.once) {
    return absl::UnavailableError(absl::StrCat(
        "the node at ", node->address(), " ended the watch; ", Resume(last)));
  }
  if (events == 0 && o.format == OutputFormat::kText) {
    std::cout << "no alert events after cursor " << o.after << "\n";
  }
  return absl::OkStatus();
}

// The node's own words for a refusal that is about the alert's state
// ("already acknowledged by ..."): they say all there is to say.
absl::Status AckError(const grpc::Status& status, const std::string& node) {
  const std::string message(absl::StripAsciiWhitespace(status.error_message()));
  if (status.error_code() == grpc::StatusCode::FAILED_PRECONDITION &&
      !message.empty()) {
    return absl::FailedPreconditionError(message);
  }
  return DescribeRpcError(status, "AckAlert", node);
}

absl::Status RunAck(const AlertsOptions& o) {
  ASSIGN_OR_RETURN(std::unique_ptr<NodeConnection> node,
                   NodeConnection::Open(o.connection));
  v1::AckAlertRequest request;
  request.set_alert_id(o.alert_id);
  request.set_operator_id(o.operator_id);
  request.set_note(o.note);
  v1::AckAlertResponse response;
  grpc::ClientContext context;
  node->Prepare(&context, kUnaryDeadline);
  CancelOnInterrupt cancel(&context);
  grpc::Status status = node->stub().AckAlert(&context, request, &response);
  if (!status.ok()) {
    if (Interrupted()) return absl::CancelledError("interrupted");
    return AckError(status, node->address());
  }
  const v1::Alert& alert = response.alert();
  Report r;
  r.Row("alert id", alert.alert_id());
  r.Row("acknowledged by", CardText(alert.acknowledged_by()));
  r.Row("acknowledged at", FormatUtc(alert.acknowledged_at().seconds()));
  r.Row("note", CardText(alert.acknowledgement_note()));
  r.Row("priority", PriorityName(alert.priority()));
  r.Row("from",
        absl::StrCat(alert.sender_id(), ", transfer ", alert.transfer_id()));
  r.json = AlertJson(alert);
  r.json.erase("view");  // the record is not needed to confirm an ack
  PrintReport(r, o.format);
  return absl::OkStatus();
}

CLI::Validator AlertIdValidator() {
  return CLI::Validator(
      [](std::string& id) -> std::string {
        std::string transfer = id.size() > 2 ? id.substr(2) : "";
        const bool ok =
            id.rfind("A-", 0) == 0 && TransferIdValidator()(transfer).empty();
        return ok ? ""
                  : "an alert id is \"A-\" and 32 lower-case hex digits, as "
                    "`handover alerts watch` prints it";
      },
      "ALERT_ID");
}

Subcommand AddWatch(CLI::App* group, AlertsOptions* o) {
  CLI::App* app = group->add_subcommand(
      "watch",
      "Shows the control room's alerts as they happen: every event after "
      "--after (raised, escalated, acknowledged), in order, then new ones "
      "until you stop it with Ctrl-C. Each event is a card with the child, "
      "the move, why the priority is what it is, the risks, the grab pack "
      "and whom to call; --format json prints one JSON object per line "
      "instead. Each event has a cursor: when the watch stops (Ctrl-C, "
      "exit 0) or the connection fails (exit 1), the last line on stderr "
      "says which --after to resume with, so nothing is missed. --once "
      "stops after the events stored so far. Needs a client with the "
      "alert-operator role.");
  app->footer(
      "Example:\n"
      "  handover alerts watch --node 127.0.0.1:7406 --ca tls/ca.pem \\\n"
      "      --cert tls/control-room.pem --key tls/control-room.key \\\n"
      "      --after 41\n"
      "\n"
      "Exit status: 0 success or stopped with Ctrl-C, 1 failure (the stream "
      "broke), 2 usage error.");
  app->add_option("--after", o->after,
                  "Show events after this cursor (default 0: from the first)")
      ->check(CLI::NonNegativeNumber)
      ->default_str("0");
  app->add_flag("--once", o->once,
                "Stop after the events stored so far instead of waiting");
  AddFormatOption(app, &o->format);
  AddNodeConnectionOptions(app, &o->connection);
  return {app, RunWatch};
}

Subcommand AddAck(CLI::App* group, AlertsOptions* o) {
  CLI::App* app = group->add_subcommand(
      "ack",
      "Records that a person in the control room has taken an alert on. "
      "The node signs an acknowledgement and sends it back to the agency "
      "that sent the move, and stops escalating the alert. An alert is "
      "acknowledged once: a second ack fails with who acknowledged it "
      "first. Needs a client with the alert-operator role.");
  app->footer(
      "Example:\n"
      "  handover alerts ack A-3f0c8e1d2b4a59687766554433221100 \\\n"
      "      --operator PC-4471 --note \"patrol briefed, address flagged\" "
      "\\\n"
      "      --node 127.0.0.1:7406 --ca tls/ca.pem \\\n"
      "      --cert tls/control-room.pem --key tls/control-room.key\n"
      "\n"
      "Exit status: 0 success, 1 failure (or already acknowledged), 2 usage "
      "error.");
  app->add_option("ALERT_ID", o->alert_id,
                  "The alert id on the card, e.g. A-3f0c...")
      ->required()
      ->check(AlertIdValidator());
  app->add_option("--operator", o->operator_id,
                  "Who takes it on: your operator id, 1 to 64 printable "
                  "ASCII characters")
      ->required()
      ->check(OperatorIdValidator());
  app->add_option("--note", o->note,
                  "What was done, at most 2000 bytes; kept at your node")
      ->required()
      ->check(NoteValidator());
  AddFormatOption(app, &o->format);
  AddNodeConnectionOptions(app, &o->connection);
  return {app, RunAck};
}

}  // namespace

Command AddAlertsCommand(CLI::App* parent) {
  CLI::App* group = parent->add_subcommand(
      "alerts",
      "A police control room's alerts: a child with safeguarding risks has "
      "moved into (or gone missing in) your force's area. `watch` shows "
      "them as they are raised, escalated and acknowledged; `ack` takes "
      "one on.");
  group->footer(
      "Examples:\n"
      "  handover alerts watch --node 127.0.0.1:7406 --ca tls/ca.pem \\\n"
      "      --cert tls/control-room.pem --key tls/control-room.key\n"
      "  handover alerts ack A-3f0c8e1d2b4a59687766554433221100 "
      "--operator PC-4471 \\\n"
      "      --note \"patrol briefed\" --node 127.0.0.1:7406 --ca tls/ca.pem "
      "\\\n"
      "      --cert tls/control-room.pem --key tls/control-room.key");
  group->require_subcommand(1);
  auto options = std::make_shared<AlertsOptions>();
  const std::vector<Subcommand> subs = {AddWatch(group, options.get()),
                                        AddAck(group, options.get())};
  return {group, [subs, options]() -> absl::Status {
            for (const Subcommand& sub : subs) {
              if (sub.app->parsed()) return sub.run(*options);
            }
            return absl::InvalidArgumentError("a subcommand is required");
          }};
}

}  // namespace handover::cli

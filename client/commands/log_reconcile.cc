// `handover log reconcile`: where each copy this agency sent is stuck and
// for how long, from the node's log and outbox set against the router's log
// (ReconcileLog). A report: it exits 0 with rows unless --fail-if-any.
#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "alert_card.h"
#include "cli_output.h"
#include "commands/log_common.h"
#include "common/status_macros.h"
#include "log_format.h"

namespace handover::cli {
namespace {

namespace v1 = handover::v1;

struct ReconcileOptions {
  NodeConnectionOptions connection;
  std::string since;
  std::string until;
  bool fail_if_any = false;
  LogFormat format = LogFormat::kTable;
};

// For scripts: "queued", "sent_not_accepted", ...
std::string StageName(v1::ReconcileStage stage) {
  switch (stage) {
    case v1::RECONCILE_STAGE_QUEUED:
      return "queued";
    case v1::RECONCILE_STAGE_SENT_NOT_ACCEPTED:
      return "sent_not_accepted";
    case v1::RECONCILE_STAGE_ACCEPTED_NOT_DELIVERED:
      return "accepted_not_delivered";
    case v1::RECONCILE_STAGE_DELIVERED_NO_RECEIPT:
      return "delivered_no_receipt";
    case v1::RECONCILE_STAGE_DELIVERED_NOT_ACKNOWLEDGED:
      return "delivered_not_acknowledged";
    default:
      return absl::StrCat("stage ", static_cast<int>(stage));
  }
}

// For people.
std::string StageWords(v1::ReconcileStage stage) {
  switch (stage) {
    case v1::RECONCILE_STAGE_QUEUED:
      return "queued, not sent";
    case v1::RECONCILE_STAGE_SENT_NOT_ACCEPTED:
      return "sent, router has no record";
    case v1::RECONCILE_STAGE_ACCEPTED_NOT_DELIVERED:
      return "at router, not delivered";
    case v1::RECONCILE_STAGE_DELIVERED_NO_RECEIPT:
      return "delivered, no receipt";
    case v1::RECONCILE_STAGE_DELIVERED_NOT_ACKNOWLEDGED:
      return "delivered, not acknowledged";
    default:
      return StageName(stage);
  }
}

absl::Time TimeOf(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

// How long, in the two largest units: "45s", "12m", "3h 12m", "4d 2h".
std::string FormatFor(absl::Duration d) {
  if (d < absl::ZeroDuration()) d = absl::ZeroDuration();
  const int64_t s = absl::ToInt64Seconds(d);
  const int64_t days = s / 86400, hours = s % 86400 / 3600,
                minutes = s % 3600 / 60;
  if (days > 0) return absl::StrCat(days, "d ", hours, "h");
  if (hours > 0) return absl::StrCat(hours, "h ", minutes, "m");
  if (minutes > 0) return absl::StrCat(minutes, "m");
  return absl::StrCat(s, "s");
}

std::string RouterWarning(const v1::ReconcileLogResponse& r) {
  return absl::StrCat("WARNING: the router's log was not consulted (",
                      CardText(r.router_error()),
                      "); copies at the router rest on this node's view "
                      "alone");
}

constexpr char kTruncatedNote[] =
    "note: more transfers were sent in this window than one call examines "
    "(1000); only the oldest are shown: narrow it with --since/--until";

void PrintTable(const v1::ReconcileLogResponse& r, absl::Time now) {
  std::string out;
  if (!r.router_error().empty()) absl::StrAppend(&out, RouterWarning(r), "\n");
  if (r.rows().empty()) {
    absl::StrAppend(&out,
                    "nothing stuck: every copy sent in the window was "
                    "acknowledged or reached a final state\n");
  } else {
    std::vector<std::vector<std::string>> rows = {
        {"TRANSFER", "RECIPIENT", "VIEW", "STAGE", "FOR", "SINCE (UTC)"}};
    for (const v1::ReconcileRow& row : r.rows()) {
      rows.push_back({CardText(row.transfer_id()), CardText(row.recipient()),
                      row.view().empty() ? "-" : CardText(row.view()),
                      StageWords(row.stage()),
                      FormatFor(now - TimeOf(row.since())),
                      FormatUtc(row.since().seconds())});
    }
    absl::StrAppend(&out, FormatTable(rows));
  }
  if (r.truncated()) absl::StrAppend(&out, kTruncatedNote, "\n");
  std::cout << out;
}

void PrintCsv(const v1::ReconcileLogResponse& r, absl::Time now) {
  std::string out =
      "transfer_id,recipient,view,stage,since,for_seconds,detail\r\n";
  for (const v1::ReconcileRow& row : r.rows()) {
    absl::StrAppend(
        &out, CsvField(row.transfer_id()), ",", CsvField(row.recipient()), ",",
        CsvField(row.view()), ",", StageName(row.stage()), ",",
        FormatMicrosUtc(row.since()), ",",
        std::max<int64_t>(0, absl::ToInt64Seconds(now - TimeOf(row.since()))),
        ",", CsvField(row.detail()), "\r\n");
  }
  std::cout << out;
  // Not on stdout, where they would be read as records.
  if (!r.router_error().empty()) {
    PrintErrorLine("log reconcile", RouterWarning(r));
  }
  if (r.truncated()) PrintErrorLine("log reconcile", kTruncatedNote);
}

void PrintJson(const v1::ReconcileLogResponse& r, absl::Time now,
               const std::string& node) {
  Json rows = Json::array();
  for (const v1::ReconcileRow& row : r.rows()) {
    rows.push_back({{"transfer_id", row.transfer_id()},
                    {"recipient", row.recipient()},
                    {"view", row.view()},
                    {"stage", StageName(row.stage())},
                    {"stage_text", StageWords(row.stage())},
                    {"since", FormatMicrosUtc(row.since())},
                    {"for_seconds",
                     std::max<int64_t>(
                         0, absl::ToInt64Seconds(now - TimeOf(row.since())))},
                    {"detail", row.detail()}});
  }
  Json out = {{"node", node},
              {"router_error", r.router_error()},
              {"truncated", r.truncated()},
              {"rows", std::move(rows)}};
  std::cout << out.dump(2) << "\n";
}

absl::Status RunReconcile(const ReconcileOptions& o) {
  v1::ReconcileLogRequest request;
  const absl::Time asked = absl::Now();
  if (!o.since.empty()) {
    ASSIGN_OR_RETURN(absl::Time since, ParseLogTime(o.since, asked));
    *request.mutable_since() = ToTimestamp(since);
  }
  if (!o.until.empty()) {
    ASSIGN_OR_RETURN(absl::Time until, ParseLogTime(o.until, asked));
    *request.mutable_until() = ToTimestamp(until);
  }
  ASSIGN_OR_RETURN(std::unique_ptr<NodeConnection> node,
                   NodeConnection::Open(o.connection));
  ASSIGN_OR_RETURN(
      v1::ReconcileLogResponse response,
      CallNode(*node, "ReconcileLog", &v1::Node::Stub::ReconcileLog, request));
  const absl::Time now = absl::Now();
  switch (o.format) {
    case LogFormat::kTable:
      PrintTable(response, now);
      break;
    case LogFormat::kCsv:
      PrintCsv(response, now);
      break;
    case LogFormat::kJson:
      PrintJson(response, now, node->address());
      break;
  }
  if (o.fail_if_any && !response.rows().empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat(response.rows_size(),
                     response.rows_size() == 1 ? " copy is" : " copies are",
                     " stuck (--fail-if-any)"));
  }
  return absl::OkStatus();
}

}  // namespace

Command AddLogReconcileCommand(CLI::App* group) {
  CLI::App* app = group->add_subcommand(
      "reconcile",
      "Shows every copy your agency sent (queued between --since and "
      "--until; by default the last 30 days) that has not got to the end, "
      "with this node's log and outbox set against the router's log: "
      "queued but not sent; sent, but the router has no record of it; at "
      "the router, not delivered; delivered by the router, but no receipt "
      "came back; delivered, but not acknowledged. For each: the transfer, "
      "the recipient, the view, the stage, for how long and since when "
      "(UTC). Acknowledged, failed, expired and withdrawn copies are left "
      "out (`handover status` and `handover log list` show them). If the "
      "router cannot be asked, a WARNING says so and copies at the router "
      "rest on this node's view alone. Needs a client with the admin role.");
  app->footer(
      "Example:\n"
      "  handover log reconcile --since 7d \\\n"
      "      --node 127.0.0.1:7401 --ca tls/ca.pem \\\n"
      "      --token-file tokens/stockport-cs/admin.token\n"
      "\n"
      "Exit status: 0 success (stuck copies or not; with --fail-if-any, 1 "
      "if there are any), 1 failure, 2 usage error.");
  auto o = std::make_shared<ReconcileOptions>();
  app->add_option("--since", o->since,
                  "Only copies queued at or after this time: RFC 3339, or "
                  "how long ago (30m, 2h, 7d); default 30 days ago")
      ->check(LogTimeValidator());
  app->add_option("--until", o->until,
                  "Only copies queued before this time: RFC 3339, or how "
                  "long ago; default now")
      ->check(LogTimeValidator());
  app->add_flag("--fail-if-any", o->fail_if_any,
                "Exit 1 if any copy is stuck, after printing the report (for "
                "monitoring scripts)");
  AddListFormatOption(app, &o->format);
  AddNodeConnectionOptions(app, &o->connection);
  return {app, [o] { return RunReconcile(*o); }};
}

}  // namespace handover::cli

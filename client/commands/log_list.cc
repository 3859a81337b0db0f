// `handover log list`: the node's delivery log, filtered, oldest first, a
// page at a time (ListLog).
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "cli_output.h"
#include "cli_validators.h"
#include "commands/log_common.h"
#include "common/status_macros.h"
#include "duration.h"
#include "log_format.h"

namespace handover::cli {
namespace {

namespace v1 = handover::v1;

struct ListOptions {
  NodeConnectionOptions connection;
  std::string since;
  std::string until;
  std::string agency;
  std::vector<std::string> events;
  std::string transfer_id;
  uint32_t limit = 100;
  std::string after;
  bool all = false;
  LogFormat format = LogFormat::kTable;
};

CLI::Validator EventKindValidator() {
  return CLI::Validator(
      [](std::string& name) -> std::string {
        if (ParseLogEventKind(name).has_value()) return "";
        return absl::StrCat("'", name, "' is not an event; use one of ",
                            absl::StrJoin(LogEventKindNames(), ", "));
      },
      "KIND");
}

absl::StatusOr<v1::ListLogRequest> MakeRequest(const ListOptions& o) {
  v1::ListLogRequest request;
  const absl::Time now = absl::Now();
  if (!o.since.empty()) {
    ASSIGN_OR_RETURN(absl::Time since, ParseLogTime(o.since, now));
    *request.mutable_since() = ToTimestamp(since);
  }
  if (!o.until.empty()) {
    ASSIGN_OR_RETURN(absl::Time until, ParseLogTime(o.until, now));
    *request.mutable_until() = ToTimestamp(until);
  }
  request.set_agency(o.agency);
  for (const std::string& name : o.events) {
    request.add_events(*ParseLogEventKind(name));
  }
  request.set_transfer_id(o.transfer_id);
  request.set_page_size(o.limit);
  return request;
}

void Print(const ListOptions& o, const std::string& node,
           const std::string& log_id, const std::vector<v1::LogEntry>& entries,
           const std::string& next_token) {
  const std::string more =
      next_token.empty()
          ? ""
          : absl::StrCat("more: --after ", next_token, " (or --all)");
  if (o.format == LogFormat::kCsv) {
    std::string out = LogCsvHeader();
    for (const v1::LogEntry& e : entries)
      absl::StrAppend(&out, LogCsvRecord(e));
    std::cout << out;
    // Not on stdout, where it would be read as a record.
    if (!more.empty()) PrintErrorLine("log list", more);
    return;
  }
  if (o.format == LogFormat::kTable) {
    std::cout << FormatLogTable(entries);
    if (!more.empty()) std::cout << more << "\n";
    return;
  }
  Json list = Json::array();
  for (const v1::LogEntry& e : entries) list.push_back(LogEntryJson(e));
  Json out = {{"node", node},
              {"log_id", log_id},
              {"entries", std::move(list)},
              {"next_page_token", next_token}};
  std::cout << out.dump(2) << "\n";
}

absl::Status RunList(const ListOptions& o) {
  ASSIGN_OR_RETURN(v1::ListLogRequest request, MakeRequest(o));
  ASSIGN_OR_RETURN(std::unique_ptr<NodeConnection> node,
                   NodeConnection::Open(o.connection));
  std::vector<v1::LogEntry> entries;
  std::string log_id;
  std::string token = o.after;
  std::set<std::string> seen = {token};  // --all must not follow a loop
  for (;;) {
    request.set_page_token(token);
    ASSIGN_OR_RETURN(
        v1::ListLogResponse page,
        CallNode(*node, "ListLog", &v1::Node::Stub::ListLog, request));
    log_id = page.log_id();
    for (v1::LogEntry& e : *page.mutable_entries()) {
      entries.push_back(std::move(e));
    }
    token = page.next_page_token();
    if (!o.all || token.empty()) break;
    if (!seen.insert(token).second) {
      return absl::DataLossError(
          "the node returned a page token it had already given");
    }
  }
  // Only once every page has arrived: a failure prints nothing on stdout.
  Print(o, node->address(), log_id, entries, token);
  return absl::OkStatus();
}

}  // namespace

Command AddLogListCommand(CLI::App* group) {
  CLI::App* app = group->add_subcommand(
      "list",
      "Lists the node's delivery log, oldest first: for each event its "
      "index in the log, time (UTC), kind, transfer, sender, recipient, "
      "view, envelope size, who did it and a one-line detail. Filters "
      "combine: --since/--until (RFC 3339, or how long ago: 2h, 7d), "
      "--agency (as sender or recipient), --event (any of several kinds), "
      "--transfer. Shows one page (--limit entries, 100 by default) and "
      "how to get the next (--after TOKEN); --all fetches every page. "
      "Entries hold routing metadata only, never case content. Needs a "
      "client with the admin role.");
  app->footer(
      "Example:\n"
      "  handover log list --since 7d --event failed --event rejected \\\n"
      "      --node 127.0.0.1:7401 --ca tls/ca.pem \\\n"
      "      --token-file tokens/stockport-cs/admin.token\n"
      "\n"
      "Exit status: 0 success (entries or not), 1 failure, 2 usage error.");
  auto o = std::make_shared<ListOptions>();
  app->add_option("--since", o->since,
                  "Only events at or after this time: RFC 3339, or how long "
                  "ago (30m, 2h, 7d)")
      ->check(LogTimeValidator());
  app->add_option("--until", o->until,
                  "Only events before this time: RFC 3339, or how long ago")
      ->check(LogTimeValidator());
  app->add_option("--agency", o->agency,
                  "Only events with this agency as sender or recipient")
      ->check(AgencyIdValidator());
  app->add_option("--event", o->events,
                  absl::StrCat("Only events of this kind; repeat it (or "
                               "separate kinds with commas) for several: ",
                               absl::StrJoin(LogEventKindNames(), ", ")))
      ->delimiter(',')
      ->check(EventKindValidator());
  app->add_option("--transfer", o->transfer_id,
                  "Only events of this transfer (32 hex digits)")
      ->check(TransferIdValidator());
  app->add_option("--limit", o->limit, "Entries per page, 1 to 1000")
      ->check(CLI::Range(1, 1000))
      ->default_str("100");
  app->add_option("--after", o->after,
                  "Continue from the page token a previous listing printed");
  app->add_flag("--all", o->all, "Fetch every page to the end");
  AddListFormatOption(app, &o->format);
  AddNodeConnectionOptions(app, &o->connection);
  return {app, [o] { return RunList(*o); }};
}

}  // namespace handover::cli

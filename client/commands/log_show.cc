// `handover log show`: one transfer's whole timeline, this node's entries
// and the router's, with the router's part checked against its signed
// tree head (ShowTransferLog).
#include <algorithm>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "alert_card.h"
#include "cli_output.h"
#include "cli_validators.h"
#include "commands/log_common.h"
#include "commands/log_proofs.h"
#include "common/status_macros.h"
#include "delivery_state.h"
#include "deliverylog/tree_head.h"
#include "log_format.h"

namespace handover::cli {
namespace {

namespace v1 = handover::v1;

struct ShowOptions {
  NodeConnectionOptions connection;
  std::string transfer_id;
  std::string router_key;  // public key file, or empty
  OutputFormat format = OutputFormat::kText;
};

struct Logged {
  const v1::LogEntry* entry;
  const char* where;  // "node" or "router"
};

// Both logs' entries in one timeline, by time; on a tie the node's first,
// each log in its own order.
std::vector<Logged> Timeline(const v1::ShowTransferLogResponse& r) {
  std::vector<Logged> all;
  for (const v1::LogEntry& e : r.node_entries()) all.push_back({&e, "node"});
  for (const v1::LogEntry& e : r.router_entries()) {
    all.push_back({&e, "router"});
  }
  auto time_of = [](const Logged& l) {
    return std::make_pair(l.entry->time().seconds(), l.entry->time().nanos());
  };
  std::stable_sort(all.begin(), all.end(),
                   [&](const Logged& a, const Logged& b) {
                     return time_of(a) < time_of(b);
                   });
  return all;
}

// What the client could establish about the router's part.
struct RouterFindings {
  std::vector<std::string> lines;  // for people, in order
  std::optional<std::string> warning_proof;
  std::optional<std::string> warning_signature;
  bool proven = false;
  std::string signature = "not checked";  // or "valid", "invalid"
};

void CheckSignature(const v1::SignedTreeHead& head, const ShowOptions& o,
                    const std::vector<crypto::PublicIdentity>& keys,
                    RouterFindings* f) {
  if (o.router_key.empty()) {
    f->lines.push_back(
        "head signature not checked: pass --router-key FILE (the router's "
        "public key file)");
    return;
  }
  if (absl::Status s = deliverylog::VerifyTreeHead(head, keys); !s.ok()) {
    f->signature = "invalid";
    f->warning_signature =
        absl::StrCat("the router's tree head signature does not verify with ",
                     o.router_key, ": ", s.message());
    f->lines.push_back(absl::StrCat("WARNING: ", *f->warning_signature));
    return;
  }
  f->signature = "valid";
  f->lines.push_back(absl::StrCat("head signature valid: made with the key in ",
                                  o.router_key));
}

// Why the router's entries are not proven, or nullopt if every one is.
std::optional<std::string> RouterProofProblem(
    const v1::ShowTransferLogResponse& r, const std::string& transfer_id) {
  // A proof shows that an entry is in the router's log, not that it is
  // about this transfer.
  for (const v1::LogEntry& e : r.router_entries()) {
    if (HexBytes(e.transfer_id()) != transfer_id) {
      return absl::StrCat("router entry ", e.index(),
                          " is about another transfer");
    }
  }
  if (!r.has_router_tree_head()) {
    return "the router's entries came without its tree head";
  }
  if (absl::Status s = CheckEntriesAgainstHead(
          r.router_entries(), r.router_proofs(), r.router_tree_head());
      !s.ok()) {
    return absl::StrCat("router ", s.message(),
                        " (against the router's tree head of ",
                        TreeHeadSummary(r.router_tree_head()), ")");
  }
  return std::nullopt;
}

RouterFindings CheckRouter(const v1::ShowTransferLogResponse& r,
                           const ShowOptions& o,
                           const std::vector<crypto::PublicIdentity>& keys) {
  RouterFindings f;
  if (!r.router_error().empty()) {
    // The node's words: why there is no router part ("the router could
    // not be asked: ...", "the router logged nothing for this transfer").
    f.lines.push_back(
        absl::StrCat("WARNING: no router entries: ", CardText(r.router_error()),
                     "; only this node's entries are shown"));
  }
  if (r.router_entries().empty()) return f;
  f.warning_proof = RouterProofProblem(r, o.transfer_id);
  if (f.warning_proof.has_value()) {
    f.lines.push_back(absl::StrCat(
        "WARNING: the router's entries are NOT proven: ", *f.warning_proof));
  } else {
    f.proven = true;
    f.lines.push_back(
        absl::StrCat("router entries proven against the router's tree head "
                     "of size ",
                     r.router_tree_head().tree_size(), " signed at ",
                     FormatMicrosUtc(r.router_tree_head().timestamp())));
  }
  if (r.has_router_tree_head()) {
    CheckSignature(r.router_tree_head(), o, keys, &f);
  }
  return f;
}

std::string RecipientLine(const v1::RecipientStatus& r) {
  std::string line =
      absl::StrCat(r.agency_id(), ": ", DeliveryStateName(r.state()), " at ",
                   FormatUtc(r.updated_at().seconds()));
  if (!r.reason().empty()) absl::StrAppend(&line, "; ", CardText(r.reason()));
  if (!r.acknowledged_by().empty()) {
    absl::StrAppend(&line, "; acknowledged by ", CardText(r.acknowledged_by()),
                    " at ", FormatUtc(r.acknowledged_at().seconds()));
  }
  if (r.overdue()) absl::StrAppend(&line, "  OVERDUE");
  return line;
}

void PrintText(const ShowOptions& o, const v1::ShowTransferLogResponse& r,
               const std::vector<Logged>& timeline, const RouterFindings& f) {
  std::string out =
      absl::StrCat("transfer ", o.transfer_id, ": ", timeline.size(),
                   " log entries (", r.node_entries_size(), " at this node, ",
                   r.router_entries_size(), " at the router)\n");
  if (!timeline.empty()) {
    std::vector<std::vector<std::string>> rows = {LogTimelineHeader()};
    for (const Logged& l : timeline) {
      rows.push_back(LogTimelineRow(*l.entry, l.where));
    }
    absl::StrAppend(&out, "\n", FormatTable(rows));
  }
  if (!r.recipients().empty()) {
    absl::StrAppend(&out, "\nrecipients\n");
    for (const v1::RecipientStatus& rs : r.recipients()) {
      absl::StrAppend(&out, "  ", RecipientLine(rs), "\n");
    }
  }
  if (!f.lines.empty()) absl::StrAppend(&out, "\n");
  for (const std::string& line : f.lines) absl::StrAppend(&out, line, "\n");
  std::cout << out;
}

Json NullOr(const std::optional<std::string>& text) {
  return text.has_value() ? Json(*text) : Json(nullptr);
}

void PrintJson(const ShowOptions& o, const v1::ShowTransferLogResponse& r,
               const std::vector<Logged>& timeline, const RouterFindings& f) {
  Json entries = Json::array();
  for (const Logged& l : timeline) {
    Json j = LogEntryJson(*l.entry);
    j["log"] = l.where;
    entries.push_back(std::move(j));
  }
  Json recipients = Json::array();
  for (const v1::RecipientStatus& rs : r.recipients()) {
    recipients.push_back({{"agency_id", rs.agency_id()},
                          {"state", DeliveryStateName(rs.state())},
                          {"reason", rs.reason()},
                          {"updated_at", FormatUtc(rs.updated_at().seconds())},
                          {"acknowledged_by", rs.acknowledged_by()},
                          {"overdue", rs.overdue()}});
  }
  Json router = {{"error", r.router_error().empty() ? Json(nullptr)
                                                    : Json(r.router_error())},
                 {"entries", r.router_entries_size()},
                 {"tree_head", r.has_router_tree_head()
                                   ? TreeHeadJson(r.router_tree_head())
                                   : Json(nullptr)},
                 {"proven", f.proven},
                 {"proof_problem", NullOr(f.warning_proof)},
                 {"signature", f.signature},
                 {"signature_problem", NullOr(f.warning_signature)}};
  Json out = {{"transfer_id", o.transfer_id},
              {"timeline", std::move(entries)},
              {"recipients", std::move(recipients)},
              {"router", std::move(router)}};
  std::cout << out.dump(2) << "\n";
}

absl::Status RunShow(const ShowOptions& o) {
  std::vector<crypto::PublicIdentity> router_keys;
  if (!o.router_key.empty()) {
    ASSIGN_OR_RETURN(router_keys, LoadPublicKeys({o.router_key}));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<NodeConnection> node,
                   NodeConnection::Open(o.connection));
  v1::ShowTransferLogRequest request;
  request.set_transfer_id(o.transfer_id);
  ASSIGN_OR_RETURN(v1::ShowTransferLogResponse response,
                   CallNode(*node, "ShowTransferLog",
                            &v1::Node::Stub::ShowTransferLog, request));
  const std::vector<Logged> timeline = Timeline(response);
  const RouterFindings findings = CheckRouter(response, o, router_keys);
  if (o.format == OutputFormat::kJson) {
    PrintJson(o, response, timeline, findings);
  } else {
    PrintText(o, response, timeline, findings);
  }
  return absl::OkStatus();
}

}  // namespace

Command AddLogShowCommand(CLI::App* group) {
  CLI::App* app = group->add_subcommand(
      "show",
      "Shows one transfer's whole timeline from the delivery logs, oldest "
      "first: each event, and whether this node or the router logged it. "
      "Then where each recipient's copy has got to. The router's entries "
      "come with its signed tree head and an inclusion proof each; they are "
      "checked here, against that head's root, and a WARNING says so if any "
      "does not verify. With --router-key the head's signature is checked "
      "too. If the router's part could not be had, a WARNING says why and "
      "this node's part is shown alone (exit 0). Needs a client with the admin "
      "role.");
  app->footer(
      "Example:\n"
      "  handover log show 3f0c8e1d2b4a59687766554433221100 \\\n"
      "      --router-key keys/router/public.key \\\n"
      "      --node 127.0.0.1:7401 --ca tls/ca.pem \\\n"
      "      --token-file tokens/stockport-cs/admin.token\n"
      "\n"
      "Exit status: 0 success (warnings included), 1 failure, 2 usage "
      "error.");
  auto o = std::make_shared<ShowOptions>();
  app->add_option("TRANSFER", o->transfer_id, "The transfer id (32 hex digits)")
      ->required()
      ->check(TransferIdValidator());
  app->add_option("--router-key", o->router_key,
                  "The router's public key file, to check its tree head's "
                  "signature");
  AddFormatOption(app, &o->format);
  AddNodeConnectionOptions(app, &o->connection);
  return {app, [o] { return RunShow(*o); }};
}

}  // namespace handover::cli

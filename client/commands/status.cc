#include "commands/status.h"

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "alert_card.h"
#include "cli_output.h"
#include "cli_validators.h"
#include "common/status_macros.h"
#include "crypto/identity.h"
#include "delivery_state.h"
#include "duration.h"
#include "handover/v1/node.grpc.pb.h"
#include "handover/v1/notice.pb.h"
#include "interrupt.h"
#include "move_names.h"
#include "node_connection.h"
#include "rpc_error.h"

namespace handover::cli {
namespace {

namespace v1 = handover::v1;

constexpr auto kPollInterval = std::chrono::milliseconds(250);

struct StatusOptions {
  NodeConnectionOptions connection;
  std::string transfer_id;
  std::string wait;  // a state name, or empty
  std::string timeout = "60s";
  OutputFormat format = OutputFormat::kText;
};

// What a signed notice says, as far as the CLI can tell without the
// directory: the node has verified its signature before storing it.
struct NoticeSummary {
  bool parsed = false;
  v1::Notice notice;
  std::string key_id;  // hex
};

NoticeSummary Summarize(const v1::SignedNotice& signed_notice) {
  NoticeSummary s;
  s.parsed = s.notice.ParseFromString(signed_notice.notice());
  s.key_id = crypto::ToHex(signed_notice.signer_key_id());
  return s;
}

Json NoticeJson(const NoticeSummary& s) {
  Json j = {{"signer_id", s.notice.signer_id()},
            {"signer_key_id", s.key_id},
            {"issued_at", FormatUtc(s.notice.issued_at().seconds())}};
  if (s.notice.has_receipt()) {
    j["ciphertext_sha256"] =
        crypto::ToHex(s.notice.receipt().ciphertext_hash());
    j["stored_at"] = FormatUtc(s.notice.receipt().stored_at().seconds());
  }
  if (s.notice.has_non_delivery()) {
    j["reason"] = v1::NonDeliveryReason_Name(s.notice.non_delivery().reason());
    j["detail"] = s.notice.non_delivery().detail();
  }
  return j;
}

std::string NoticeText(absl::string_view what, const NoticeSummary& s) {
  if (!s.parsed) return absl::StrCat(what, " held, but it does not parse");
  return absl::StrCat(what, " signed by ", s.notice.signer_id(), " (key ",
                      s.key_id, ") at ",
                      FormatUtc(s.notice.issued_at().seconds()));
}

bool IsSet(const google::protobuf::Timestamp& t) {
  return t.seconds() != 0 || t.nanos() != 0;
}

Json TimeJson(const google::protobuf::Timestamp& t) {
  return IsSet(t) ? Json(FormatUtc(t.seconds())) : Json(nullptr);
}

// Move notices only: the recipient's kind, its acknowledgement deadline
// and who took it on.
void AddAcknowledgement(const v1::RecipientStatus& r, Report* report, Json* j) {
  (*j)["kind"] = r.kind() == v1::AGENCY_KIND_UNSPECIFIED
                     ? Json(nullptr)
                     : Json(AgencyKindName(r.kind()));
  (*j)["acknowledgement_due_at"] = TimeJson(r.acknowledgement_due_at());
  (*j)["acknowledged_by"] =
      r.acknowledged_by().empty() ? Json(nullptr) : Json(r.acknowledged_by());
  (*j)["acknowledged_at"] = TimeJson(r.acknowledged_at());
  (*j)["acknowledgement"] = nullptr;
  (*j)["overdue"] = r.overdue();
  std::vector<std::string> parts;
  if (r.kind() != v1::AGENCY_KIND_UNSPECIFIED) {
    parts.push_back(AgencyKindName(r.kind()));
  }
  if (!r.acknowledged_by().empty()) {
    parts.push_back(absl::StrCat("acknowledged by ",
                                 CardText(r.acknowledged_by()), " at ",
                                 FormatUtc(r.acknowledged_at().seconds())));
  } else if (IsSet(r.acknowledgement_due_at())) {
    parts.push_back(
        absl::StrCat("acknowledgement due ",
                     FormatUtc(r.acknowledgement_due_at().seconds())));
  }
  if (!parts.empty()) {
    report->Row("", absl::StrCat("  ", absl::StrJoin(parts, "; ")));
  }
  if (r.has_acknowledgement()) {
    NoticeSummary s = Summarize(r.acknowledgement());
    report->Row("", absl::StrCat("  ", NoticeText("acknowledgement", s)));
    if (s.parsed) (*j)["acknowledgement"] = NoticeJson(s);
  }
}

void AddRecipient(const v1::RecipientStatus& r, Report* report, Json* list) {
  std::string line =
      absl::StrCat(r.agency_id(), ": ", DeliveryStateName(r.state()), " at ",
                   FormatUtc(r.updated_at().seconds()));
  if (!r.reason().empty()) absl::StrAppend(&line, "; ", r.reason());
  // Loud on purpose: an unacknowledged move notice needs someone to chase.
  if (r.overdue()) absl::StrAppend(&line, "  OVERDUE");
  report->Row(list->empty() ? "recipients" : "", line);
  Json j = {{"agency_id", r.agency_id()},
            {"state", DeliveryStateName(r.state())},
            {"reason", r.reason()},
            {"updated_at", FormatUtc(r.updated_at().seconds())},
            {"receipt", nullptr},
            {"report", nullptr}};
  if (r.has_receipt()) {
    NoticeSummary s = Summarize(r.receipt());
    report->Row("", absl::StrCat("  ", NoticeText("receipt", s)));
    if (s.parsed) j["receipt"] = NoticeJson(s);
  }
  if (r.has_report()) {
    NoticeSummary s = Summarize(r.report());
    report->Row("", absl::StrCat("  ", NoticeText("non-delivery report", s)));
    if (s.parsed) j["report"] = NoticeJson(s);
  }
  AddAcknowledgement(r, report, &j);
  list->push_back(std::move(j));
}

std::string ListText(const google::protobuf::RepeatedPtrField<std::string>& l) {
  return l.empty() ? "none" : absl::StrJoin(l, ", ");
}

void AddMoveRows(const v1::TransferStatusResponse& s, Report* r) {
  if (s.move_id().empty()) return;
  r->Row("move",
         absl::StrCat(s.move_id(), " (", MoveKindName(s.move_kind()), ")"));
  r->Row("kept fields", ListText(s.kept_fields()));
  r->Row("kept attachments", ListText(s.kept_attachments()));
}

Report StatusReport(const v1::TransferStatusResponse& s) {
  Report r;
  r.Row("transfer id", s.transfer_id());
  r.Row("state", DeliveryStateName(s.state()));
  r.Row("created", FormatUtc(s.created_at().seconds()));
  r.Row("expires", FormatUtc(s.expires_at().seconds()));
  r.Row("envelope size", FormatSize(s.envelope_size()));
  AddMoveRows(s, &r);
  Json recipients = Json::array();
  for (const v1::RecipientStatus& rs : s.recipients()) {
    AddRecipient(rs, &r, &recipients);
  }
  r.json["transfer_id"] = s.transfer_id();
  r.json["state"] = DeliveryStateName(s.state());
  r.json["created_at"] = FormatUtc(s.created_at().seconds());
  r.json["expires_at"] = FormatUtc(s.expires_at().seconds());
  r.json["envelope_bytes"] = s.envelope_size();
  r.json["recipients"] = std::move(recipients);
  const bool move = !s.move_id().empty();
  r.json["move_id"] = move ? Json(s.move_id()) : Json(nullptr);
  r.json["move_kind"] =
      move ? Json(MoveKindName(s.move_kind())) : Json(nullptr);
  r.json["kept_fields"] =
      std::vector<std::string>(s.kept_fields().begin(), s.kept_fields().end());
  r.json["kept_attachments"] = std::vector<std::string>(
      s.kept_attachments().begin(), s.kept_attachments().end());
  return r;
}

absl::StatusOr<v1::TransferStatusResponse> Query(NodeConnection& node,
                                                 const std::string& id) {
  v1::TransferStatusRequest request;
  request.set_transfer_id(id);
  v1::TransferStatusResponse response;
  grpc::ClientContext context;
  node.Prepare(&context, kUnaryDeadline);
  CancelOnInterrupt cancel(&context);
  grpc::Status status =
      node.stub().TransferStatus(&context, request, &response);
  if (!status.ok()) {
    if (Interrupted()) return absl::CancelledError("interrupted");
    return DescribeRpcError(status, "TransferStatus", node.address());
  }
  return response;
}

// OK when every recipient has reached `target`; FailedPrecondition when one
// has settled in a final state that is not `target`, so waiting longer
// cannot help; Unavailable while still on the way.
absl::Status Reached(const v1::TransferStatusResponse& s,
                     v1::DeliveryState target) {
  if (s.recipients().empty()) {
    return HasReached(s.state(), target) ? absl::OkStatus()
                                         : absl::UnavailableError("");
  }
  bool all = true;
  for (const v1::RecipientStatus& r : s.recipients()) {
    if (HasReached(r.state(), target)) continue;
    if (IsFinal(r.state())) {
      return absl::FailedPreconditionError(absl::StrCat(
          "transfer ", s.transfer_id(), " will not be ",
          DeliveryStateName(target), ": ", r.agency_id(), " is ",
          DeliveryStateName(r.state()),
          r.reason().empty() ? "" : absl::StrCat(" (", r.reason(), ")")));
    }
    all = false;
  }
  return all ? absl::OkStatus() : absl::UnavailableError("");
}

absl::Status RunStatus(const StatusOptions& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<NodeConnection> node,
                   NodeConnection::Open(options.connection));
  ASSIGN_OR_RETURN(v1::TransferStatusResponse status,
                   Query(*node, options.transfer_id));
  if (!options.wait.empty()) {
    const v1::DeliveryState target = *ParseDeliveryState(options.wait);
    ASSIGN_OR_RETURN(absl::Duration timeout, ParseDuration(options.timeout));
    const absl::Time give_up = absl::Now() + timeout;
    for (;;) {
      absl::Status reached = Reached(status, target);
      if (reached.ok()) break;
      if (!absl::IsUnavailable(reached)) return reached;
      if (absl::Now() >= give_up) {
        return absl::DeadlineExceededError(
            absl::StrCat("transfer ", options.transfer_id, " did not become ",
                         options.wait, " within ", options.timeout, " (it is ",
                         DeliveryStateName(status.state()), ")"));
      }
      std::this_thread::sleep_for(kPollInterval);
      if (Interrupted()) return absl::CancelledError("interrupted");
      ASSIGN_OR_RETURN(status, Query(*node, options.transfer_id));
    }
  }
  PrintReport(StatusReport(status), options.format);
  return absl::OkStatus();
}

}  // namespace

Command AddStatusCommand(CLI::App* parent) {
  CLI::App* app = parent->add_subcommand(
      "status",
      "Shows where a transfer your agency sent has got to, for each "
      "recipient. The states are queued (in your node's outbox), at-router, "
      "delivered "
      "(with the recipient's signed receipt, which your node has verified), "
      "failed or expired (with the reason and the router's signed report), "
      "or withdrawn (superseded by a later move of the same child). For a "
      "view of a move it also shows the move, which fields and attachments "
      "the view carried and, per recipient, its kind, when its "
      "acknowledgement is due, who acknowledged it, and OVERDUE when "
      "nobody has in time. "
      "With --wait STATE it asks again every quarter second until every "
      "recipient is in that state (or past it), and fails if the transfer "
      "settles in another final state or --timeout passes. Needs a client "
      "with the submitter or admin role.");
  app->footer(
      "Example:\n"
      "  handover status 3f0c8e1d2b4a59687766554433221100 \\\n"
      "      --wait delivered --timeout 2m \\\n"
      "      --node 127.0.0.1:7401 --ca tls/ca.pem \\\n"
      "      --cert tls/case-system.pem --key tls/case-system.key\n"
      "\n"
      "Exit status: 0 success, 1 failure (or --timeout passed), 2 usage "
      "error.");
  auto options = std::make_shared<StatusOptions>();
  app->add_option("ID", options->transfer_id,
                  "The transfer id that `handover submit` printed")
      ->required()
      ->check(TransferIdValidator());
  app->add_option("--wait", options->wait,
                  absl::StrCat("Wait until every recipient is in this state: ",
                               absl::StrJoin(DeliveryStateNames(), ", ")))
      ->check(CLI::IsMember(DeliveryStateNames()));
  app->add_option("--timeout", options->timeout,
                  "How long --wait waits, e.g. 30s, 2m")
      ->check(DurationValidator())
      ->default_str("60s");
  AddFormatOption(app, &options->format);
  AddNodeConnectionOptions(app, &options->connection);
  return {app, [options] { return RunStatus(*options); }};
}

}  // namespace handover::cli

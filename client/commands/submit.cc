#include "commands/submit.h"

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "attachment_upload.h"
#include "cli_output.h"
#include "cli_validators.h"
#include "common/status_macros.h"
#include "duration.h"
#include "handover/v1/node.grpc.pb.h"
#include "interrupt.h"
#include "node_connection.h"
#include "progress.h"
#include "rpc_error.h"

namespace handover::cli {
namespace {

namespace v1 = handover::v1;

// An interrupted upload may still have been stored if the node answered
// just as it was cancelled; the idempotency key makes sending it again safe.
constexpr char kInterrupted[] =
    "interrupted; submit again with the same --idempotency-key: it is "
    "stored once either way";

struct SubmitOptions {
  NodeConnectionOptions connection;
  std::string bundle;
  std::vector<std::string> to;
  std::string idempotency_key;
  std::vector<std::string> attach;  // FILE or FILE:NAME
  std::string ttl;                  // empty = the node's default
  OutputFormat format = OutputFormat::kText;
};

absl::StatusOr<v1::SubmitTransferStart> BuildStart(const SubmitOptions& options,
                                                   UploadBundle* upload) {
  v1::SubmitTransferStart start;
  ASSIGN_OR_RETURN(*upload, ReadUploadBundle(options.bundle, options.attach));
  std::set<std::string> seen;
  for (const std::string& to : options.to) {
    if (!seen.insert(to).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("--to ", to, " is given twice"));
    }
    start.add_recipients(to);
  }
  start.set_idempotency_key(options.idempotency_key);
  if (!options.ttl.empty()) {
    ASSIGN_OR_RETURN(absl::Duration ttl, ParseDuration(options.ttl));
    start.set_time_to_live_seconds(
        static_cast<uint64_t>(absl::ToInt64Seconds(ttl)));
  }
  AddDescriptors(upload->bundle, start.mutable_attachments());
  *start.mutable_bundle() = upload->bundle;
  return start;
}

Report SubmitReport(const v1::SubmitTransferResponse& response,
                    const v1::SubmitTransferStart& start,
                    const NodeConnection& node) {
  Report r;
  r.Row("transfer id", response.transfer_id());
  r.Row("duplicate",
        response.duplicate()
            ? "yes: this idempotency key was used before; nothing was sent "
              "again"
            : "no");
  r.Row("node", node.address());
  r.Row("recipients", absl::StrJoin(start.recipients(), ", "));
  Json attachments = Json::array();
  for (const auto& a : start.attachments()) {
    r.Row(attachments.empty() ? "attachments" : "",
          absl::StrCat(a.name(), ", ", a.media_type(), ", ",
                       FormatSize(a.size())));
    attachments.push_back(Json{{"name", a.name()},
                               {"media_type", a.media_type()},
                               {"size_bytes", a.size()}});
  }
  if (attachments.empty()) r.Row("attachments", "none");
  r.json["transfer_id"] = response.transfer_id();
  r.json["duplicate"] = response.duplicate();
  r.json["node"] = node.address();
  r.json["recipients"] = Json(std::vector<std::string>(
      start.recipients().begin(), start.recipients().end()));
  r.json["attachments"] = std::move(attachments);
  return r;
}

absl::Status RunSubmit(const SubmitOptions& options) {
  UploadBundle upload;
  ASSIGN_OR_RETURN(v1::SubmitTransferStart start, BuildStart(options, &upload));
  ASSIGN_OR_RETURN(std::unique_ptr<NodeConnection> node,
                   NodeConnection::Open(options.connection));

  const uint64_t total = TotalBytes(start.attachments());
  // Allow the stream a minute, plus a second per MiB, within the ceiling.
  const auto deadline = std::min<std::chrono::system_clock::duration>(
      kStreamDeadline, std::chrono::seconds(60 + (total >> 20)));
  grpc::ClientContext context;
  node->Prepare(&context, deadline);
  CancelOnInterrupt cancel(&context);
  v1::SubmitTransferResponse response;
  std::unique_ptr<grpc::ClientWriter<v1::SubmitTransferRequest>> writer =
      node->stub().SubmitTransfer(&context, &response);

  TerminalProgress progress("sending");
  v1::SubmitTransferRequest first;
  *first.mutable_start() = start;
  bool sent = writer->Write(first);
  if (absl::Status s = SendAttachmentFiles(
          upload.files, start.attachments(), WriterFor(writer.get()),
          progress.Callback(), kInterrupted, &sent);
      !s.ok()) {
    // Cancel, so the node drops the partial transfer.
    context.TryCancel();
    writer->Finish();
    progress.Finish();
    return s;
  }
  if (sent) writer->WritesDone();
  const grpc::Status status = writer->Finish();
  progress.Finish();
  if (!status.ok()) {
    if (Interrupted()) {
      return absl::CancelledError(kInterrupted);
    }
    return DescribeRpcError(status, "SubmitTransfer", node->address());
  }
  PrintReport(SubmitReport(response, start, *node), options.format);
  return absl::OkStatus();
}

}  // namespace

Command AddSubmitCommand(CLI::App* parent) {
  CLI::App* app = parent->add_subcommand(
      "submit",
      "Sends a case bundle and its attachments to named agencies through "
      "your agency's node. The bundle is parsed strictly and validated "
      "here first; attachments are streamed from disk in pieces, so they "
      "may be of any size, with a progress bar on a terminal. The node "
      "seals, signs and stores the transfer before it answers, then "
      "forwards it. Prints the transfer id. Submitting again with the same "
      "--idempotency-key sends nothing twice: it prints the same transfer "
      "id and says \"duplicate\". Needs a client with the submitter role.");
  app->footer(
      "Example:\n"
      "  handover submit --node 127.0.0.1:7401 --ca tls/ca.pem \\\n"
      "      --cert tls/case-system.pem --key tls/case-system.key \\\n"
      "      --bundle child-bundle.json --to birmingham-cs \\\n"
      "      --idempotency-key STK-000123-move-1 --attach photo.jpg\n"
      "\n"
      "Exit status: 0 success, 1 failure, 2 usage error.");
  auto options = std::make_shared<SubmitOptions>();
  app->add_option("--bundle", options->bundle, "The case bundle as JSON")
      ->required();
  app->add_option("--to", options->to,
                  "A recipient agency id from the directory; repeat for "
                  "several")
      ->required()
      ->check(AgencyIdValidator());
  app->add_option("--idempotency-key", options->idempotency_key,
                  "Your unique key for this transfer (1 to 128 printable "
                  "ASCII characters); the same key never sends twice")
      ->required()
      ->check(IdempotencyKeyValidator());
  app->add_option("--attach", options->attach,
                  "A file to attach, as FILE or FILE:NAME to name it NAME; "
                  "repeatable");
  app->add_option("--ttl", options->ttl,
                  "How long the transfer may wait for delivery, e.g. 5d, "
                  "12h (default: the node's, 5d)")
      ->check(DurationValidator());
  AddFormatOption(app, &options->format);
  AddNodeConnectionOptions(app, &options->connection);
  return {app, [options] { return RunSubmit(*options); }};
}

}  // namespace handover::cli

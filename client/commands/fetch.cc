#include "commands/fetch.h"

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "cli_output.h"
#include "cli_validators.h"
#include "common/status_macros.h"
#include "fetch_writer.h"
#include "handover/v1/node.grpc.pb.h"
#include "interrupt.h"
#include "node_connection.h"
#include "progress.h"
#include "rpc_error.h"

namespace handover::cli {
namespace {

namespace v1 = handover::v1;

struct FetchOptions {
  NodeConnectionOptions connection;
  std::string transfer_id;
  std::string out_dir;
  OutputFormat format = OutputFormat::kText;
};

Report FetchReport(const v1::FetchHeader& header, const FetchWriter& writer,
                   const NodeConnection& node) {
  Report r;
  r.Row("fetched", header.transfer_id());
  r.Row("from", header.sender_id());
  r.Row("created", FormatUtc(header.created_at().seconds()));
  if (header.has_recall()) {
    // Kept, but not to be relied on until re-verified with the sender.
    r.Row("WARNING", absl::StrCat("recalled: ", header.recall().reason(),
                                  "; re-verify with the sender before "
                                  "relying on it (handover recalls)"));
  }
  r.Row("node", node.address());
  r.Row("bundle", writer.bundle_path());
  Json attachments = Json::array();
  for (const v1::FetchedAttachment& a : header.attachments()) {
    r.Row(attachments.empty() ? "attachments" : "",
          absl::StrCat(a.name(), ", ", a.media_type(), ", ",
                       FormatSize(a.size())));
    attachments.push_back(Json{{"name", a.name()},
                               {"media_type", a.media_type()},
                               {"size_bytes", a.size()}});
  }
  if (attachments.empty()) r.Row("attachments", "none");
  r.json["transfer_id"] = header.transfer_id();
  r.json["sender_id"] = header.sender_id();
  r.json["created_at"] = FormatUtc(header.created_at().seconds());
  r.json["node"] = node.address();
  r.json["out"] = writer.out_dir();
  r.json["bundle_file"] = writer.bundle_path();
  r.json["attachments"] = std::move(attachments);
  if (header.has_recall()) {
    r.json["recall"] =
        Json{{"flagged_at", FormatUtc(header.recall().flagged_at().seconds())},
             {"reason", header.recall().reason()},
             {"directory_version", header.recall().directory_version()}};
  }
  return r;
}

// Feeds one streamed message to `writer`.
absl::Status Consume(const v1::FetchTransferResponse& message,
                     const std::string& transfer_id, FetchWriter* writer,
                     v1::FetchHeader* header) {
  switch (message.part_case()) {
    case v1::FetchTransferResponse::kHeader:
      if (message.header().transfer_id() != transfer_id) {
        return absl::DataLossError(absl::StrCat(
            "the node sent transfer ", message.header().transfer_id(),
            " when asked for ", transfer_id));
      }
      *header = message.header();
      header->clear_bundle();  // the writer keeps what it needs on disk
      return writer->OnHeader(message.header());
    case v1::FetchTransferResponse::kAttachmentData:
      return writer->OnData(message.attachment_data().data());
    case v1::FetchTransferResponse::kEnd:
      return writer->OnEnd();
    default:
      return absl::DataLossError(
          "the node's FetchTransfer stream is broken: an empty message");
  }
}

absl::Status RunFetch(const FetchOptions& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<FetchWriter> writer,
                   FetchWriter::Create(options.out_dir));
  ASSIGN_OR_RETURN(std::unique_ptr<NodeConnection> node,
                   NodeConnection::Open(options.connection));
  grpc::ClientContext context;
  node->Prepare(&context, kStreamDeadline);
  CancelOnInterrupt cancel(&context);
  v1::FetchTransferRequest request;
  request.set_transfer_id(options.transfer_id);
  auto reader = node->stub().FetchTransfer(&context, request);

  TerminalProgress progress("fetching");
  const casefile::ProgressFn report_progress = progress.Callback();
  v1::FetchHeader header;
  v1::FetchTransferResponse message;
  absl::Status failed;
  while (reader->Read(&message)) {
    failed = Consume(message, options.transfer_id, writer.get(), &header);
    if (!failed.ok()) break;
    if (report_progress && writer->has_header()) {
      report_progress(writer->bytes_received(), writer->bytes_declared());
    }
  }
  if (!failed.ok()) context.TryCancel();
  const grpc::Status status = reader->Finish();
  progress.Finish();
  // Whatever happened, the writer's destructor removes the staging
  // directory unless it was published.
  if (!failed.ok()) return failed;
  if (!status.ok()) {
    if (Interrupted()) {
      return absl::CancelledError("interrupted; nothing was written");
    }
    return DescribeRpcError(status, "FetchTransfer", node->address());
  }
  if (!writer->ended()) {
    return absl::DataLossError(
        "the node ended FetchTransfer without FetchEnd; nothing was written");
  }
  RETURN_IF_ERROR(writer->Publish());
  PrintReport(FetchReport(header, *writer, *node), options.format);
  return absl::OkStatus();
}

}  // namespace

Command AddFetchCommand(CLI::App* parent) {
  CLI::App* app = parent->add_subcommand(
      "fetch",
      "Opens one transfer from your agency's inbox into a directory. It "
      "writes OUT/bundle.json and OUT/attachments/. The node verifies and "
      "decrypts it "
      "as it streams; the files are written beside OUT and appear there "
      "only when the node has verified the whole transfer, so a failure "
      "leaves nothing behind. OUT must not exist or must be empty. Shows a "
      "progress bar on a terminal for large transfers. Needs a client with "
      "the receiver role.");
  app->footer(
      "Example:\n"
      "  handover fetch 3f0c8e1d2b4a59687766554433221100 --out received \\\n"
      "      --node 127.0.0.1:7403 --ca tls/ca.pem \\\n"
      "      --token-file tokens/birmingham-cs/receiver.token\n"
      "\n"
      "Exit status: 0 success, 1 failure, 2 usage error.");
  auto options = std::make_shared<FetchOptions>();
  app->add_option("ID", options->transfer_id,
                  "The transfer id, as `handover inbox` lists it")
      ->required()
      ->check(TransferIdValidator());
  app->add_option("--out", options->out_dir,
                  "Directory to create for bundle.json and attachments/")
      ->required();
  AddFormatOption(app, &options->format);
  AddNodeConnectionOptions(app, &options->connection);
  return {app, [options] { return RunFetch(*options); }};
}

}  // namespace handover::cli

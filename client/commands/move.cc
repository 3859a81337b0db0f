#include "commands/move.h"

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "attachment_upload.h"
#include "cli_output.h"
#include "cli_validators.h"
#include "common/status_macros.h"
#include "duration.h"
#include "handover/v1/node.grpc.pb.h"
#include "interrupt.h"
#include "move_names.h"
#include "node_connection.h"
#include "progress.h"
#include "rpc_error.h"

namespace handover::cli {
namespace {

namespace v1 = handover::v1;

// As for submit: the node may have stored the move just as it was
// cancelled, and the key makes sending it again safe.
constexpr char kInterrupted[] =
    "interrupted; run move again with the same --idempotency-key: it is "
    "stored once either way";

constexpr size_t kMaxAddressChars = 500;  // node.proto

struct MoveOptions {
  NodeConnectionOptions connection;
  std::string bundle;
  std::vector<std::string> attach;  // FILE or FILE:NAME
  std::string from;
  std::string to;
  std::string address;
  std::string postcode;   // canonical once validated
  std::string effective;  // empty = now
  std::string urgency = "planned";
  bool missing = false;
  std::string idempotency_key;
  std::string ttl;  // empty = the node's default
  OutputFormat format = OutputFormat::kText;
};

CLI::Validator AddressValidator() {
  return CLI::Validator(
      [](std::string& address) -> std::string {
        size_t chars = 0;  // UTF-8 code points
        for (char c : address) chars += (c & 0xc0) != 0x80;
        if (chars == 0 || chars > kMaxAddressChars) {
          return absl::StrCat("the placement address is 1 to ",
                              kMaxAddressChars, " characters");
        }
        return "";
      },
      "TEXT");
}

absl::StatusOr<v1::SubmitMoveStart> BuildStart(const MoveOptions& options,
                                               UploadBundle* upload) {
  ASSIGN_OR_RETURN(*upload, ReadUploadBundle(options.bundle, options.attach));
  if (upload->bundle.has_move()) {
    return absl::InvalidArgumentError(absl::StrCat(
        options.bundle,
        ": the bundle has a \"move\" part; leave it out: the node fills it "
        "from --from, --to, --address, --postcode, --effective and "
        "--urgency"));
  }
  v1::SubmitMoveStart start;
  start.set_idempotency_key(options.idempotency_key);
  start.set_kind(options.missing ? v1::MOVE_NOTICE_KIND_MISSING_EPISODE
                                 : v1::MOVE_NOTICE_KIND_MOVE);
  start.set_from_area(options.from);
  start.set_to_area(options.to);
  start.set_placement_address(options.address);
  start.set_placement_postcode(options.postcode);
  absl::Time effective = absl::Now();
  if (!options.effective.empty()) {
    ASSIGN_OR_RETURN(effective, ParseTimestamp(options.effective));
  }
  start.mutable_effective_time()->set_seconds(absl::ToUnixSeconds(effective));
  start.set_urgency(*ParseUrgency(options.urgency));
  if (!options.ttl.empty()) {
    ASSIGN_OR_RETURN(absl::Duration ttl, ParseDuration(options.ttl));
    start.set_time_to_live_seconds(
        static_cast<uint64_t>(absl::ToInt64Seconds(ttl)));
  }
  AddDescriptors(upload->bundle, start.mutable_attachments());
  *start.mutable_bundle() = upload->bundle;
  return start;
}

std::vector<std::string> Strings(
    const google::protobuf::RepeatedPtrField<std::string>& list) {
  return {list.begin(), list.end()};
}

// "  police_force view -> wmp (transfer ID): identity, risk; 1 attachment
// (photo.jpg)"
std::string ViewLine(const v1::MoveView& view) {
  std::string line = absl::StrCat(
      "  ", AgencyKindName(view.kind()), " view -> ",
      view.recipients().empty() ? "no recipients"
                                : absl::StrJoin(view.recipients(), ", "),
      " (transfer ", view.transfer_id(), "): ",
      view.kept_fields().empty() ? "no fields"
                                 : absl::StrJoin(view.kept_fields(), ", "),
      "; ", view.kept_attachments_size(),
      view.kept_attachments_size() == 1 ? " attachment" : " attachments");
  if (!view.kept_attachments().empty()) {
    absl::StrAppend(&line, " (", absl::StrJoin(view.kept_attachments(), ", "),
                    ")");
  }
  return line + "\n";
}

Json ViewJson(const v1::MoveView& view) {
  return Json{{"transfer_id", view.transfer_id()},
              {"kind", AgencyKindName(view.kind())},
              {"recipients", Strings(view.recipients())},
              {"kept_fields", Strings(view.kept_fields())},
              {"kept_attachments", Strings(view.kept_attachments())}};
}

void PrintMove(const v1::SubmitMoveResponse& response,
               const NodeConnection& node, OutputFormat format) {
  if (format == OutputFormat::kJson) {
    Json views = Json::array(), moved_on = Json::array();
    for (const v1::MoveView& v : response.views()) views.push_back(ViewJson(v));
    for (const v1::MoveView& v : response.moved_on_views()) {
      moved_on.push_back(ViewJson(v));
    }
    Json out = {
        {"move_id", response.move_id()},
        {"duplicate", response.duplicate()},
        {"node", node.address()},
        {"views", std::move(views)},
        {"superseded_move_ids", Strings(response.superseded_move_ids())},
        {"moved_on_views", std::move(moved_on)}};
    std::cout << out.dump(2) << "\n";
    return;
  }
  std::string text = absl::StrCat("move id: ", response.move_id(), "\n");
  if (response.duplicate()) {
    absl::StrAppend(&text,
                    "duplicate: this idempotency key was used before; "
                    "nothing was sent again\n");
  }
  absl::StrAppend(&text, "views:\n");
  for (const v1::MoveView& v : response.views()) text += ViewLine(v);
  if (!response.superseded_move_ids().empty()) {
    absl::StrAppend(&text, "supersedes: ",
                    absl::StrJoin(response.superseded_move_ids(), ", "),
                    " (their undelivered copies are withdrawn)\n");
  }
  if (!response.moved_on_views().empty()) {
    absl::StrAppend(&text, "moved-on notices:\n");
    for (const v1::MoveView& v : response.moved_on_views()) text += ViewLine(v);
  }
  std::cout << text;
}

absl::Status RunMove(const MoveOptions& options) {
  UploadBundle upload;
  ASSIGN_OR_RETURN(v1::SubmitMoveStart start, BuildStart(options, &upload));
  ASSIGN_OR_RETURN(std::unique_ptr<NodeConnection> node,
                   NodeConnection::Open(options.connection));

  const uint64_t total = TotalBytes(start.attachments());
  // As submit: a minute, plus a second per MiB, within the ceiling.
  const auto deadline = std::min<std::chrono::system_clock::duration>(
      kStreamDeadline, std::chrono::seconds(60 + (total >> 20)));
  grpc::ClientContext context;
  node->Prepare(&context, deadline);
  CancelOnInterrupt cancel(&context);
  v1::SubmitMoveResponse response;
  std::unique_ptr<grpc::ClientWriter<v1::SubmitMoveRequest>> writer =
      node->stub().SubmitMove(&context, &response);

  TerminalProgress progress("sending");
  v1::SubmitMoveRequest first;
  *first.mutable_start() = start;
  bool sent = writer->Write(first);
  if (absl::Status s = SendAttachmentFiles(
          upload.files, start.attachments(), WriterFor(writer.get()),
          progress.Callback(), kInterrupted, &sent);
      !s.ok()) {
    // Cancel, so the node stores none of the views.
    context.TryCancel();
    writer->Finish();
    progress.Finish();
    return s;
  }
  if (sent) writer->WritesDone();
  const grpc::Status status = writer->Finish();
  progress.Finish();
  if (!status.ok()) {
    if (Interrupted()) return absl::CancelledError(kInterrupted);
    return DescribeRpcError(status, "SubmitMove", node->address());
  }
  PrintMove(response, *node, options.format);
  return absl::OkStatus();
}

}  // namespace

Command AddMoveCommand(CLI::App* parent) {
  CLI::App* app = parent->add_subcommand(
      "move",
      "Tells the agencies of the area a child moves to: its children's "
      "services, health team and police force (found through the signed "
      "directory), and the agencies your node always copies. Each kind of "
      "agency receives only its view of the bundle, as the node's view "
      "policy cuts it, sealed to it alone; nothing is sent unless every "
      "view is stored. With --missing it reports that a child placed in "
      "the --to area is missing instead. A move for a child whose earlier "
      "move is still undelivered supersedes it: those copies are withdrawn "
      "and the earlier area is told the child moved on. Prints the move id "
      "and, per view, who it went to and which fields and attachments it "
      "carried. The same --idempotency-key never sends twice. Needs a "
      "client with the submitter role.");
  app->footer(
      "Example:\n"
      "  handover move --node 127.0.0.1:7401 --ca tls/ca.pem \\\n"
      "      --cert tls/case-system.pem --key tls/case-system.key \\\n"
      "      --bundle child-bundle.json --attach photo.jpg \\\n"
      "      --from E08000007 --to E08000025 \\\n"
      "      --address \"12 Example Road, Birmingham\" --postcode \"B15 2TT\" "
      "\\\n"
      "      --urgency emergency --idempotency-key STK-000123-move-2\n"
      "\n"
      "Exit status: 0 success, 1 failure, 2 usage error.");
  auto options = std::make_shared<MoveOptions>();
  app->add_option("--bundle", options->bundle,
                  "The child's whole case bundle as JSON, without a "
                  "\"move\" part")
      ->required();
  app->add_option("--attach", options->attach,
                  "A file to attach, as FILE or FILE:NAME to name it NAME; "
                  "repeatable");
  app->add_option("--from", options->from,
                  "ONS GSS code of the area the child leaves, e.g. E08000007")
      ->required()
      ->check(GssCodeValidator());
  app->add_option("--to", options->to,
                  "ONS GSS code of the area whose agencies are told, e.g. "
                  "E08000025")
      ->required()
      ->check(GssCodeValidator());
  app->add_option("--address", options->address,
                  "The placement's address, 1 to 500 characters")
      ->required()
      ->check(AddressValidator());
  app->add_option("--postcode", options->postcode,
                  "The placement's UK postcode, e.g. \"B15 2TT\"")
      ->required()
      ->check(PostcodeValidator());
  app->add_option("--effective", options->effective,
                  "When the move takes effect, RFC 3339 (default: now), e.g. "
                  "2026-12-04T10:15:00Z")
      ->check(TimestampValidator());
  app->add_option("--urgency", options->urgency,
                  "planned, urgent (within days) or emergency (same day)")
      ->check(CLI::IsMember(UrgencyNames()))
      ->default_str("planned");
  app->add_flag("--missing", options->missing,
                "Report a missing episode of a child placed in the --to "
                "area, not a move");
  app->add_option("--idempotency-key", options->idempotency_key,
                  "Your unique key for this move (1 to 128 printable ASCII "
                  "characters); the same key never sends twice")
      ->required()
      ->check(IdempotencyKeyValidator());
  app->add_option("--ttl", options->ttl,
                  "How long each view may wait for delivery, e.g. 5d, 12h "
                  "(default: the node's, 5d)")
      ->check(DurationValidator());
  AddFormatOption(app, &options->format);
  AddNodeConnectionOptions(app, &options->connection);
  return {app, [options] { return RunMove(*options); }};
}

}  // namespace handover::cli

// Catalogue rows delivered to a node's local API: SubmitTransfer streams
// with path-traversal attachment names, bad sizes, unknown enum values and
// unknown fields, deep nesting, and other calls with hostile arguments.
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "google/protobuf/unknown_field_set.h"
#include "harness/log_calls.h"
#include "harness/move_calls.h"
#include "harness/node_client.h"
#include "harness/test_data.h"
#include "hostile/catalogue.h"

namespace handover::integration {
namespace {

namespace v1 = handover::v1;
using absl::StatusCode;

constexpr char kProof[] =
    "Stockport's outbox and inbox rows and files (no temporary left), "
    "moves, notices and delivery log, the router's store: unchanged";

// Sends `messages` as one SubmitTransfer stream, exactly as given.
absl::StatusOr<HostileOutcome> SubmitRaw(
    NodeClient& client,
    const std::vector<v1::SubmitTransferRequest>& messages) {
  std::unique_ptr<grpc::ClientContext> context = client.NewContext();
  v1::SubmitTransferResponse response;
  std::unique_ptr<grpc::ClientWriter<v1::SubmitTransferRequest>> writer =
      client.stub().SubmitTransfer(context.get(), &response);
  bool open = true;
  for (const v1::SubmitTransferRequest& m : messages) {
    if (!(open = writer->Write(m))) break;
  }
  if (open) writer->WritesDone();
  const absl::Status status = FromGrpc(writer->Finish());
  if (!status.ok()) return OutcomeOf(status);
  return HostileOutcome{StatusCode::kOk,
                        "stored transfer " + response.transfer_id()};
}

// A valid start message: Stockport to Birmingham, a minimal bundle.
v1::SubmitTransferRequest ValidStart() {
  v1::SubmitTransferRequest request;
  v1::SubmitTransferStart* start = request.mutable_start();
  start->set_idempotency_key("hostile-" + RandomHex(8));
  start->add_recipients(kBirmingham);
  *start->mutable_bundle() = MinimalBundle("REF-HOSTILE");
  return request;
}

v1::SubmitTransferRequest Data(std::string bytes) {
  v1::SubmitTransferRequest request;
  request.mutable_attachment_data()->set_data(std::move(bytes));
  return request;
}

// A row that edits the stream of a valid submission.
HostileCase SubmitRow(
    std::string name, std::string input, StatusCode code, std::string message,
    std::function<void(std::vector<v1::SubmitTransferRequest>*)> edit) {
  HostileCase row;
  row.name = std::move(name);
  row.input = std::move(input);
  row.via = Via::kNodeApi;
  row.delivered = "SubmitTransfer to stockport-cs as its submitter";
  row.code = code;
  row.message = std::move(message);
  row.proof = kProof;
  row.attack = [edit](HostileContext& c) {
    std::vector<v1::SubmitTransferRequest> messages = {ValidStart()};
    edit(&messages);
    NodeClient client(
        UnlimitedChannel(c.net(), c.net().node_process(kStockport).address(),
                         ""),
        c.net().Token(kStockport, Role::kSubmitter),
        TestNetwork::CallTimeout());
    return SubmitRaw(client, messages);
  };
  return row;
}

v1::SubmitTransferStart* StartOf(std::vector<v1::SubmitTransferRequest>* m) {
  return (*m)[0].mutable_start();
}

// One 4-byte attachment named `name`, with its data.
HostileCase AttachmentNameRow(std::string name, std::string input,
                              std::string attachment_name,
                              std::string message) {
  return SubmitRow(std::move(name), "attachment named " + std::move(input),
                   StatusCode::kInvalidArgument,
                   "attachments[0].name: attachment name " + std::move(message),
                   [attachment_name](auto* m) {
                     v1::AttachmentDescriptor* d =
                         StartOf(m)->add_attachments();
                     d->set_name(attachment_name);
                     d->set_size(4);
                     m->push_back(Data("abcd"));
                   });
}

std::vector<HostileCase> AttachmentNameRows() {
  std::vector<HostileCase> rows;
  rows.push_back(AttachmentNameRow("AttachmentNameDotDotSlash", "\"../x\"",
                                   "../x", "contains '/'"));
  rows.push_back(AttachmentNameRow("AttachmentNameAbsolute", "\"/etc/passwd\"",
                                   "/etc/passwd", "contains '/'"));
  rows.push_back(AttachmentNameRow("AttachmentNameSubdirectory", "\"a/b\"",
                                   "a/b", "contains '/'"));
  rows.push_back(AttachmentNameRow("AttachmentNameDotDot", "\"..\"", "..",
                                   "is \".\" or \"..\""));
  rows.push_back(AttachmentNameRow("AttachmentNameNul", "\"a<NUL>b\"",
                                   std::string("a\0b", 3),
                                   "contains a NUL byte"));
  rows.push_back(AttachmentNameRow("AttachmentNameTooLong", "256 x \"a\"",
                                   std::string(256, 'a'),
                                   "is 256 bytes; the limit is 255"));
  rows.push_back(AttachmentNameRow("AttachmentNameWindowsSeparator",
                                   "\"..\\\\..\\\\x\"", "..\\..\\x",
                                   "contains '\\'"));
  rows.push_back(
      AttachmentNameRow("AttachmentNameBidiOverride",
                        "\"invoice<U+202E>fdp.exe\" (a right-to-left override)",
                        "invoice\xe2\x80\xae"
                        "fdp.exe",
                        "contains a bidirectional formatting character"));
  return rows;
}

std::vector<HostileCase> SizeRows() {
  std::vector<HostileCase> rows;
  rows.push_back(SubmitRow(
      "OversizedStartMessage", "a 9 MiB start message (the limit is 8 MiB)",
      StatusCode::kResourceExhausted, "Received message larger than max",
      [](auto* m) {
        StartOf(m)->mutable_bundle()->mutable_metadata()->set_source_system(
            std::string(9 << 20, 'x'));
      }));
  rows.push_back(
      SubmitRow("OversizedAttachmentData",
                "a 2 MiB attachment_data message (at most 1 MiB each)",
                StatusCode::kInvalidArgument, "attachment_data carries at most",
                [](auto* m) {
                  v1::AttachmentDescriptor* d = StartOf(m)->add_attachments();
                  d->set_name("big.bin");
                  d->set_size(2 << 20);
                  m->push_back(Data(std::string(2 << 20, 'x')));
                }));
  rows.push_back(SubmitRow(
      "TooManyAttachments", "1025 attachment descriptors (at most 1024)",
      StatusCode::kResourceExhausted, "at most 1024 attachments", [](auto* m) {
        for (int i = 0; i < 1025; ++i) {
          v1::AttachmentDescriptor* d = StartOf(m)->add_attachments();
          d->set_name(absl::StrCat("f", i));
        }
      }));
  rows.push_back(SubmitRow(
      "OverNodeEnvelopeLimit",
      "an attachment declared at 3 GiB (the node's limit is 2 GiB)",
      StatusCode::kResourceExhausted, "this node's limit", [](auto* m) {
        v1::AttachmentDescriptor* d = StartOf(m)->add_attachments();
        d->set_name("huge.bin");
        d->set_size(uint64_t{3} << 30);
      }));
  rows.push_back(SubmitRow(
      "DeclaredSizesOverflow", "two attachments declared at 2^63 bytes each",
      StatusCode::kResourceExhausted, "declared sizes overflow", [](auto* m) {
        for (const char* name : {"a.bin", "b.bin"}) {
          v1::AttachmentDescriptor* d = StartOf(m)->add_attachments();
          d->set_name(name);
          d->set_size(uint64_t{1} << 63);
        }
      }));
  rows.push_back(
      SubmitRow("AttachmentShorterThanDeclared", "10 bytes declared, 4 sent",
                StatusCode::kInvalidArgument,
                "ended after 4 of its declared 10 bytes", [](auto* m) {
                  v1::AttachmentDescriptor* d = StartOf(m)->add_attachments();
                  d->set_name("short.bin");
                  d->set_size(10);
                  m->push_back(Data("abcd"));
                }));
  rows.push_back(SubmitRow(
      "AttachmentLongerThanDeclared", "4 bytes declared, 10 sent",
      StatusCode::kInvalidArgument,
      "more attachment data arrived than the attachments declare", [](auto* m) {
        v1::AttachmentDescriptor* d = StartOf(m)->add_attachments();
        d->set_name("long.bin");
        d->set_size(4);
        m->push_back(Data("abcdefghij"));
      }));
  rows.push_back(SubmitRow(
      "IdempotencyKeyTooLong", "a 300-character idempotency key",
      StatusCode::kInvalidArgument, "idempotency_key must be 1 to",
      [](auto* m) { StartOf(m)->set_idempotency_key(std::string(300, 'k')); }));
  rows.push_back(SubmitRow(
      "IdempotencyKeyControlCharacters", "an idempotency key with a newline",
      StatusCode::kInvalidArgument, "printable ASCII",
      [](auto* m) { StartOf(m)->set_idempotency_key("key\nwith newline"); }));
  rows.push_back(SubmitRow(
      "TooManyRecipients", "65 recipients (at most 64)",
      StatusCode::kInvalidArgument, "at most 64 recipients", [](auto* m) {
        for (int i = 0; i < 64; ++i) {
          StartOf(m)->add_recipients(absl::StrCat("agency-", i));
        }
      }));
  rows.push_back(SubmitRow(
      "TimeToLiveTooLong", "a time to live of 31 days (at most 30)",
      StatusCode::kInvalidArgument, "time_to_live_seconds must be at most",
      [](auto* m) { StartOf(m)->set_time_to_live_seconds(31 * 86400); }));
  return rows;
}

std::vector<HostileCase> RecipientAndShapeRows() {
  std::vector<HostileCase> rows;
  rows.push_back(SubmitRow(
      "RecipientIsOwnAgency", "the sending agency as its own recipient",
      StatusCode::kInvalidArgument, "is this node's own agency",
      [](auto* m) { StartOf(m)->set_recipients(0, kStockport); }));
  rows.push_back(SubmitRow(
      "RecipientNotListed", "a well-formed agency id no directory lists",
      StatusCode::kNotFound, "recipient nowhere-cs is not in the directory",
      [](auto* m) { StartOf(m)->set_recipients(0, "nowhere-cs"); }));
  rows.push_back(SubmitRow(
      "RecipientMalformed", "a recipient id \"../../etc\"",
      StatusCode::kInvalidArgument, "recipients[0] is not a valid agency id",
      [](auto* m) { StartOf(m)->set_recipients(0, "../../etc"); }));
  rows.push_back(
      SubmitRow("RecipientTwice", "the same recipient twice",
                StatusCode::kInvalidArgument, "is listed twice",
                [](auto* m) { StartOf(m)->add_recipients(kBirmingham); }));
  rows.push_back(SubmitRow("DataBeforeStart",
                           "attachment data as the first message",
                           StatusCode::kInvalidArgument, "must be a start",
                           [](auto* m) { (*m)[0] = Data("abcd"); }));
  rows.push_back(
      SubmitRow("StartTwice", "a second start message after the first",
                StatusCode::kInvalidArgument, "only attachment_data may follow",
                [](auto* m) { m->push_back((*m)[0]); }));
  rows.push_back(SubmitRow("EmptySubmitStream", "a stream with no messages",
                           StatusCode::kInvalidArgument,
                           "the request stream was empty",
                           [](auto* m) { m->clear(); }));
  rows.push_back(SubmitRow(
      "MediaTypeControlCharacter", "an attachment media type with a newline",
      StatusCode::kInvalidArgument, "media_type must be at most 255 printable",
      [](auto* m) {
        v1::AttachmentDescriptor* d = StartOf(m)->add_attachments();
        d->set_name("x.bin");
        d->set_media_type("text/plain\nX-Injected: 1");
      }));
  rows.push_back(SubmitRow(
      "BundleListsUndescribedAttachment",
      "a bundle listing an attachment no descriptor brings",
      StatusCode::kInvalidArgument, "with no matching attachment descriptor",
      [](auto* m) {
        StartOf(m)->mutable_bundle()->add_attachments()->set_name("ghost.pdf");
      }));
  return rows;
}

std::vector<HostileCase> SchemaRows() {
  std::vector<HostileCase> rows;
  rows.push_back(SubmitRow(
      "UnknownEnumValueInBundle", "the child's gender as enum number 99",
      StatusCode::kInvalidArgument, "identity.gender: not a known Gender value",
      [](auto* m) {
        StartOf(m)->mutable_bundle()->mutable_identity()->set_gender(
            static_cast<v1::Gender>(99));
      }));
  rows.push_back(SubmitRow(
      "UnknownFieldInBundle",
      "a bundle carrying field number 9999, which the schema lacks",
      StatusCode::kInvalidArgument, "unknown field", [](auto* m) {
        v1::CaseBundle* bundle = StartOf(m)->mutable_bundle();
        bundle->GetReflection()->MutableUnknownFields(bundle)->AddVarint(9999,
                                                                         1);
      }));
  rows.push_back(SubmitRow(
      "DeeplyNestedProtobuf",
      "a bundle with unknown groups nested 50 deep (no bundle nests past 5)",
      StatusCode::kInvalidArgument, "unknown field", [](auto* m) {
        v1::CaseBundle* bundle = StartOf(m)->mutable_bundle();
        google::protobuf::UnknownFieldSet* set =
            bundle->GetReflection()->MutableUnknownFields(bundle);
        for (int i = 0; i < 50; ++i) set = set->AddGroup(9998);
      }));
  {
    HostileCase row;
    row.name = "UnknownMoveKind";
    row.input = "a move notice of kind number 99";
    row.via = Via::kNodeApi;
    row.delivered = "SubmitMove to stockport-cs as its submitter";
    row.code = StatusCode::kInvalidArgument;
    row.message = "kind";
    row.proof = kProof;
    row.attack = [](HostileContext& c) -> absl::StatusOr<HostileOutcome> {
      MoveRequest request;
      request.idempotency_key = "move-" + RandomHex(8);
      request.bundle = RichBundle("REF-MOVE");
      request.kind = static_cast<v1::MoveNoticeKind>(99);
      return OutcomeOf(
          SubmitMove(*c.net().Client(kStockport, Role::kSubmitter), request)
              .status());
    };
    rows.push_back(std::move(row));
  }
  {
    HostileCase row;
    row.name = "UnknownLogEventFilter";
    row.input = "a delivery-log filter on event kind number 999";
    row.via = Via::kNodeApi;
    row.delivered = "ListLog to stockport-cs as its admin";
    row.code = StatusCode::kInvalidArgument;
    row.message = "events: 999 is not a log event kind";
    row.proof = kProof;
    row.attack = [](HostileContext& c) -> absl::StatusOr<HostileOutcome> {
      v1::ListLogRequest request;
      request.add_events(static_cast<v1::LogEventKind>(999));
      return OutcomeOf(
          ListLogPage(*c.net().Client(kStockport, Role::kAdmin), request)
              .status());
    };
    rows.push_back(std::move(row));
  }
  {
    HostileCase row;
    row.name = "FetchPathTraversalTransferId";
    row.input = "FetchTransfer of transfer id \"../../node.db\"";
    row.via = Via::kNodeApi;
    row.delivered = "FetchTransfer to stockport-cs as its receiver";
    row.code = StatusCode::kInvalidArgument;
    row.message = "transfer_id must be 32 lower-case hex digits";
    row.proof = kProof;
    row.attack = [](HostileContext& c) -> absl::StatusOr<HostileOutcome> {
      return OutcomeOf(c.net()
                           .Client(kStockport, Role::kReceiver)
                           ->Fetch("../../node.db", c.Scratch("fetched"))
                           .status());
    };
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace

std::vector<HostileCase> NodeApiRows() {
  std::vector<HostileCase> rows;
  for (auto part : {AttachmentNameRows(), SizeRows(), RecipientAndShapeRows(),
                    SchemaRows()}) {
    for (HostileCase& row : part) rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace handover::integration

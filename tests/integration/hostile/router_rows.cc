// Catalogue rows delivered as uploads to the router (Router.SubmitEnvelope)
// by a node's TLS identity: every single-field tampering of a signed
// envelope, truncations, replays, expiry, wrong recipients, spoofed
// senders, revoked agencies and oversized messages.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/clock.h"
#include "common/file_util.h"
#include "common/status_macros.h"
#include "harness/directory_builder.h"
#include "harness/node_client.h"
#include "harness/test_data.h"
#include "harness/test_paths.h"
#include "hostile/catalogue.h"

namespace handover::integration {
namespace {

namespace v1 = handover::v1;
using absl::StatusCode;

constexpr char kProof[] =
    "router envelopes, items and spool files, both nodes' outbox and inbox "
    "rows and files, every delivery log: unchanged but for the router's one "
    "REJECTED entry";

using EnvelopeEdit = std::function<absl::Status(HostileContext&, RawEnvelope*)>;
using PartsEdit = std::function<void(std::vector<v1::EnvelopePart>*)>;

// Stockport's genuine envelope to Birmingham.
absl::StatusOr<RawEnvelope> Genuine(HostileContext& c,
                                    crypto::SealOptions options = {}) {
  return SealRawEnvelope(c.net().Identity(kStockport),
                         {c.net().Identity(kBirmingham).public_identity()},
                         "REF-HOSTILE", options,
                         c.Scratch("genuine-" + RandomHex(4) + ".hov"));
}

absl::StatusOr<HostileOutcome> Upload(HostileContext& c, const RawEnvelope& e,
                                      const PartsEdit& edit_parts,
                                      const std::string& as) {
  std::vector<v1::EnvelopePart> parts = PartsOf(e);
  if (edit_parts) edit_parts(&parts);
  RouterClient router(
      UnlimitedChannel(c.net(), c.net().router_settings().listen, as),
      TestNetwork::CallTimeout());
  absl::StatusOr<v1::SubmitEnvelopeResponse> response =
      UploadParts(router, parts, TestNetwork::CallTimeout());
  if (!response.ok()) return OutcomeOf(response.status());
  return HostileOutcome{StatusCode::kOk, response->already_stored()
                                             ? "already stored"
                                             : "stored anew"};
}

HostileCase UploadRow(std::string name, std::string input, StatusCode code,
                      std::string message, EnvelopeEdit edit,
                      PartsEdit edit_parts = nullptr,
                      std::string as = kStockport) {
  HostileCase row;
  row.name = std::move(name);
  row.input = std::move(input);
  row.via = Via::kRouterUpload;
  row.delivered = "router upload as " + as;
  row.code = code;
  row.message = std::move(message);
  row.proof = kProof;
  row.router_refusals_logged = 1;
  row.attack = [edit, edit_parts,
                as](HostileContext& c) -> absl::StatusOr<HostileOutcome> {
    ASSIGN_OR_RETURN(RawEnvelope e, Genuine(c));
    if (edit) RETURN_IF_ERROR(edit(c, &e));
    return Upload(c, e, edit_parts, as);
  };
  return row;
}

// A header field changed after signing.
HostileCase HeaderRow(std::string name, std::string field,
                      std::function<void(crypto::EnvelopeHeader*)> change,
                      StatusCode code = StatusCode::kUnauthenticated,
                      std::string message = "signature does not verify") {
  return UploadRow(std::move(name),
                   "signed envelope with " + field + " changed after signing",
                   code, std::move(message),
                   [change](HostileContext&, RawEnvelope* e) {
                     change(&e->header);
                     return ReplaceSignedHeader(e);
                   });
}

void FlipFirst(std::string* bytes) { (*bytes)[0] ^= 1; }

std::vector<HostileCase> TamperingRows() {
  std::vector<HostileCase> rows;
  rows.push_back(HeaderRow("TamperedTransferId", "the transfer id",
                           [](auto* h) { FlipFirst(&h->transfer_id); }));
  rows.push_back(HeaderRow("TamperedCreatedAt", "created_at",
                           [](auto* h) { h->created_at -= 60; }));
  rows.push_back(HeaderRow("TamperedExpiresAt", "expires_at (a longer life)",
                           [](auto* h) { h->expires_at += 86400; }));
  rows.push_back(HeaderRow("TamperedContentType", "the content type",
                           [](auto* h) { h->content_type = "text/plain"; }));
  rows.push_back(HeaderRow("TamperedChunkSize", "the chunk size",
                           [](auto* h) { h->chunk_size /= 2; }));
  rows.push_back(HeaderRow("TamperedPlaintextSize", "the plaintext size",
                           [](auto* h) { h->plaintext_size += 1; }));
  rows.push_back(HeaderRow("TamperedKeyCommitment", "the key commitment",
                           [](auto* h) { FlipFirst(&h->key_commitment); }));
  rows.push_back(HeaderRow("TamperedCiphertextHash", "the ciphertext hash",
                           [](auto* h) { FlipFirst(&h->ciphertext_hash); }));
  rows.push_back(HeaderRow(
      "TamperedSenderKeyId", "the sender's key id",
      [](auto* h) { FlipFirst(&h->sender_key_id); },
      StatusCode::kUnauthenticated, "is not a key of agency stockport-cs"));
  rows.push_back(HeaderRow(
      "TamperedSenderId", "the sender id (Birmingham's)",
      [](auto* h) { h->sender_id = kBirmingham; },
      StatusCode::kPermissionDenied, "is not the caller's agency"));
  rows.push_back(HeaderRow(
      "TamperedRecipientId", "the recipient id (police for Birmingham)",
      [](auto* h) { h->recipients[0].agency_id = kPolice; }));
  rows.push_back(
      HeaderRow("TamperedRecipientKeyId", "the recipient's key id",
                [](auto* h) { FlipFirst(&h->recipients[0].box_key_id); }));
  rows.push_back(UploadRow(
      "TamperedRecipientAdded",
      "signed envelope with a recipient (and a wrapped key) added after "
      "signing",
      StatusCode::kUnauthenticated, "signature does not verify",
      [](HostileContext& c, RawEnvelope* e) {
        e->header.recipients.push_back(
            {kPolice,
             c.net().Identity(kPolice).public_identity().box_key_id()});
        e->wrapped_keys.push_back(e->wrapped_keys[0]);
        return ReplaceSignedHeader(e);
      }));
  rows.push_back(UploadRow(
      "WrappedKeyCountMismatch",
      "one wrapped key more than the signed header lists recipients",
      StatusCode::kInvalidArgument, "recipients but 2 wrapped keys came",
      [](HostileContext&, RawEnvelope* e) {
        e->wrapped_keys.push_back(e->wrapped_keys[0]);
        return absl::OkStatus();
      }));
  rows.push_back(UploadRow("WrappedKeyWrongSize", "a wrapped key of 79 bytes",
                           StatusCode::kInvalidArgument,
                           "each wrapped key must be 80 bytes",
                           [](HostileContext&, RawEnvelope* e) {
                             e->wrapped_keys[0].pop_back();
                             return absl::OkStatus();
                           }));
  rows.push_back(
      UploadRow("TamperedSignature", "one bit of the signature flipped",
                StatusCode::kUnauthenticated, "signature does not verify",
                [](HostileContext&, RawEnvelope* e) {
                  FlipFirst(&e->signature);
                  return absl::OkStatus();
                }));
  rows.push_back(UploadRow(
      "TruncatedSignature", "a 63-byte signature", StatusCode::kInvalidArgument,
      "signature must be 64 bytes", [](HostileContext&, RawEnvelope* e) {
        e->signature.pop_back();
        return absl::OkStatus();
      }));
  rows.push_back(UploadRow(
      "SignatureOfAnotherEnvelope",
      "a genuine signature, but of another envelope of the same sender",
      StatusCode::kUnauthenticated, "signature does not verify",
      [](HostileContext& c, RawEnvelope* e) -> absl::Status {
        ASSIGN_OR_RETURN(RawEnvelope other, Genuine(c));
        e->signature = other.signature;
        return absl::OkStatus();
      }));
  rows.push_back(UploadRow("WrongMagic", "the prefix's magic bytes changed",
                           StatusCode::kInvalidArgument,
                           "not a Handover envelope (bad magic)",
                           [](HostileContext&, RawEnvelope* e) {
                             e->signed_header[0] = 'X';
                             return absl::OkStatus();
                           }));
  rows.push_back(UploadRow(
      "UnknownFormatVersion", "format version 2 in the prefix",
      StatusCode::kInvalidArgument, "unsupported envelope format version 2",
      [](HostileContext&, RawEnvelope* e) {
        e->signed_header[8] = 2;
        return absl::OkStatus();
      }));
  rows.push_back(UploadRow(
      "TruncatedHeader", "the signed header cut short by one byte",
      StatusCode::kInvalidArgument, "header length does not match the prefix",
      [](HostileContext&, RawEnvelope* e) {
        e->signed_header.pop_back();
        return absl::OkStatus();
      }));
  rows.push_back(UploadRow(
      "HeaderTrailingByte", "one byte after the signed header",
      StatusCode::kInvalidArgument, "header length does not match the prefix",
      [](HostileContext&, RawEnvelope* e) {
        e->signed_header.push_back('\0');
        return absl::OkStatus();
      }));
  rows.push_back(UploadRow("TamperedCiphertext",
                           "one bit of the ciphertext flipped",
                           StatusCode::kInvalidArgument,
                           "ciphertext differs from the one the sender signed",
                           [](HostileContext&, RawEnvelope* e) {
                             e->ciphertext[e->ciphertext.size() / 2] ^= 1;
                             return absl::OkStatus();
                           }));
  rows.push_back(
      UploadRow("TruncatedCiphertext", "the ciphertext's last 10 bytes cut off",
                StatusCode::kInvalidArgument, "ciphertext is truncated",
                [](HostileContext&, RawEnvelope* e) {
                  e->ciphertext.resize(e->ciphertext.size() - 10);
                  return absl::OkStatus();
                }));
  rows.push_back(UploadRow(
      "CiphertextTrailingBytes", "10 bytes appended to the ciphertext",
      StatusCode::kInvalidArgument, "ciphertext is longer than the",
      [](HostileContext&, RawEnvelope* e) {
        e->ciphertext.append(10, 'x');
        return absl::OkStatus();
      }));
  rows.push_back(UploadRow("HeadOnly", "the head with no ciphertext at all",
                           StatusCode::kInvalidArgument,
                           "ciphertext is truncated: 0 of",
                           [](HostileContext&, RawEnvelope* e) {
                             e->ciphertext.clear();
                             return absl::OkStatus();
                           }));
  rows.push_back(UploadRow(
      "CiphertextBeforeHead", "a ciphertext part first, then the head",
      StatusCode::kInvalidArgument, "the first part must be the head", nullptr,
      [](std::vector<v1::EnvelopePart>* parts) {
        std::swap((*parts)[0], (*parts)[1]);
      }));
  rows.push_back(UploadRow("HeadTwice", "the head sent twice",
                           StatusCode::kInvalidArgument,
                           "every part must be ciphertext", nullptr,
                           [](std::vector<v1::EnvelopePart>* parts) {
                             parts->insert(parts->begin() + 1, (*parts)[0]);
                           }));
  rows.push_back(UploadRow(
      "EmptyUpload", "an upload stream with no parts",
      StatusCode::kInvalidArgument, "no envelope parts arrived", nullptr,
      [](std::vector<v1::EnvelopePart>* parts) { parts->clear(); }));
  return rows;
}

std::vector<HostileCase> ReplayAndExpiryRows() {
  std::vector<HostileCase> rows;
  {
    // Delivered (and its receipt verified) before the stores are counted.
    auto path = std::make_shared<std::string>();
    HostileCase row;
    row.name = "ReplayOfDeliveredEnvelope";
    row.input = "an envelope already delivered, uploaded again";
    row.via = Via::kRouterUpload;
    row.delivered = "router upload as stockport-cs";
    row.code = StatusCode::kOk;
    row.message = "already stored";
    row.proof =
        "answered as already stored; Birmingham's inbox still holds it once; "
        "every count unchanged, no REJECTED entry";
    row.router_refusals_logged = 0;
    row.prepare = [path](HostileContext& c) -> absl::Status {
      *path = c.Scratch("delivered.hov");
      ASSIGN_OR_RETURN(RawEnvelope e, Genuine(c));
      RETURN_IF_ERROR(UploadParts(*c.net().RouterAs(kStockport), PartsOf(e),
                                  TestNetwork::CallTimeout())
                          .status());
      RETURN_IF_ERROR(c.net()
                          .Client(kBirmingham, Role::kReceiver)
                          ->WaitForInbox(ToHex(e.header.transfer_id),
                                         Scaled(absl::Seconds(30)))
                          .status());
      return WriteFileAtomically(
          *path,
          e.signed_header + e.signature + e.wrapped_keys[0] + e.ciphertext,
          0600);
    };
    row.attack = [path](HostileContext& c) -> absl::StatusOr<HostileOutcome> {
      ASSIGN_OR_RETURN(RawEnvelope e, ReadRawEnvelope(*path));
      return Upload(c, e, nullptr, kStockport);
    };
    rows.push_back(std::move(row));
  }
  {
    auto first = std::make_shared<RawEnvelope>();
    HostileCase row = UploadRow(
        "ReplayedTransferIdOtherContent",
        "a second, validly signed envelope reusing a stored transfer id",
        StatusCode::kAlreadyExists, "already stored with a different signed",
        [first](HostileContext& c, RawEnvelope* e) -> absl::Status {
          crypto::SealOptions options;
          options.transfer_id = first->header.transfer_id;
          ASSIGN_OR_RETURN(*e, Genuine(c, options));
          return absl::OkStatus();
        });
    row.prepare = [first](HostileContext& c) -> absl::Status {
      ASSIGN_OR_RETURN(*first, Genuine(c));
      RETURN_IF_ERROR(UploadParts(*c.net().RouterAs(kStockport),
                                  PartsOf(*first), TestNetwork::CallTimeout())
                          .status());
      return c.net()
          .Client(kBirmingham, Role::kReceiver)
          ->WaitForInbox(ToHex(first->header.transfer_id),
                         Scaled(absl::Seconds(30)))
          .status();
    };
    rows.push_back(std::move(row));
  }
  rows.push_back(UploadRow(
      "AlreadyExpired", "an envelope sealed two hours ago to live one hour",
      StatusCode::kFailedPrecondition, "the envelope has expired",
      [](HostileContext& c, RawEnvelope* e) -> absl::Status {
        FakeClock past(absl::Now() - absl::Hours(2));
        crypto::SealOptions options;
        options.clock = &past;
        options.time_to_live = absl::Hours(1);
        ASSIGN_OR_RETURN(*e, Genuine(c, options));
        return absl::OkStatus();
      }));
  rows.push_back(
      UploadRow("ExpiredInTransit",
                "an envelope with a 2 s life that reaches the router 3 s later",
                StatusCode::kFailedPrecondition, "the envelope has expired",
                [](HostileContext& c, RawEnvelope* e) -> absl::Status {
                  crypto::SealOptions options;
                  options.time_to_live = absl::Seconds(2);
                  ASSIGN_OR_RETURN(*e, Genuine(c, options));
                  absl::SleepFor(absl::Seconds(3));
                  return absl::OkStatus();
                }));
  rows.push_back(UploadRow(
      "CreatedInTheFuture", "an envelope created an hour ahead of the clock",
      StatusCode::kFailedPrecondition, "ahead of the router's clock",
      [](HostileContext& c, RawEnvelope* e) -> absl::Status {
        FakeClock future(absl::Now() + absl::Hours(1));
        crypto::SealOptions options;
        options.clock = &future;
        ASSIGN_OR_RETURN(*e, Genuine(c, options));
        return absl::OkStatus();
      }));
  return rows;
}

std::vector<HostileCase> IdentityRows() {
  std::vector<HostileCase> rows;
  rows.push_back(UploadRow(
      "WrongRecipientKey",
      "sealed to Birmingham's key but addressed to the police (signed by "
      "the real sender)",
      StatusCode::kInvalidArgument, "is not a key of greater-manchester-police",
      [](HostileContext& c, RawEnvelope* e) -> absl::Status {
        crypto::PublicIdentity wrong =
            c.net().Identity(kBirmingham).public_identity();
        wrong.agency_id = kPolice;
        ASSIGN_OR_RETURN(
            *e, SealRawEnvelope(c.net().Identity(kStockport), {wrong},
                                "REF-WRONG", {}, c.Scratch("wrong.hov")));
        return absl::OkStatus();
      }));
  rows.push_back(UploadRow(
      "RouterAsRecipient", "an envelope addressed to the router itself",
      StatusCode::kInvalidArgument, "the router cannot be a recipient",
      [](HostileContext& c, RawEnvelope* e) -> absl::Status {
        ASSIGN_OR_RETURN(
            *e, SealRawEnvelope(c.net().Identity(kStockport),
                                {c.net().Identity(kRouterId).public_identity()},
                                "REF-ROUTER", {}, c.Scratch("router.hov")));
        return absl::OkStatus();
      }));
  rows.push_back(UploadRow(
      "UnknownRecipient", "an envelope addressed to an agency not listed",
      StatusCode::kNotFound, "recipient agency nowhere-cs is not known",
      [](HostileContext& c, RawEnvelope* e) -> absl::Status {
        ASSIGN_OR_RETURN(crypto::SecretIdentity nowhere,
                         crypto::SecretIdentity::Generate("nowhere-cs"));
        ASSIGN_OR_RETURN(
            *e, SealRawEnvelope(c.net().Identity(kStockport),
                                {nowhere.public_identity()}, "REF-NOWHERE", {},
                                c.Scratch("nowhere.hov")));
        return absl::OkStatus();
      }));
  rows.push_back(UploadRow(
      "SpoofedSenderOverAnotherCertificate",
      "Stockport's genuine envelope uploaded over Birmingham's TLS "
      "certificate",
      StatusCode::kPermissionDenied,
      "envelope sender stockport-cs is not the caller's agency birmingham-cs",
      nullptr, nullptr, kBirmingham));
  rows.push_back(UploadRow(
      "ImpostorKeyClaimingSender",
      "signed by an impostor's own key claiming to be Stockport, over "
      "Stockport's (stolen) certificate",
      StatusCode::kUnauthenticated, "is not a key of agency stockport-cs",
      [](HostileContext& c, RawEnvelope* e) -> absl::Status {
        ASSIGN_OR_RETURN(crypto::SecretIdentity impostor,
                         crypto::SecretIdentity::Generate(kStockport));
        ASSIGN_OR_RETURN(
            *e, SealRawEnvelope(
                    impostor, {c.net().Identity(kBirmingham).public_identity()},
                    "REF-IMPOSTOR", {}, c.Scratch("impostor.hov")));
        return absl::OkStatus();
      }));
  rows.push_back(UploadRow(
      "UnlistedCertificate",
      "a genuine envelope over a CA-issued certificate no agency lists",
      StatusCode::kPermissionDenied, "certificate is not in the directory",
      nullptr, nullptr, "west-midlands-police"));
  {
    HostileCase row = UploadRow("RevokedSender",
                                "an upload by an agency the directory revokes",
                                StatusCode::kPermissionDenied,
                                "agency stockport-cs is revoked", nullptr);
    row.prepare = [](HostileContext& c) -> absl::Status {
      v1::Directory next = c.net().directory();
      next.set_version(2);
      RETURN_IF_ERROR(RevokeAgency(&next, kStockport, absl::Now()));
      RETURN_IF_ERROR(c.net().PublishDirectory(next));
      return c.net().WaitForDirectoryVersion(kBirmingham, 2,
                                             Scaled(absl::Seconds(30)));
    };
    rows.push_back(std::move(row));
  }
  {
    HostileCase row = UploadRow(
        "RevokedRecipient", "an envelope to an agency the directory revokes",
        StatusCode::kPermissionDenied,
        "recipient agency greater-manchester-police is revoked",
        [](HostileContext& c, RawEnvelope* e) -> absl::Status {
          ASSIGN_OR_RETURN(
              *e, SealRawEnvelope(c.net().Identity(kStockport),
                                  {c.net().Identity(kPolice).public_identity()},
                                  "REF-REVOKED", {}, c.Scratch("revoked.hov")));
          return absl::OkStatus();
        });
    row.prepare = [](HostileContext& c) -> absl::Status {
      v1::Directory next = c.net().directory();
      next.set_version(2);
      RETURN_IF_ERROR(RevokeAgency(&next, kPolice, absl::Now()));
      RETURN_IF_ERROR(c.net().PublishDirectory(next));
      return c.net().WaitForDirectoryVersion(kStockport, 2,
                                             Scaled(absl::Seconds(30)));
    };
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<HostileCase> OversizeRows() {
  std::vector<HostileCase> rows;
  rows.push_back(UploadRow(
      "OverRouterEnvelopeLimit",
      "a header declaring a 3 GiB plaintext (the router's limit is 2 GiB)",
      StatusCode::kResourceExhausted, "over the router's limit",
      [](HostileContext&, RawEnvelope* e) {
        e->header.plaintext_size = uint64_t{3} << 30;
        return ReplaceSignedHeader(e);
      }));
  rows.push_back(UploadRow(
      "OverGrpcMessageLimit", "one 9 MiB ciphertext part (the limit is 8 MiB)",
      StatusCode::kResourceExhausted, "Received message larger than max",
      nullptr, [](std::vector<v1::EnvelopePart>* parts) {
        parts->resize(2);
        (*parts)[1].mutable_ciphertext()->set_data(std::string(9 << 20, 'x'));
      }));
  rows.back().router_refusals_logged = 1;
  rows.push_back(UploadRow("OversizedSignedHeader",
                           "a signed header of 70 KiB (the bound is 64 KiB)",
                           StatusCode::kInvalidArgument, "is out of bounds",
                           [](HostileContext&, RawEnvelope* e) {
                             e->signed_header.append(70 << 10, '\0');
                             return absl::OkStatus();
                           }));
  rows.push_back(
      UploadRow("TooManyWrappedKeys", "65 wrapped keys (the bound is 64)",
                StatusCode::kInvalidArgument, "too many wrapped keys",
                [](HostileContext&, RawEnvelope* e) {
                  e->wrapped_keys.assign(65, e->wrapped_keys[0]);
                  return absl::OkStatus();
                }));
  return rows;
}

}  // namespace

std::vector<HostileCase> RouterUploadRows() {
  std::vector<HostileCase> rows;
  for (auto part : {TamperingRows(), ReplayAndExpiryRows(), IdentityRows(),
                    OversizeRows()}) {
    for (HostileCase& row : part) rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace handover::integration

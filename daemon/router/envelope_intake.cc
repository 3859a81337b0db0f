#include "router/envelope_intake.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "crypto/ciphertext_verifier.h"
#include "crypto/envelope_format.h"
#include "crypto/identity.h"
#include "crypto/opener.h"
#include "spdlog/spdlog.h"

namespace handover::router {
namespace {

using handover::v1::EnvelopeHead;
using handover::v1::EnvelopePart;

// The head's shape, before any parsing: bounded sizes only.
absl::Status CheckHeadShape(const EnvelopeHead& head) {
  if (head.signed_header().size() < crypto::kPrefixBytes ||
      head.signed_header().size() >
          crypto::kPrefixBytes + crypto::kMaxHeaderBytes) {
    return absl::InvalidArgumentError(absl::StrCat("signed header of ",
                                                   head.signed_header().size(),
                                                   " bytes is out of bounds"));
  }
  if (head.signature().size() != crypto::kSignatureBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("signature must be ", crypto::kSignatureBytes, " bytes"));
  }
  if (head.wrapped_keys_size() > static_cast<int>(crypto::kMaxRecipients)) {
    return absl::InvalidArgumentError("too many wrapped keys");
  }
  for (const std::string& key : head.wrapped_keys()) {
    if (key.size() != crypto::kWrappedKeyBytes) {
      return absl::InvalidArgumentError(absl::StrCat(
          "each wrapped key must be ", crypto::kWrappedKeyBytes, " bytes"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<crypto::EnvelopeHead> ParseHead(const EnvelopeHead& head) {
  RETURN_IF_ERROR(CheckHeadShape(head));
  crypto::EnvelopeHead parsed;
  parsed.signed_header = head.signed_header();
  ASSIGN_OR_RETURN(parsed.header, crypto::ParseHeader(head.signed_header()));
  parsed.signature = head.signature();
  parsed.wrapped_keys.assign(head.wrapped_keys().begin(),
                             head.wrapped_keys().end());
  if (parsed.wrapped_keys.size() != parsed.header.recipients.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the header lists ", parsed.header.recipients.size(),
        " recipients but ", parsed.wrapped_keys.size(), " wrapped keys came"));
  }
  return parsed;
}

// The sender's signature, with its key valid at created_at that has the
// header's key id (two are valid during a rotation overlap).
absl::Status CheckSignature(const crypto::EnvelopeHead& head,
                            const directory::DirectoryView& directory) {
  const crypto::EnvelopeHeader& h = head.header;
  // A compromised key is refused by name, whatever else is valid.
  RETURN_IF_ERROR(directory.CheckNotCompromised(h.sender_id, h.sender_key_id));
  absl::StatusOr<std::vector<crypto::PublicIdentity>> keys =
      directory.SigningKeysAt(h.sender_id, absl::FromUnixSeconds(h.created_at));
  if (!keys.ok()) {
    if (keys.status().code() == absl::StatusCode::kPermissionDenied) {
      return keys.status();
    }
    return absl::UnauthenticatedError(
        absl::StrCat("agency ", h.sender_id,
                     " has no signing key valid at the envelope's created_at"));
  }
  for (const crypto::PublicIdentity& key : *keys) {
    if (key.sign_key_id() == h.sender_key_id) {
      return crypto::VerifyEnvelopeSignature(head, key);
    }
  }
  return absl::UnauthenticatedError(
      absl::StrCat("signing key ", crypto::ToHex(h.sender_key_id),
                   " is not a key of agency ", h.sender_id,
                   " valid at the envelope's created_at"));
}

// The key an envelope is sealed to must be one the directory lists for
// that recipient at created_at: one sealed to another agency's key (or a
// made-up one) and addressed to this one could never be opened there, so it
// is refused here rather than stored, pushed and rejected by the recipient.
absl::Status CheckRecipientKey(const crypto::EnvelopeHeader& h,
                               const crypto::RecipientEntry& r,
                               const directory::DirectoryView& directory) {
  absl::StatusOr<std::vector<crypto::PublicIdentity>> keys =
      directory.SigningKeysAt(r.agency_id, absl::FromUnixSeconds(h.created_at));
  if (keys.ok()) {
    for (const crypto::PublicIdentity& key : *keys) {
      if (key.box_key_id() == r.box_key_id) return absl::OkStatus();
    }
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "recipient key ", crypto::ToHex(r.box_key_id), " is not a key of ",
      r.agency_id, " valid at the envelope's created_at"));
}

absl::Status CheckRecipients(const crypto::EnvelopeHeader& h,
                             const directory::DirectoryView& directory,
                             const std::string& router_id) {
  for (const crypto::RecipientEntry& r : h.recipients) {
    if (r.agency_id == router_id) {
      return absl::InvalidArgumentError("the router cannot be a recipient");
    }
    absl::StatusOr<const handover::v1::Agency*> agency =
        directory.FindAgency(r.agency_id);
    if (!agency.ok()) {
      return absl::NotFoundError(
          absl::StrCat("recipient agency ", r.agency_id, " is not known"));
    }
    if ((*agency)->status() != handover::v1::AGENCY_STATUS_ACTIVE) {
      return absl::PermissionDeniedError(
          absl::StrCat("recipient agency ", r.agency_id, " is revoked"));
    }
    RETURN_IF_ERROR(CheckRecipientKey(h, r, directory));
  }
  return absl::OkStatus();
}

absl::Status CheckTimes(const crypto::EnvelopeHeader& h, absl::Time now) {
  if (now >= absl::FromUnixSeconds(h.expires_at)) {
    return absl::FailedPreconditionError("the envelope has expired");
  }
  if (absl::FromUnixSeconds(h.created_at) > now + kMaxClockSkew) {
    return absl::FailedPreconditionError(
        "the envelope's created_at is more than 10 minutes ahead of the "
        "router's clock");
  }
  // The senders' 30-day cap, checked here too so that a leaked,
  // since-expired key cannot date a forgery back with a far expiry.
  if (absl::FromUnixSeconds(h.expires_at) -
          absl::FromUnixSeconds(h.created_at) >
      kMaxLifetime) {
    return absl::InvalidArgumentError(
        "the envelope's lifetime (expires_at - created_at) is over 30 days");
  }
  return absl::OkStatus();
}

// Where the ciphertext goes while it streams in.
class CiphertextSink {
 public:
  static absl::StatusOr<CiphertextSink> Make(const crypto::EnvelopeHeader& h,
                                             CiphertextSpool* spool) {
    CiphertextSink sink;
    if (h.CiphertextSize() <= kInlineCiphertextBytes) {
      sink.inline_.reserve(h.CiphertextSize());
    } else {
      ASSIGN_OR_RETURN(sink.file_, spool->Create(h.transfer_id));
    }
    return sink;
  }
  absl::Status Append(absl::string_view data) {
    if (file_ == nullptr) {
      inline_.append(data.data(), data.size());
      return absl::OkStatus();
    }
    return file_->Append(data);
  }
  absl::Status Commit() {
    return file_ == nullptr ? absl::OkStatus() : file_->Commit();
  }
  bool is_inline() const { return file_ == nullptr; }
  const std::string& inline_bytes() const { return inline_; }
  std::string spool_name() const { return file_ ? file_->name() : ""; }

 private:
  std::string inline_;
  std::unique_ptr<SpoolWriter> file_;
};

}  // namespace

absl::StatusOr<bool> EnvelopeIntake::Submit(absl::string_view caller_id,
                                            PartReader* parts) {
  EnvelopePart part;
  if (!parts->Read(&part)) {
    return absl::InvalidArgumentError("no envelope parts arrived");
  }
  if (!part.has_head()) {
    return absl::InvalidArgumentError("the first part must be the head");
  }
  ASSIGN_OR_RETURN(crypto::EnvelopeHead head, ParseHead(part.head()));
  const crypto::EnvelopeHeader& h = head.header;
  const std::string transfer = crypto::ToHex(h.transfer_id);
  if (h.sender_id != caller_id) {
    return absl::PermissionDeniedError(
        absl::StrCat("envelope sender ", h.sender_id,
                     " is not the caller's agency ", caller_id));
  }
  // A retry of an envelope already stored: the very bytes verified when it
  // was accepted, so it is answered before the checks that may have changed
  // since (its expiry, a recipient's status).
  ASSIGN_OR_RETURN(std::optional<EnvelopeRecord> existing,
                   env_->store->FindEnvelope(h.transfer_id));
  if (existing.has_value()) {
    if (existing->signed_header != head.signed_header ||
        existing->signature != head.signature) {
      return absl::AlreadyExistsError(
          absl::StrCat("transfer ", transfer,
                       " is already stored with a different signed header"));
    }
    spdlog::debug("transfer {} from {}: already stored", transfer,
                  std::string(caller_id));
    return true;  // the rest of the upload is not needed
  }
  // Refused before the ciphertext comes; AcceptEnvelope checks again in its
  // transaction, for a withdrawal that lands during the upload.
  ASSIGN_OR_RETURN(bool withdrawn,
                   env_->store->IsWithdrawn(h.transfer_id, caller_id));
  if (withdrawn) return WithdrawnBySenderError(h.transfer_id);

  const uint64_t envelope_bytes = h.CiphertextOffset() + h.CiphertextSize();
  if (envelope_bytes > env_->max_envelope_bytes) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "envelope of ", envelope_bytes, " bytes is over the router's limit of ",
        env_->max_envelope_bytes, " bytes"));
  }
  const absl::Time now = env_->clock->Now();
  RETURN_IF_ERROR(CheckTimes(h, now));
  std::shared_ptr<const directory::DirectoryView> directory =
      env_->directory->Current();
  RETURN_IF_ERROR(CheckSignature(head, *directory));
  RETURN_IF_ERROR(CheckRecipients(h, *directory, env_->router_id));

  crypto::CiphertextVerifier verifier(h);
  ASSIGN_OR_RETURN(CiphertextSink sink, CiphertextSink::Make(h, env_->spool));
  while (parts->Read(&part)) {
    if (!part.has_ciphertext()) {
      return absl::InvalidArgumentError(
          "after the head, every part must be ciphertext");
    }
    const std::string& data = part.ciphertext().data();
    RETURN_IF_ERROR(verifier.Update(data));
    RETURN_IF_ERROR(sink.Append(data));
  }
  RETURN_IF_ERROR(verifier.Finish());
  RETURN_IF_ERROR(sink.Commit());

  EnvelopeRecord record;
  record.transfer_id = h.transfer_id;
  record.sender_id = h.sender_id;
  record.signed_header = head.signed_header;
  record.signature = head.signature;
  record.wrapped_keys = head.wrapped_keys;
  for (const crypto::RecipientEntry& r : h.recipients) {
    record.recipients.push_back(r.agency_id);
  }
  record.ciphertext_size = h.CiphertextSize();
  record.ciphertext_hash = h.ciphertext_hash;
  record.created_at = absl::FromUnixSeconds(h.created_at);
  record.expires_at = absl::FromUnixSeconds(h.expires_at);
  record.accepted_at = env_->clock->Now();
  record.location = sink.is_inline() ? CiphertextLocation::kInline
                                     : CiphertextLocation::kSpool;
  record.spool_name = sink.spool_name();
  absl::StatusOr<AcceptResult> accepted =
      env_->store->AcceptEnvelope(record, sink.inline_bytes());
  if (!accepted.ok() || accepted->already_stored) {
    // A concurrent upload of the same transfer won, or the store failed:
    // this copy of the file is not referenced.
    if (!sink.is_inline()) {
      env_->spool->Remove(record.spool_name).IgnoreError();
    }
    if (!accepted.ok()) return accepted.status();
    return true;
  }
  for (const std::string& recipient : record.recipients) {
    RecordEvent(*env_, deliverylog::LogEvent(
                           handover::v1::LOG_EVENT_KIND_ACCEPTED_BY_ROUTER)
                           .Transfer(record.transfer_id)
                           .Sender(record.sender_id)
                           .Recipient(recipient)
                           .Size(envelope_bytes)
                           .EnvelopeHash(record.ciphertext_hash)
                           .Actor(caller_id));
    env_->hub->Notify(recipient);
  }
  spdlog::info("transfer {} from {} accepted: {} bytes for {}", transfer,
               std::string(caller_id), envelope_bytes,
               absl::StrJoin(record.recipients, ","));
  return false;
}

}  // namespace handover::router

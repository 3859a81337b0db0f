#include "node/api/submit_validation.h"

#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "bundle/attachment_name.h"
#include "casefile/case_file.h"
#include "casefile/payload_format.h"
#include "common/status_macros.h"
#include "crypto/envelope_format.h"

namespace handover::node::api {
namespace {

constexpr size_t kMaxMediaTypeBytes = 255;

bool IsPrintableAscii(absl::string_view s) {
  for (char c : s) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

// One well-formed recipient id's key valid at `now`.
absl::StatusOr<crypto::PublicIdentity> ResolveOne(
    const std::string& id, const directory::DirectoryView& directory,
    absl::Time now) {
  absl::StatusOr<const handover::v1::Agency*> agency = directory.FindAgency(id);
  if (!agency.ok()) {
    return absl::NotFoundError(
        absl::StrCat("recipient ", id, " is not in the directory"));
  }
  if ((*agency)->status() != handover::v1::AGENCY_STATUS_ACTIVE) {
    return absl::PermissionDeniedError(
        absl::StrCat("recipient ", id, " is revoked"));
  }
  absl::StatusOr<crypto::PublicIdentity> key =
      directory.EncryptionKeyAt(id, now);
  if (!key.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("recipient ", id, " has no key valid now"));
  }
  return key;
}

}  // namespace

absl::Status ValidateIdempotencyKey(absl::string_view key) {
  if (key.empty() || key.size() > kMaxIdempotencyKeyBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("idempotency_key must be 1 to ", kMaxIdempotencyKeyBytes,
                     " characters; it is ", key.size()));
  }
  if (!IsPrintableAscii(key)) {
    return absl::InvalidArgumentError(
        "idempotency_key must be printable ASCII (0x20 to 0x7e)");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<crypto::PublicIdentity>> ResolveRecipients(
    const google::protobuf::RepeatedPtrField<std::string>& recipients,
    const directory::DirectoryView& directory, absl::string_view own_agency_id,
    absl::Time now) {
  if (recipients.empty()) {
    return absl::InvalidArgumentError("recipients must not be empty");
  }
  if (static_cast<size_t>(recipients.size()) > crypto::kMaxRecipients) {
    return absl::InvalidArgumentError(
        absl::StrCat("at most ", crypto::kMaxRecipients,
                     " recipients are allowed; got ", recipients.size()));
  }
  std::set<std::string> seen;
  std::vector<crypto::PublicIdentity> keys;
  for (int i = 0; i < recipients.size(); ++i) {
    const std::string& id = recipients[i];
    if (!crypto::ValidateAgencyId(id).ok()) {
      // A malformed id is not echoed: it may be anything at all.
      return absl::InvalidArgumentError(
          absl::StrCat("recipients[", i, "] is not a valid agency id"));
    }
    if (!seen.insert(id).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("recipient ", id, " is listed twice"));
    }
    if (id == own_agency_id) {
      return absl::InvalidArgumentError(
          absl::StrCat("recipient ", id, " is this node's own agency"));
    }
    ASSIGN_OR_RETURN(crypto::PublicIdentity key,
                     ResolveOne(id, directory, now));
    keys.push_back(std::move(key));
  }
  return keys;
}

absl::StatusOr<absl::Duration> ResolveTimeToLive(uint64_t seconds) {
  if (seconds == 0) return kDefaultTimeToLive;
  const uint64_t max_seconds =
      static_cast<uint64_t>(absl::ToInt64Seconds(kMaxTimeToLive));
  if (seconds > max_seconds) {
    return absl::InvalidArgumentError(
        absl::StrCat("time_to_live_seconds must be at most ", max_seconds,
                     " (30 days); it is ", seconds));
  }
  return absl::Seconds(static_cast<int64_t>(seconds));
}

absl::StatusOr<std::vector<AttachmentPlan>> PlanAttachments(
    const google::protobuf::RepeatedPtrField<
        handover::v1::AttachmentDescriptor>& descriptors,
    int64_t max_attachments) {
  if (descriptors.size() > max_attachments) {
    return absl::ResourceExhaustedError(
        absl::StrCat("at most ", max_attachments,
                     " attachments are allowed; got ", descriptors.size()));
  }
  std::vector<AttachmentPlan> plan;
  std::set<std::string> names;
  for (int i = 0; i < descriptors.size(); ++i) {
    const handover::v1::AttachmentDescriptor& d = descriptors[i];
    if (absl::Status s = bundle::ValidateAttachmentName(d.name()); !s.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("attachments[", i, "].name: ", s.message()));
    }
    if (!names.insert(d.name()).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          "attachments[", i, "].name is the same as an earlier one"));
    }
    AttachmentPlan a{d.name(), d.media_type(), d.size()};
    if (a.media_type.empty())
      a.media_type = std::string(kDefaultAttachmentMediaType);
    if (a.media_type.size() > kMaxMediaTypeBytes ||
        !IsPrintableAscii(a.media_type)) {
      return absl::InvalidArgumentError(
          absl::StrCat("attachments[", i,
                       "].media_type must be at most 255 printable ASCII "
                       "characters"));
    }
    plan.push_back(std::move(a));
  }
  return plan;
}

absl::Status CompleteBundleAttachments(const std::vector<AttachmentPlan>& plan,
                                       handover::v1::CaseBundle* bundle) {
  std::map<std::string, handover::v1::Attachment> listed;
  for (const handover::v1::Attachment& a : bundle->attachments()) {
    listed[a.name()] = a;
  }
  bundle->clear_attachments();
  for (const AttachmentPlan& a : plan) {
    handover::v1::Attachment entry;
    if (auto it = listed.find(a.name); it != listed.end()) {
      entry = std::move(it->second);
      listed.erase(it);
    } else {
      entry.set_label(std::string(casefile::kUnlistedAttachmentLabel));
    }
    entry.set_name(a.name);
    entry.set_media_type(a.media_type);
    entry.set_size_bytes(a.size);
    *bundle->add_attachments() = std::move(entry);
  }
  if (!listed.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the bundle lists ", listed.size(),
                     " attachment(s) with no matching attachment descriptor"));
  }
  return absl::OkStatus();
}

absl::StatusOr<EnvelopeEstimate> EstimateEnvelope(
    uint64_t bundle_bytes, const std::vector<AttachmentPlan>& plan,
    absl::string_view sender_id,
    const std::vector<crypto::PublicIdentity>& recipients,
    absl::string_view content_type, uint32_t chunk_size) {
  EnvelopeEstimate estimate;
  uint64_t plaintext = 0;
  // Declared sizes come from the client: refuse sums near wrapping, far
  // beyond any configurable limit.
  constexpr uint64_t kCeiling = uint64_t{1} << 62;
  auto add = [&plaintext](uint64_t n) {
    if (n > kCeiling || plaintext + n > kCeiling) return false;
    plaintext += n;
    return true;
  };
  std::vector<casefile::PartHeader> parts;
  parts.push_back({casefile::PartKind::kBundle, "",
                   std::string(casefile::kBundleMediaType), bundle_bytes});
  for (const AttachmentPlan& a : plan) {
    parts.push_back(
        {casefile::PartKind::kAttachment, a.name, a.media_type, a.size});
  }
  for (const casefile::PartHeader& part : parts) {
    ASSIGN_OR_RETURN(std::string header, casefile::EncodePartHeader(part));
    if (!add(header.size()) || !add(part.length)) {
      return absl::ResourceExhaustedError("declared sizes overflow");
    }
  }
  crypto::EnvelopeHeader header;
  header.sender_id = std::string(sender_id);
  header.content_type = std::string(content_type);
  header.chunk_size = chunk_size;
  header.plaintext_size = plaintext;
  for (const crypto::PublicIdentity& r : recipients) {
    header.recipients.push_back({r.agency_id, r.box_key_id()});
  }
  estimate.plaintext_bytes = plaintext;
  estimate.envelope_bytes = header.CiphertextOffset() + header.CiphertextSize();
  return estimate;
}

}  // namespace handover::node::api

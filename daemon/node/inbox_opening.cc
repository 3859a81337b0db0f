#include "node/inbox_opening.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bundle/bundle_json.h"
#include "casefile/payload_format.h"
#include "common/status_macros.h"
#include "crypto/envelope_errors.h"
#include "crypto/sealer.h"
#include "crypto/secret_bytes.h"

namespace handover::node {
namespace {

absl::Status Malformed(absl::string_view message) {
  return crypto::EnvelopeError(absl::StatusCode::kInvalidArgument,
                               crypto::EnvelopeFailure::kMalformedPayload,
                               absl::StrCat("malformed payload: ", message));
}

// The sender's key that signed the envelope: of its keys valid when the
// envelope was created (two during a rotation), the one whose key id the
// header names. A sender revoked after we accepted the transfer still
// counts: the record was verified when it arrived, and a child's record
// must not become unreadable because the sender later left.
absl::StatusOr<crypto::PublicIdentity> SenderKey(
    const directory::DirectoryView& directory, const InboxRecord& record,
    const crypto::EnvelopeHead& head) {
  ASSIGN_OR_RETURN(
      std::vector<crypto::PublicIdentity> keys,
      directory.SigningKeysForAccepted(record.sender_id, record.created_at,
                                       record.received_at));
  for (crypto::PublicIdentity& key : keys) {
    if (key.sign_key_id() == head.header.sender_key_id) return std::move(key);
  }
  return absl::UnauthenticatedError(absl::StrCat(
      "no signing key of ", record.sender_id,
      " valid when the transfer was sealed matches the envelope's key id"));
}

// Keeps the bundle part; drops attachment bytes.
class BundleCollector final : public casefile::PartHandler {
 public:
  ~BundleCollector() override { crypto::Wipe(bytes_.data(), bytes_.size()); }

  absl::Status OnPartStart(const casefile::PartHeader& part) override {
    in_bundle_ = part.kind == casefile::PartKind::kBundle;
    if (in_bundle_ && seen_bundle_) return Malformed("two bundle parts");
    seen_bundle_ = seen_bundle_ || in_bundle_;
    return absl::OkStatus();
  }
  absl::Status OnPartData(absl::string_view data) override {
    if (in_bundle_) bytes_.append(data.data(), data.size());
    return absl::OkStatus();
  }
  absl::Status OnPartEnd() override { return absl::OkStatus(); }

  absl::StatusOr<handover::v1::CaseBundle> Bundle() const {
    if (!seen_bundle_) return Malformed("payload has no bundle part");
    absl::StatusOr<handover::v1::CaseBundle> bundle =
        bundle::ParseBundleBinary(bytes_);
    if (!bundle.ok()) return Malformed(bundle.status().message());
    return bundle;
  }

 private:
  std::string bytes_;
  bool in_bundle_ = false;
  bool seen_bundle_ = false;
};

}  // namespace

absl::StatusOr<std::unique_ptr<OpenedInbox>> OpenInboxEnvelope(
    const InboxRecord& record, const directory::DirectoryView& directory,
    const KeyRing& keys) {
  crypto::EnvelopeHead head;
  {
    ASSIGN_OR_RETURN(std::unique_ptr<InputFile> file,
                     InputFile::Open(record.envelope_path));
    ASSIGN_OR_RETURN(head, crypto::ReadEnvelopeHead(file.get()));
  }
  ASSIGN_OR_RETURN(crypto::PublicIdentity sender,
                   SenderKey(directory, record, head));
  // Sealed to our current key or, after a rotation, to an earlier one.
  const crypto::SecretIdentity& recipient = keys.ForOpening(head.header);
  auto opened = std::make_unique<OpenedInbox>(record.received_at);
  ASSIGN_OR_RETURN(opened->file, InputFile::Open(record.envelope_path));
  crypto::OpenOptions options;
  options.clock = &opened->as_stored;
  ASSIGN_OR_RETURN(opened->opener,
                   crypto::EnvelopeOpener::Open(opened->file.get(), recipient,
                                                sender, options));
  if (opened->opener->header().content_type != crypto::kCaseBundleContentType) {
    return Malformed("the transfer does not hold a case bundle");
  }
  return opened;
}

absl::StatusOr<handover::v1::CaseBundle> ReadInboxBundle(
    const InboxRecord& record, const directory::DirectoryView& directory,
    const KeyRing& keys) {
  ASSIGN_OR_RETURN(std::unique_ptr<OpenedInbox> opened,
                   OpenInboxEnvelope(record, directory, keys));
  BundleCollector collector;
  casefile::PayloadReader reader(&collector);
  std::string chunk;
  for (bool last = false; !last;) {
    ASSIGN_OR_RETURN(last, opened->opener->Next(&chunk));
    absl::Status fed = reader.Feed(chunk);
    crypto::Wipe(chunk.data(), chunk.size());
    RETURN_IF_ERROR(fed);
  }
  RETURN_IF_ERROR(reader.Finish());
  return collector.Bundle();
}

}  // namespace handover::node

#include "node/recall_flagger.h"

#include <spdlog/spdlog.h>

#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "crypto/identity.h"

namespace handover::node {

std::string RecallReason(const directory::CompromisedKey& key,
                         uint64_t directory_version) {
  return absl::StrCat(
      "signing key ", crypto::ToHex(key.sign_key_id), " compromised since ",
      absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ", key.since, absl::UTCTimeZone()),
      " (directory version ", directory_version, ")");
}

absl::StatusOr<int> RecallFlagger::Apply(
    const directory::DirectoryView& directory) {
  int flagged = 0;
  for (const directory::CompromisedKey& key : directory.CompromisedKeys()) {
    RecallRequest request;
    request.sender_id = key.agency_id;
    request.sender_key_id = key.sign_key_id;
    request.since = key.since;
    request.reason = RecallReason(key, directory.version());
    request.directory_version = directory.version();
    request.now = clock_->Now();
    ASSIGN_OR_RETURN(std::vector<InboxRecord> records,
                     store_->FlagRecalled(request));
    for (const InboxRecord& record : records) {
      // Ids, agencies and the reason only: the content stays sealed.
      spdlog::warn("inbox: transfer {} from {} recalled: {}",
                   crypto::ToHex(record.transfer_id), record.sender_id,
                   request.reason);
      if (events_ == nullptr) continue;
      events_->Record(
          deliverylog::LogEvent(handover::v1::LOG_EVENT_KIND_RECALLED)
              .Transfer(record.transfer_id)
              .Sender(record.sender_id)
              .Recipient(agency_id_)
              .Size(record.envelope_size)
              .EnvelopeHash(record.ciphertext_hash)
              .Actor("directory")
              .Detail(request.reason));
    }
    flagged += static_cast<int>(records.size());
  }
  return flagged;
}

}  // namespace handover::node

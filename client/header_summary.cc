#include "header_summary.h"

#include "absl/strings/str_cat.h"
#include "crypto/identity.h"

namespace handover::cli {
namespace {

std::string AgencyWithKey(const std::string& agency_id,
                          const std::string& key_id) {
  return absl::StrCat(agency_id, " (key ", crypto::ToHex(key_id), ")");
}

Json AgencyJson(const std::string& agency_id, const std::string& key_id) {
  return Json{{"agency_id", agency_id}, {"key_id", crypto::ToHex(key_id)}};
}

void AddParties(const crypto::EnvelopeHeader& header, Report* report) {
  report->Row("sender", AgencyWithKey(header.sender_id, header.sender_key_id));
  report->json["sender"] = AgencyJson(header.sender_id, header.sender_key_id);
  Json recipients = Json::array();
  for (size_t i = 0; i < header.recipients.size(); ++i) {
    const crypto::RecipientEntry& r = header.recipients[i];
    report->Row(i == 0 ? "recipients" : "",
                AgencyWithKey(r.agency_id, r.box_key_id));
    recipients.push_back(AgencyJson(r.agency_id, r.box_key_id));
  }
  report->json["recipients"] = std::move(recipients);
}

}  // namespace

void AddHeaderSummary(const crypto::EnvelopeHeader& header, Report* report) {
  report->Row("transfer id", crypto::ToHex(header.transfer_id));
  report->json["transfer_id"] = crypto::ToHex(header.transfer_id);
  AddParties(header, report);
  report->Row("created", FormatUtc(header.created_at));
  report->Row("expires", FormatUtc(header.expires_at));
  report->Row("content type", header.content_type);
  report->Row("chunk size", FormatSize(header.chunk_size));
  report->Row("plaintext size", FormatSize(header.plaintext_size));
  report->Row("ciphertext size", FormatSize(header.CiphertextSize()));
  Json& j = report->json;
  j["created_at"] = FormatUtc(header.created_at);
  j["expires_at"] = FormatUtc(header.expires_at);
  j["content_type"] = header.content_type;
  j["chunk_size"] = header.chunk_size;
  j["plaintext_bytes"] = header.plaintext_size;
  j["ciphertext_bytes"] = header.CiphertextSize();
}

}  // namespace handover::cli

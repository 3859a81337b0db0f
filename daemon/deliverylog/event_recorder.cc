#include "deliverylog/event_recorder.h"

#include <algorithm>
#include <limits>
#include <string>

#include "absl/strings/str_cat.h"
#include "deliverylog/log_entry_codec.h"
#include "spdlog/spdlog.h"

namespace handover::deliverylog {

LogEvent& LogEvent::Transfer(absl::string_view transfer_id) {
  entry_.set_transfer_id(std::string(transfer_id));
  return *this;
}

// Agency ids are kept as given, never cut or mended: a cut id ends in "...",
// which is itself a valid agency id ([a-z0-9.-]), so an over-long id would
// be recorded as some other agency's. Append refuses an id that is not an
// agency id, and Record counts the failure.
LogEvent& LogEvent::Sender(absl::string_view agency_id) {
  entry_.set_sender(std::string(agency_id));
  return *this;
}

LogEvent& LogEvent::Recipient(absl::string_view agency_id) {
  entry_.set_recipient(std::string(agency_id));
  return *this;
}

LogEvent& LogEvent::View(absl::string_view view) {
  entry_.set_view(OneLogLine(view, kMaxViewBytes));
  return *this;
}

LogEvent& LogEvent::Size(uint64_t bytes) {
  entry_.set_size(bytes);
  return *this;
}

LogEvent& LogEvent::EnvelopeHash(absl::string_view hash) {
  entry_.set_envelope_hash(std::string(hash));
  return *this;
}

LogEvent& LogEvent::Actor(absl::string_view actor) {
  entry_.set_actor(OneLogLine(actor, kMaxActorBytes));
  return *this;
}

LogEvent& LogEvent::Detail(absl::string_view detail) {
  entry_.set_detail(OneLogLine(detail, kMaxDetailBytes));
  return *this;
}

LogEvent& LogEvent::Time(absl::Time at) {
  *entry_.mutable_time() = MicrosToTimestamp(absl::ToUnixMicros(at));
  return *this;
}

std::string OneLogLine(absl::string_view text, size_t max_bytes) {
  constexpr absl::string_view kCut = "...";
  std::string line;
  line.reserve(std::min(text.size(), max_bytes));
  for (char c : text) {
    line.push_back(c >= 0x20 && c < 0x7f ? c : '?');
  }
  if (line.size() > max_bytes && max_bytes >= kCut.size()) {
    line.resize(max_bytes - kCut.size());
    line.append(kCut.data(), kCut.size());
  } else if (line.size() > max_bytes) {
    line.resize(max_bytes);
  }
  return line;
}

std::optional<uint64_t> EventRecorder::Record(const LogEvent& event) {
  if (log_ == nullptr) return std::nullopt;
  absl::StatusOr<uint64_t> appended = log_->Append(event.entry());
  if (appended.ok()) return *appended;
  failures_.fetch_add(1);
  // The event's name and the status only: no ids beyond what the daemon
  // already logs, and never content.
  spdlog::error("delivery log: cannot record a {} event: {}",
                handover::v1::LogEventKind_Name(event.entry().event()),
                appended.status().ToString());
  return std::nullopt;
}

void RecordKeyRotation(const DeliveryLog& log, EventRecorder& events,
                       const crypto::SecretIdentity& current) {
  const std::string detail = absl::StrCat(
      "signing key ", crypto::ToHex(current.public_identity().sign_key_id()));
  LogQuery query;
  query.events = {handover::v1::LOG_EVENT_KIND_KEY_ROTATED};
  // Key rotations are rare; no real log pages through them for long.
  absl::StatusOr<std::vector<handover::v1::LogEntry>> history =
      QueryAll(log, query, std::numeric_limits<int>::max());
  if (!history.ok()) {
    spdlog::error("delivery log: cannot read the key history: {}",
                  history.status().ToString());
    return;
  }
  if (!history->empty() && history->back().detail() == detail) return;
  events.Record(LogEvent(handover::v1::LOG_EVENT_KIND_KEY_ROTATED)
                    .Sender(current.agency_id())
                    .Detail(detail));
}

}  // namespace handover::deliverylog

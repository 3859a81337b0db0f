#include "node/log_events.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "spdlog/spdlog.h"

namespace handover::node {
namespace v1 = handover::v1;

const char* PriorityName(alerts::Priority priority) {
  switch (priority) {
    case alerts::Priority::kRoutine:
      return "routine";
    case alerts::Priority::kHigh:
      return "high";
    case alerts::Priority::kUrgent:
      return "urgent";
  }
  return "unknown";
}

void RecordAlertEvent(deliverylog::EventRecorder& events,
                      const alerts::AlertEvent& event) {
  v1::LogEventKind kind = v1::LOG_EVENT_KIND_ALERT_RAISED;
  if (event.kind == alerts::EventKind::kEscalated) {
    kind = v1::LOG_EVENT_KIND_ALERT_ESCALATED;
  } else if (event.kind == alerts::EventKind::kAcknowledged) {
    kind = v1::LOG_EVENT_KIND_ALERT_ACKNOWLEDGED;
  }
  deliverylog::LogEvent entry(kind);
  entry.Transfer(event.alert.transfer_id)
      .Sender(event.alert.sender_agency_id)
      .Detail(absl::StrCat("alert ", event.alert_id, ", priority ",
                           PriorityName(event.priority)));
  if (event.kind == alerts::EventKind::kAcknowledged) {
    entry.Actor(event.operator_id);
  }
  events.Record(entry);
}

void RecordPerRecipient(deliverylog::EventRecorder& events,
                        v1::LogEventKind kind, absl::string_view sender,
                        const OutboxTransfer& transfer,
                        absl::string_view detail, absl::string_view view) {
  for (const std::string& recipient : transfer.recipients) {
    events.Record(deliverylog::LogEvent(kind)
                      .Transfer(transfer.transfer_id)
                      .Sender(sender)
                      .Recipient(recipient)
                      .View(view)
                      .Size(transfer.envelope_size)
                      .EnvelopeHash(transfer.ciphertext_hash)
                      .Actor(transfer.client_name)
                      .Detail(detail));
  }
}

void RecordSubmission(deliverylog::EventRecorder& events,
                      absl::string_view sender, const OutboxTransfer& transfer,
                      absl::string_view view, absl::string_view sealed_detail) {
  for (v1::LogEventKind kind :
       {v1::LOG_EVENT_KIND_SUBMITTED, v1::LOG_EVENT_KIND_SEALED}) {
    events.Record(deliverylog::LogEvent(kind)
                      .Transfer(transfer.transfer_id)
                      .Sender(sender)
                      .View(view)
                      .Size(transfer.envelope_size)
                      .EnvelopeHash(transfer.ciphertext_hash)
                      .Actor(transfer.client_name)
                      .Detail(kind == v1::LOG_EVENT_KIND_SEALED
                                  ? std::string(sealed_detail)
                                  : absl::StrCat(transfer.recipients.size(),
                                                 " recipient(s)")));
  }
  RecordPerRecipient(events, v1::LOG_EVENT_KIND_QUEUED, sender, transfer, "",
                     view);
}

}  // namespace handover::node

// Delivery-log entries the node writes from more than one place, or from
// NodeCore's wiring. Entries name ids, agencies, sizes and hashes only: an
// alert's entry gives its id and priority, never its reasons, which come
// from the child's record.
#ifndef HANDOVER_NODE_LOG_EVENTS_H_
#define HANDOVER_NODE_LOG_EVENTS_H_

#include "alerts/alert_book.h"
#include "crypto/identity.h"
#include "deliverylog/delivery_log.h"
#include "deliverylog/event_recorder.h"
#include "node/node_store.h"

namespace handover::node {

// "high", "urgent", "routine".
const char* PriorityName(alerts::Priority priority);

// ALERT_RAISED, ALERT_ESCALATED or ALERT_ACKNOWLEDGED for `event`.
void RecordAlertEvent(deliverylog::EventRecorder& events,
                      const alerts::AlertEvent& event);
inline void RecordEscalation(deliverylog::EventRecorder& events,
                             const alerts::AlertEvent& event) {
  RecordAlertEvent(events, event);
}

// One `kind` entry per recipient of `transfer`, which `sender` sent, with
// its size and ciphertext hash: the sender's record of each copy.
void RecordPerRecipient(deliverylog::EventRecorder& events,
                        handover::v1::LogEventKind kind,
                        absl::string_view sender,
                        const OutboxTransfer& transfer,
                        absl::string_view detail = "",
                        absl::string_view view = "");

// A transfer stored in the outbox: SUBMITTED (by the client) and SEALED
// once, then QUEUED for each recipient. `sealed_detail` says what the
// envelope holds by field name (a move's view), never by value.
void RecordSubmission(deliverylog::EventRecorder& events,
                      absl::string_view sender, const OutboxTransfer& transfer,
                      absl::string_view view = "",
                      absl::string_view sealed_detail = "");

}  // namespace handover::node

#endif  // HANDOVER_NODE_LOG_EVENTS_H_

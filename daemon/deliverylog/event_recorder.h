// The one way daemon code writes to its delivery log. A LogEvent is built
// where something happens; EventRecorder appends it.
//
// Recording never fails the work it describes: a transfer already durable
// must not be refused because its log line could not be written. A failed
// append is logged as an error (without content) and counted, and NodeInfo
// and the router's log report the count, so the gap is never hidden.
//
// Thread-safety: EventRecorder is thread-safe; LogEvent is a plain value.
#ifndef HANDOVER_DELIVERYLOG_EVENT_RECORDER_H_
#define HANDOVER_DELIVERYLOG_EVENT_RECORDER_H_

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "crypto/identity.h"
#include "deliverylog/delivery_log.h"
#include "handover/v1/log.pb.h"

namespace handover::deliverylog {

class LogEvent {
 public:
  explicit LogEvent(handover::v1::LogEventKind kind) { entry_.set_event(kind); }

  LogEvent& Transfer(absl::string_view transfer_id);  // 16 raw bytes
  LogEvent& Sender(absl::string_view agency_id);
  LogEvent& Recipient(absl::string_view agency_id);
  LogEvent& View(absl::string_view view);
  LogEvent& Size(uint64_t bytes);
  LogEvent& EnvelopeHash(absl::string_view hash);  // 32 raw bytes
  LogEvent& Actor(absl::string_view actor);
  // A reason or a version, for people. Made one printable line and cut to
  // fit the log's bound, since reasons often come from status messages.
  LogEvent& Detail(absl::string_view detail);
  // Unset, the log stamps its clock's time.
  LogEvent& Time(absl::Time at);

  const handover::v1::LogEntry& entry() const { return entry_; }

 private:
  handover::v1::LogEntry entry_;
};

// Printable ASCII only, one line, at most `max_bytes`: what an entry's text
// fields may hold. Anything else becomes '?', and a cut ends in "...".
std::string OneLogLine(absl::string_view text, size_t max_bytes);

class EventRecorder {
 public:
  // `log` may be null: then nothing is recorded (parts built in tests
  // without a log). It must outlive the recorder.
  explicit EventRecorder(DeliveryLog* log) : log_(log) {}

  // The entry's index, or nullopt if it could not be recorded.
  std::optional<uint64_t> Record(const LogEvent& event);

  // Appends that failed since start.
  uint64_t failures() const { return failures_.load(); }
  DeliveryLog* log() const { return log_; }

 private:
  DeliveryLog* log_;
  std::atomic<uint64_t> failures_{0};
};

// KEY_ROTATED when `current`'s signing key is not the one the log last
// recorded (and on the log's first start), so every key that signed this
// log's heads, and this agency's envelopes, is on record.
void RecordKeyRotation(const DeliveryLog& log, EventRecorder& events,
                       const crypto::SecretIdentity& current);

}  // namespace handover::deliverylog

#endif  // HANDOVER_DELIVERYLOG_EVENT_RECORDER_H_

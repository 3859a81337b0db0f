// The delivery log entry's checks and its canonical leaf bytes: what the
// Merkle tree hashes (docs/LOG.md). The leaf is a fixed, length-prefixed
// big-endian encoding, NOT the protobuf serialization, so any verifier can
// rebuild it from the entry's fields alone and protobuf's freedom in field
// order or unknown fields never changes a hash.
//
// Free functions, no state; thread-safe.
#ifndef HANDOVER_DELIVERYLOG_LOG_ENTRY_CODEC_H_
#define HANDOVER_DELIVERYLOG_LOG_ENTRY_CODEC_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "handover/v1/log.pb.h"

namespace handover::deliverylog {

// Domain separation for leaves: a leaf can never be read as another
// document's bytes.
inline constexpr absl::string_view kLeafContext =
    absl::string_view("handover/v1/log-entry\0", 22);

inline constexpr size_t kTransferIdBytes = 16;
inline constexpr size_t kEnvelopeHashBytes = 32;

// OK if `entry` is within the bounds of delivery_log.h: a time present,
// in years 0001-9999 and in whole microseconds (the leaf keeps no more); a
// known event other than UNSPECIFIED; transfer_id empty or 16 bytes;
// envelope_hash empty or 32 bytes; sender and recipient empty or agency
// ids; view, actor and detail within their limits and printable UTF-8 (no
// control, line-separator or bidi-override characters, so an entry is one
// line wherever it is shown); size below 2^63. InvalidArgument naming the
// field otherwise, never its content. The index is not checked: the log
// assigns it.
absl::Status ValidateEntry(const handover::v1::LogEntry& entry);

// The canonical leaf bytes:
//   "handover/v1/log-entry" 0x00 || index (u64 BE)
//   || time (i64 BE, µs since the Unix epoch) || event (u32 BE)
//   || transfer_id, sender, recipient, view (each u16 BE length + bytes)
//   || size (u64 BE) || envelope_hash, actor, detail (u16 length + bytes)
// Meant for entries that pass ValidateEntry; if a field is too long for its
// u16 length it returns an empty string, which no entry encodes to.
std::string EncodeLeaf(const handover::v1::LogEntry& entry);

// Microseconds since the Unix epoch, rounded down. Wraps rather than
// overflows for timestamps far outside ValidateEntry's range.
int64_t TimestampMicros(const google::protobuf::Timestamp& t);
google::protobuf::Timestamp MicrosToTimestamp(int64_t micros);
inline absl::Time MicrosToTime(int64_t micros) {
  return absl::FromUnixMicros(micros);
}

}  // namespace handover::deliverylog

#endif  // HANDOVER_DELIVERYLOG_LOG_ENTRY_CODEC_H_

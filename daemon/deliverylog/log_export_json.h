// One line of a delivery log export (JSON Lines, docs/LOG.md):
//   {"format":"handover-log-export/1","log_id":"..."}       first line
//   {"entry":{"index":0,"time":"...","time_us":0,...}}       one per entry
//   {"tree_head":{"log_id":"...","tree_size":0,...}}         one per head
// Bytes are lower-case hex; times are RFC 3339 UTC with microseconds AND
// the integer time_us, which must agree. Parsing is strict: every field
// present with its exact type, no unknown or repeated field, no nulls,
// floats or nesting beyond the shapes above.
//
// Free functions, no state; thread-safe.
#ifndef HANDOVER_DELIVERYLOG_LOG_EXPORT_JSON_H_
#define HANDOVER_DELIVERYLOG_LOG_EXPORT_JSON_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "handover/v1/log.pb.h"

namespace handover::deliverylog {

inline constexpr absl::string_view kExportFormat = "handover-log-export/1";

struct ExportLine {
  enum class Kind { kHeader, kEntry, kTreeHead };
  Kind kind = Kind::kHeader;
  std::string log_id;  // kHeader
  handover::v1::LogEntry entry;
  handover::v1::SignedTreeHead head;
};

// Each without its newline.
std::string ExportHeaderLine(absl::string_view log_id);
std::string ExportEntryLine(const handover::v1::LogEntry& entry);
std::string ExportTreeHeadLine(const handover::v1::SignedTreeHead& head);

// Parses one line (without its newline). InvalidArgument saying what is
// wrong, naming the field but never echoing content.
absl::StatusOr<ExportLine> ParseExportLine(absl::string_view line);

}  // namespace handover::deliverylog

#endif  // HANDOVER_DELIVERYLOG_LOG_EXPORT_JSON_H_

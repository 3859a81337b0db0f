// How `handover log` shows the delivery log (proto/handover/v1/log.proto):
// event-kind names, entries as an aligned table, RFC 4180 CSV or JSON, and
// signed tree heads. Pure formatting, no I/O, so it is unit-tested without
// a node. Text for people passes through CardText (one line, no control
// characters); CSV and JSON keep every field whole. Entries hold routing
// metadata only, never case content. Free functions; thread-safe.
#ifndef HANDOVER_CLIENT_LOG_FORMAT_H_
#define HANDOVER_CLIENT_LOG_FORMAT_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "cli_output.h"
#include "handover/v1/log.pb.h"

namespace handover::cli {

// How `handover log list` prints entries.
enum class LogFormat { kTable, kCsv, kJson };

// "submitted", "sent_to_router", ...: the enum's name in lower case without
// the LOG_EVENT_KIND_ prefix. "event N" for a value this CLI does not know
// (and UNSPECIFIED, which no entry has).
std::string LogEventKindName(handover::v1::LogEventKind kind);

// The kind named `name` as LogEventKindName writes it, or nullopt.
std::optional<handover::v1::LogEventKind> ParseLogEventKind(
    absl::string_view name);

// Every name ParseLogEventKind accepts, in enum order.
std::vector<std::string> LogEventKindNames();

// Lower-case hex of raw bytes (a transfer id, a hash, a key id).
std::string HexBytes(absl::string_view bytes);

// A transfer id for a table: its first 12 hex digits and "…", or "-".
std::string ShortTransferId(absl::string_view raw_id);

// "2026-05-01T09:30:00.250000Z": RFC 3339 UTC with microseconds, as the
// export file writes times.
std::string FormatMicrosUtc(const google::protobuf::Timestamp& time);

// An aligned table: each column padded to its widest cell (counted in
// characters, not bytes), two spaces apart, the last column unpadded.
// rows[0] is the header.
std::string FormatTable(const std::vector<std::vector<std::string>>& rows);

// The table's header and one row per entry: INDEX, TIME (UTC, seconds),
// EVENT, TRANSFER (shortened), SENDER, RECIPIENT, VIEW, SIZE, ACTOR,
// DETAIL. Empty fields show as "-".
std::vector<std::string> LogTableHeader();
std::vector<std::string> LogTableRow(const handover::v1::LogEntry& entry);
// One transfer's timeline from two logs: TIME, LOG (`where`: "node" or
// "router"), INDEX, EVENT, SENDER, RECIPIENT, VIEW, SIZE, ACTOR, DETAIL.
std::vector<std::string> LogTimelineHeader();
std::vector<std::string> LogTimelineRow(const handover::v1::LogEntry& entry,
                                        absl::string_view where);
// The whole table, or "no log entries match\n" for none.
std::string FormatLogTable(const std::vector<handover::v1::LogEntry>& entries);

// RFC 4180: a header row, then one record per entry, CRLF line ends; a
// field holding a comma, a quote, CR or LF is quoted, its quotes doubled.
// Transfer ids and hashes in full; times with microseconds.
std::string CsvField(absl::string_view field);
std::string LogCsvHeader();
std::string LogCsvRecord(const handover::v1::LogEntry& entry);

// One entry for scripts, with the export file's field names: index, time,
// time_us, event, transfer_id (null if none), sender, recipient, view,
// size, envelope_hash (null if none), actor, detail.
Json LogEntryJson(const handover::v1::LogEntry& entry);

// A signed tree head for people (log, size, root, signed at, key id) and
// scripts (the export file's tree_head fields).
Json TreeHeadJson(const handover::v1::SignedTreeHead& head);
void AddTreeHeadRows(const handover::v1::SignedTreeHead& head, Report* report);

// "size 12 signed at 2026-05-01T09:30:00.25Z".
std::string TreeHeadSummary(const handover::v1::SignedTreeHead& head);

}  // namespace handover::cli

#endif  // HANDOVER_CLIENT_LOG_FORMAT_H_

#include "log_format.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "alert_card.h"
#include "google/protobuf/descriptor.h"

namespace handover::cli {
namespace {

namespace v1 = handover::v1;

constexpr absl::string_view kEventPrefix = "LOG_EVENT_KIND_";
// U+2026, marking a shortened transfer id.
constexpr absl::string_view kEllipsis = "\xe2\x80\xa6";
constexpr size_t kShortIdDigits = 12;

// Characters on a terminal: every UTF-8 byte that does not continue a
// sequence.
size_t DisplayWidth(absl::string_view text) {
  return std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xc0) != 0x80;
  });
}

std::string OrDash(absl::string_view text) {
  return text.empty() ? "-" : CardText(text);
}

absl::Time TimeOf(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

int64_t MicrosOf(const google::protobuf::Timestamp& t) {
  return absl::ToUnixMicros(TimeOf(t));
}

Json HexOrNull(absl::string_view bytes) {
  return bytes.empty() ? Json(nullptr) : Json(HexBytes(bytes));
}

}  // namespace

std::string LogEventKindName(v1::LogEventKind kind) {
  const google::protobuf::EnumValueDescriptor* value =
      v1::LogEventKind_descriptor()->FindValueByNumber(kind);
  if (value == nullptr || kind == v1::LOG_EVENT_KIND_UNSPECIFIED) {
    return absl::StrCat("event ", static_cast<int>(kind));
  }
  absl::string_view name = value->name();
  if (absl::StartsWith(name, kEventPrefix))
    name.remove_prefix(kEventPrefix.size());
  return absl::AsciiStrToLower(name);
}

std::optional<v1::LogEventKind> ParseLogEventKind(absl::string_view name) {
  const google::protobuf::EnumDescriptor* kinds = v1::LogEventKind_descriptor();
  for (int i = 0; i < kinds->value_count(); ++i) {
    const auto kind = static_cast<v1::LogEventKind>(kinds->value(i)->number());
    if (kind == v1::LOG_EVENT_KIND_UNSPECIFIED) continue;
    if (LogEventKindName(kind) == name) return kind;
  }
  return std::nullopt;
}

std::vector<std::string> LogEventKindNames() {
  const google::protobuf::EnumDescriptor* kinds = v1::LogEventKind_descriptor();
  std::vector<std::string> names;
  for (int i = 0; i < kinds->value_count(); ++i) {
    const auto kind = static_cast<v1::LogEventKind>(kinds->value(i)->number());
    if (kind != v1::LOG_EVENT_KIND_UNSPECIFIED) {
      names.push_back(LogEventKindName(kind));
    }
  }
  return names;
}

std::string HexBytes(absl::string_view bytes) {
  return absl::BytesToHexString(bytes);
}

std::string ShortTransferId(absl::string_view raw_id) {
  if (raw_id.empty()) return "-";
  const std::string hex = HexBytes(raw_id);
  if (hex.size() <= kShortIdDigits) return hex;
  return absl::StrCat(hex.substr(0, kShortIdDigits), kEllipsis);
}

std::string FormatMicrosUtc(const google::protobuf::Timestamp& time) {
  return absl::FormatTime("%Y-%m-%d%ET%H:%M:%E6SZ",
                          absl::FromUnixMicros(MicrosOf(time)),
                          absl::UTCTimeZone());
}

std::string FormatTable(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width;
  for (const auto& row : rows) {
    if (width.size() < row.size()) width.resize(row.size(), 0);
    for (size_t i = 0; i < row.size(); ++i) {
      width[i] = std::max(width[i], DisplayWidth(row[i]));
    }
  }
  std::string out;
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      absl::StrAppend(&out, row[i]);
      if (i + 1 < row.size()) {
        out.append(width[i] + 2 - DisplayWidth(row[i]), ' ');
      }
    }
    out += "\n";
  }
  return out;
}

std::vector<std::string> LogTableHeader() {
  return {"INDEX",     "TIME", "EVENT", "TRANSFER", "SENDER",
          "RECIPIENT", "VIEW", "SIZE",  "ACTOR",    "DETAIL"};
}

std::vector<std::string> LogTableRow(const v1::LogEntry& e) {
  return {absl::StrCat(e.index()),
          FormatUtc(e.time().seconds()),
          LogEventKindName(e.event()),
          ShortTransferId(e.transfer_id()),
          OrDash(e.sender()),
          OrDash(e.recipient()),
          OrDash(e.view()),
          e.size() == 0 ? "-" : absl::StrCat(e.size()),
          OrDash(e.actor()),
          OrDash(e.detail())};
}

std::vector<std::string> LogTimelineHeader() {
  return {"TIME",      "LOG",  "INDEX", "EVENT", "SENDER",
          "RECIPIENT", "VIEW", "SIZE",  "ACTOR", "DETAIL"};
}

std::vector<std::string> LogTimelineRow(const v1::LogEntry& e,
                                        absl::string_view where) {
  std::vector<std::string> cells = LogTableRow(e);
  // INDEX, TIME, EVENT, TRANSFER, SENDER... to TIME, LOG, INDEX, EVENT,
  // SENDER...: the transfer is the same on every row.
  std::vector<std::string> row = {cells[1], std::string(where), cells[0],
                                  cells[2]};
  row.insert(row.end(), cells.begin() + 4, cells.end());
  return row;
}

std::string FormatLogTable(const std::vector<v1::LogEntry>& entries) {
  if (entries.empty()) return "no log entries match\n";
  std::vector<std::vector<std::string>> rows = {LogTableHeader()};
  for (const v1::LogEntry& e : entries) rows.push_back(LogTableRow(e));
  return FormatTable(rows);
}

std::string CsvField(absl::string_view field) {
  if (field.find_first_of(",\"\r\n") == absl::string_view::npos) {
    return std::string(field);
  }
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string LogCsvHeader() {
  return "index,time,event,transfer_id,sender,recipient,view,size,"
         "envelope_hash,actor,detail\r\n";
}

std::string LogCsvRecord(const v1::LogEntry& e) {
  const std::vector<std::string> fields = {absl::StrCat(e.index()),
                                           FormatMicrosUtc(e.time()),
                                           LogEventKindName(e.event()),
                                           HexBytes(e.transfer_id()),
                                           e.sender(),
                                           e.recipient(),
                                           e.view(),
                                           absl::StrCat(e.size()),
                                           HexBytes(e.envelope_hash()),
                                           e.actor(),
                                           e.detail()};
  std::string out;
  for (const std::string& field : fields) {
    absl::StrAppend(&out, out.empty() ? "" : ",", CsvField(field));
  }
  return out + "\r\n";
}

Json LogEntryJson(const v1::LogEntry& e) {
  return Json{{"index", e.index()},
              {"time", FormatMicrosUtc(e.time())},
              {"time_us", MicrosOf(e.time())},
              {"event", LogEventKindName(e.event())},
              {"transfer_id", HexOrNull(e.transfer_id())},
              {"sender", e.sender()},
              {"recipient", e.recipient()},
              {"view", e.view()},
              {"size", e.size()},
              {"envelope_hash", HexOrNull(e.envelope_hash())},
              {"actor", e.actor()},
              {"detail", e.detail()}};
}

Json TreeHeadJson(const v1::SignedTreeHead& h) {
  return Json{{"log_id", h.log_id()},
              {"tree_size", h.tree_size()},
              {"root_hash", HexBytes(h.root_hash())},
              {"time", FormatMicrosUtc(h.timestamp())},
              {"time_us", MicrosOf(h.timestamp())},
              {"signature", HexBytes(h.signature())},
              {"signer_key_id", HexBytes(h.signer_key_id())}};
}

void AddTreeHeadRows(const v1::SignedTreeHead& h, Report* report) {
  report->Row("log", CardText(h.log_id()));
  report->Row("size", absl::StrCat(h.tree_size(),
                                   h.tree_size() == 1 ? " entry" : " entries"));
  report->Row("root", HexBytes(h.root_hash()));
  report->Row("signed at", FormatMicrosUtc(h.timestamp()));
  report->Row("key id", HexBytes(h.signer_key_id()));
}

std::string TreeHeadSummary(const v1::SignedTreeHead& h) {
  return absl::StrCat("size ", h.tree_size(), " signed at ",
                      FormatMicrosUtc(h.timestamp()));
}

}  // namespace handover::cli

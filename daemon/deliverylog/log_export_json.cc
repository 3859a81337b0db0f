#include "deliverylog/log_export_json.h"

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/status_macros.h"
#include "crypto/identity.h"
#include "deliverylog/log_entry_codec.h"
#include "nlohmann/json.hpp"

namespace handover::deliverylog {
namespace {

namespace v1 = handover::v1;
using Json = nlohmann::ordered_json;

constexpr char kTimeFormat[] = "%Y-%m-%d%ET%H:%M:%E6SZ";

std::string TimeText(int64_t micros) {
  return absl::FormatTime(kTimeFormat, MicrosToTime(micros),
                          absl::UTCTimeZone());
}

// Invalid UTF-8 (possible only in an edited log) is written as U+FFFD
// rather than thrown over; verification then reports the entry.
std::string Dump(const Json& json) {
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// One scalar (or the marker for the nested object) as parsed.
struct Value {
  enum class Type { kString, kInt, kUint, kObject, kOther };
  Type type = Type::kOther;
  std::string text;
  int64_t number = 0;
  uint64_t unsigned_number = 0;
};
using Fields = std::map<std::string, Value>;

// A SAX handler that accepts only the export's two shapes, a flat object
// or an object holding one flat object, and refuses repeated keys (which
// a DOM would silently collapse). Nothing here throws.
class LineSax {
 public:
  bool null() { return Scalar({}); }
  bool boolean(bool) { return Scalar({}); }
  bool number_integer(Json::number_integer_t v) {
    return Scalar({Value::Type::kInt, "", v, 0});
  }
  bool number_unsigned(Json::number_unsigned_t v) {
    return Scalar({Value::Type::kUint, "", 0, v});
  }
  bool number_float(Json::number_float_t, const Json::string_t&) {
    return Scalar({});
  }
  bool string(Json::string_t& s) {
    return Scalar({Value::Type::kString, std::move(s), 0, 0});
  }
  bool binary(Json::binary_t&) { return Fail("binary data is not allowed"); }
  bool start_object(size_t) {
    if (depth_ == 0) {
      depth_ = 1;
      return true;
    }
    if (depth_ == 1 && !has_inner_) {
      has_inner_ = true;
      inner_key_ = key_;
      outer_[key_].type = Value::Type::kObject;
      depth_ = 2;
      return true;
    }
    return Fail("objects nest deeper than the format allows");
  }
  bool key(Json::string_t& k) {
    if (!Current().emplace(k, Value{}).second) {
      return Fail("a field appears twice in one object");
    }
    key_ = std::move(k);
    return true;
  }
  bool end_object() {
    --depth_;
    return true;
  }
  bool start_array(size_t) { return Fail("arrays are not allowed"); }
  bool end_array() { return true; }
  template <typename Exception>
  bool parse_error(size_t position, const std::string&, const Exception&) {
    return Fail(absl::StrCat("not valid JSON (at byte ", position, ")"));
  }

  std::string error;
  Fields outer_;
  Fields inner_;
  std::string inner_key_;

 private:
  Fields& Current() { return depth_ == 2 ? inner_ : outer_; }
  bool Scalar(Value v) {
    if (depth_ == 0) return Fail("not a JSON object");
    Current()[key_] = std::move(v);
    return true;
  }
  bool Fail(std::string what) {
    error = std::move(what);
    return false;
  }
  int depth_ = 0;
  bool has_inner_ = false;
  std::string key_;
};

absl::Status Invalid(absl::string_view what) {
  return absl::InvalidArgumentError(std::string(what));
}

// Typed reads of one object's fields, each required exactly once.
class FieldReader {
 public:
  FieldReader(const Fields& fields, absl::string_view what)
      : fields_(fields), what_(what) {}

  absl::Status OnlyKnown(std::initializer_list<absl::string_view> known) {
    for (const auto& [key, value] : fields_) {
      bool found = false;
      for (absl::string_view k : known) found = found || k == key;
      if (!found) return Invalid(absl::StrCat(what_, " has an unknown field"));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::string> String(absl::string_view key) {
    ASSIGN_OR_RETURN(const Value* v,
                     Get(key, Value::Type::kString, "a string"));
    return v->text;
  }
  absl::StatusOr<uint64_t> Unsigned(absl::string_view key) {
    ASSIGN_OR_RETURN(const Value* v,
                     Get(key, Value::Type::kUint, "an unsigned integer"));
    return v->unsigned_number;
  }
  absl::StatusOr<int64_t> Signed(absl::string_view key) {
    auto it = fields_.find(std::string(key));
    if (it != fields_.end() && it->second.type == Value::Type::kUint &&
        it->second.unsigned_number <=
            static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return static_cast<int64_t>(it->second.unsigned_number);
    }
    ASSIGN_OR_RETURN(const Value* v, Get(key, Value::Type::kInt, "an integer"));
    return v->number;
  }
  absl::StatusOr<std::string> Hex(absl::string_view key) {
    ASSIGN_OR_RETURN(std::string text, String(key));
    if (text.size() % 2 != 0) return NotHex(key);
    std::string out(text.size() / 2, '\0');
    for (size_t i = 0; i < text.size(); ++i) {
      const char c = text[i];
      int nibble;
      if (c >= '0' && c <= '9') {
        nibble = c - '0';
      } else if (c >= 'a' && c <= 'f') {
        nibble = c - 'a' + 10;
      } else {
        return NotHex(key);
      }
      out[i / 2] = static_cast<char>(out[i / 2] << 4 | nibble);
    }
    return out;
  }
  // `time_us`, after checking that `time` spells the same instant exactly
  // as the writer does.
  absl::StatusOr<int64_t> Time() {
    ASSIGN_OR_RETURN(std::string text, String("time"));
    ASSIGN_OR_RETURN(int64_t micros, Signed("time_us"));
    if (text != TimeText(micros)) {
      return Invalid(absl::StrCat(what_,
                                  " fields \"time\" and \"time_us\" "
                                  "disagree"));
    }
    return micros;
  }

 private:
  absl::StatusOr<const Value*> Get(absl::string_view key, Value::Type type,
                                   absl::string_view type_name) {
    auto it = fields_.find(std::string(key));
    if (it == fields_.end()) {
      return Invalid(absl::StrCat(what_, " field \"", key, "\" is missing"));
    }
    if (it->second.type != type) {
      return Invalid(
          absl::StrCat(what_, " field \"", key, "\" is not ", type_name));
    }
    return &it->second;
  }
  absl::Status NotHex(absl::string_view key) {
    return Invalid(
        absl::StrCat(what_, " field \"", key, "\" is not lower-case hex"));
  }

  const Fields& fields_;
  std::string what_;
};

absl::StatusOr<v1::LogEntry> ParseEntry(const Fields& fields) {
  FieldReader r(fields, "entry");
  RETURN_IF_ERROR(r.OnlyKnown({"index", "time", "time_us", "event",
                               "transfer_id", "sender", "recipient", "view",
                               "size", "envelope_hash", "actor", "detail"}));
  v1::LogEntry e;
  ASSIGN_OR_RETURN(uint64_t index, r.Unsigned("index"));
  e.set_index(index);
  ASSIGN_OR_RETURN(int64_t micros, r.Time());
  *e.mutable_time() = MicrosToTimestamp(micros);
  ASSIGN_OR_RETURN(std::string event_name, r.String("event"));
  v1::LogEventKind event;
  if (!v1::LogEventKind_Parse(event_name, &event)) {
    return Invalid("entry field \"event\" is not a known event kind");
  }
  e.set_event(event);
  ASSIGN_OR_RETURN(*e.mutable_transfer_id(), r.Hex("transfer_id"));
  ASSIGN_OR_RETURN(*e.mutable_sender(), r.String("sender"));
  ASSIGN_OR_RETURN(*e.mutable_recipient(), r.String("recipient"));
  ASSIGN_OR_RETURN(*e.mutable_view(), r.String("view"));
  ASSIGN_OR_RETURN(uint64_t size, r.Unsigned("size"));
  e.set_size(size);
  ASSIGN_OR_RETURN(*e.mutable_envelope_hash(), r.Hex("envelope_hash"));
  ASSIGN_OR_RETURN(*e.mutable_actor(), r.String("actor"));
  ASSIGN_OR_RETURN(*e.mutable_detail(), r.String("detail"));
  return e;
}

absl::StatusOr<v1::SignedTreeHead> ParseTreeHead(const Fields& fields) {
  FieldReader r(fields, "tree head");
  RETURN_IF_ERROR(r.OnlyKnown({"log_id", "tree_size", "root_hash", "time",
                               "time_us", "signature", "signer_key_id"}));
  v1::SignedTreeHead h;
  ASSIGN_OR_RETURN(*h.mutable_log_id(), r.String("log_id"));
  ASSIGN_OR_RETURN(uint64_t tree_size, r.Unsigned("tree_size"));
  h.set_tree_size(tree_size);
  ASSIGN_OR_RETURN(*h.mutable_root_hash(), r.Hex("root_hash"));
  ASSIGN_OR_RETURN(int64_t micros, r.Time());
  *h.mutable_timestamp() = MicrosToTimestamp(micros);
  ASSIGN_OR_RETURN(*h.mutable_signature(), r.Hex("signature"));
  ASSIGN_OR_RETURN(*h.mutable_signer_key_id(), r.Hex("signer_key_id"));
  return h;
}

absl::StatusOr<ExportLine> ParseShape(const LineSax& sax) {
  ExportLine line;
  if (sax.outer_.count("format") != 0) {
    FieldReader r(sax.outer_, "the header");
    RETURN_IF_ERROR(r.OnlyKnown({"format", "log_id"}));
    ASSIGN_OR_RETURN(std::string format, r.String("format"));
    if (format != kExportFormat) {
      return Invalid(
          absl::StrCat("the header names an unknown format; this "
                       "build reads ",
                       kExportFormat));
    }
    ASSIGN_OR_RETURN(line.log_id, r.String("log_id"));
    line.kind = ExportLine::Kind::kHeader;
    return line;
  }
  if (sax.outer_.size() != 1) {
    return Invalid("neither a header, an entry nor a tree head");
  }
  if (sax.inner_key_ == "entry") {
    line.kind = ExportLine::Kind::kEntry;
    ASSIGN_OR_RETURN(line.entry, ParseEntry(sax.inner_));
    return line;
  }
  if (sax.inner_key_ == "tree_head") {
    line.kind = ExportLine::Kind::kTreeHead;
    ASSIGN_OR_RETURN(line.head, ParseTreeHead(sax.inner_));
    return line;
  }
  return Invalid("neither a header, an entry nor a tree head");
}

}  // namespace

std::string ExportHeaderLine(absl::string_view log_id) {
  Json json;
  json["format"] = std::string(kExportFormat);
  json["log_id"] = std::string(log_id);
  return Dump(json);
}

std::string ExportEntryLine(const v1::LogEntry& e) {
  const int64_t micros = TimestampMicros(e.time());
  Json entry;
  entry["index"] = e.index();
  entry["time"] = TimeText(micros);
  entry["time_us"] = micros;
  entry["event"] = v1::LogEventKind_Name(e.event());
  entry["transfer_id"] = crypto::ToHex(e.transfer_id());
  entry["sender"] = e.sender();
  entry["recipient"] = e.recipient();
  entry["view"] = e.view();
  entry["size"] = e.size();
  entry["envelope_hash"] = crypto::ToHex(e.envelope_hash());
  entry["actor"] = e.actor();
  entry["detail"] = e.detail();
  Json line;
  line["entry"] = std::move(entry);
  return Dump(line);
}

std::string ExportTreeHeadLine(const v1::SignedTreeHead& h) {
  const int64_t micros = TimestampMicros(h.timestamp());
  Json head;
  head["log_id"] = h.log_id();
  head["tree_size"] = h.tree_size();
  head["root_hash"] = crypto::ToHex(h.root_hash());
  head["time"] = TimeText(micros);
  head["time_us"] = micros;
  head["signature"] = crypto::ToHex(h.signature());
  head["signer_key_id"] = crypto::ToHex(h.signer_key_id());
  Json line;
  line["tree_head"] = std::move(head);
  return Dump(line);
}

absl::StatusOr<ExportLine> ParseExportLine(absl::string_view text) {
  LineSax sax;
  bool parsed = false;
  try {
    parsed = Json::sax_parse(text.begin(), text.end(), &sax,
                             Json::input_format_t::json, /*strict=*/true,
                             /*ignore_comments=*/false);
  } catch (const std::exception&) {
    // The SAX interface reports through parse_error; this is a backstop.
    return Invalid("not valid JSON");
  }
  if (!parsed) return Invalid(sax.error.empty() ? "not valid JSON" : sax.error);
  return ParseShape(sax);
}

}  // namespace handover::deliverylog

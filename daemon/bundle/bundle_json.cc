#include "bundle/bundle_json.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/unknown_field_set.h>
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "bundle/attachment_name.h"
#include "bundle/bundle_validate.h"
#include "common/file_util.h"
#include "common/status_macros.h"

namespace handover::bundle {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
using handover::v1::CaseBundle;

// Counts brackets outside strings. It checks no other syntax: the strict scan
// that follows does, but only once this bound makes its recursion safe.
absl::Status CheckNestingDepth(absl::string_view json) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // An escaped character never ends the string.
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > kMaxBundleJsonDepth) {
        return absl::InvalidArgumentError(
            absl::StrCat("bundle JSON nests objects and arrays more than ",
                         kMaxBundleJsonDepth, " deep (at byte ", i, ")"));
      }
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return absl::OkStatus();
}

bool IsWellKnownType(const Descriptor* type) {
  return type->file()->package() == "google.protobuf";
}

// Either spelling the proto3 JSON mapping allows: "familyName" or
// "family_name".
const FieldDescriptor* FindField(const Descriptor* type,
                                 absl::string_view key) {
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* field = type->field(i);
    if (field->json_name() == key || field->name() == key) return field;
  }
  return nullptr;
}

void AppendUtf8(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xc0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xe0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {
    out->push_back(static_cast<char>(0xf0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
}

// One strict RFC 8259 pass over the text, checked against the schema as it
// goes. Error messages carry the field path and position, never input values.
class StrictJsonScanner {
 public:
  explicit StrictJsonScanner(absl::string_view in) : in_(in) {}

  absl::Status Scan(const Descriptor* root) {
    if (in_.substr(0, 3) == "\xef\xbb\xbf") {
      return Error("starts with a byte order mark; write UTF-8 without one");
    }
    SkipWhitespace();
    if (Peek() != '{') return Error("must be a JSON object");
    RETURN_IF_ERROR(ScanObject(root, 1));
    SkipWhitespace();
    if (pos_ != in_.size())
      return Error("unexpected data after the closing '}'");
    return absl::OkStatus();
  }

 private:
  // `field` is null where the schema says nothing (inside well-known types).
  // `element` is true for the items of a repeated field's array.
  absl::Status ScanValue(const FieldDescriptor* field, bool element,
                         int depth) {
    SkipWhitespace();
    const char c = Peek();
    if (c == 'n') {
      if (element) return Error("null is not allowed in an array");
      return ScanLiteral("null");
    }
    if (field == nullptr) return ScanUntyped(depth);
    if (field->is_repeated() && !element) {
      if (c != '[') return Error("expected an array");
      return ScanArray(field, depth);
    }
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_MESSAGE:
        if (IsWellKnownType(field->message_type())) return ScanUntyped(depth);
        if (c != '{') return Error("expected an object");
        return ScanObject(field->message_type(), depth);
      case FieldDescriptor::CPPTYPE_STRING:
        if (c != '"') return Error("expected a string");
        return ScanString(nullptr);
      case FieldDescriptor::CPPTYPE_BOOL:
        if (c == 't') return ScanLiteral("true");
        if (c == 'f') return ScanLiteral("false");
        return Error("expected true or false");
      case FieldDescriptor::CPPTYPE_ENUM:
        return ScanEnum(field);
      default:  // Numbers: proto3 JSON allows them quoted, too.
        if (c == '"') return ScanString(nullptr);
        if (c == '-' || (c >= '0' && c <= '9')) return ScanNumber(nullptr);
        return Error("expected a number");
    }
  }

  absl::Status ScanUntyped(int depth) {
    switch (Peek()) {
      case '{':
        return ScanObject(nullptr, depth);
      case '[':
        return ScanArray(nullptr, depth);
      case '"':
        return ScanString(nullptr);
      case 't':
        return ScanLiteral("true");
      case 'f':
        return ScanLiteral("false");
      case 'n':
        return ScanLiteral("null");
      default:
        if (Peek() == '-' || (Peek() >= '0' && Peek() <= '9')) {
          return ScanNumber(nullptr);
        }
        return Error("expected a JSON value");
    }
  }

  // Looks up the field named by a key (either spelling); null for untyped
  // objects.
  absl::StatusOr<const FieldDescriptor*> ScanKey(const Descriptor* type,
                                                 std::vector<int>* seen) {
    SkipWhitespace();
    if (Peek() != '"') return Error("expected a field name in double quotes");
    const size_t key_pos = pos_;
    std::string key;
    RETURN_IF_ERROR(ScanString(&key));
    if (type == nullptr) return nullptr;
    const FieldDescriptor* field = FindField(type, key);
    // The key is not echoed: a lost '":' turns `"given_names": "Sam"` into
    // the key "given_namesSam", so even name-like keys can hold case content.
    if (field == nullptr) return ErrorAt(key_pos, "unknown field");
    if (std::find(seen->begin(), seen->end(), field->number()) != seen->end()) {
      return ErrorAt(key_pos, absl::StrCat("field \"", field->name(),
                                           "\" appears more than once"));
    }
    seen->push_back(field->number());
    return field;
  }

  absl::Status ScanObject(const Descriptor* type, int depth) {
    if (depth > kMaxBundleJsonDepth) return Error("nested too deeply");
    ++pos_;  // '{'
    SkipWhitespace();
    if (Peek() == '}') {
      ++pos_;
      return absl::OkStatus();
    }
    std::vector<int> seen;
    while (true) {
      ASSIGN_OR_RETURN(const FieldDescriptor* field, ScanKey(type, &seen));
      SkipWhitespace();
      if (Peek() != ':') return Error("expected ':' after a field name");
      ++pos_;
      const size_t path_size = path_.size();
      if (field != nullptr) {
        absl::StrAppend(&path_, path_.empty() ? "" : ".", field->name());
      }
      RETURN_IF_ERROR(ScanValue(field, false, depth + 1));
      path_.resize(path_size);
      SkipWhitespace();
      if (Peek() == '}') {
        ++pos_;
        return absl::OkStatus();
      }
      if (Peek() != ',') return Error("expected ',' or '}'");
      ++pos_;
      SkipWhitespace();
      if (Peek() == '}') return Error("trailing comma");
    }
  }

  absl::Status ScanArray(const FieldDescriptor* field, int depth) {
    if (depth > kMaxBundleJsonDepth) return Error("nested too deeply");
    ++pos_;  // '['
    SkipWhitespace();
    if (Peek() == ']') {
      ++pos_;
      return absl::OkStatus();
    }
    for (int i = 0;; ++i) {
      const size_t path_size = path_.size();
      absl::StrAppend(&path_, "[", i, "]");
      RETURN_IF_ERROR(ScanValue(field, true, depth + 1));
      path_.resize(path_size);
      SkipWhitespace();
      if (Peek() == ']') {
        ++pos_;
        return absl::OkStatus();
      }
      if (Peek() != ',') return Error("expected ',' or ']'");
      ++pos_;
      SkipWhitespace();
      if (Peek() == ']') return Error("trailing comma");
    }
  }

  absl::Status ScanEnum(const FieldDescriptor* field) {
    const size_t start = pos_;
    const auto* type = field->enum_type();
    const std::string unknown =
        absl::StrCat("not a known ", type->name(), " value");
    if (Peek() == '"') {
      std::string name;
      RETURN_IF_ERROR(ScanString(&name));
      if (type->FindValueByName(name) == nullptr)
        return ErrorAt(start, unknown);
      return absl::OkStatus();
    }
    absl::string_view text;
    if (Peek() == '-' || (Peek() >= '0' && Peek() <= '9')) {
      RETURN_IF_ERROR(ScanNumber(&text));
      int number;
      if (!absl::SimpleAtoi(text, &number) ||
          type->FindValueByNumber(number) == nullptr) {
        return ErrorAt(start, unknown);
      }
      return absl::OkStatus();
    }
    return Error("expected an enum value name");
  }

  absl::Status ScanString(std::string* decoded) {
    ++pos_;  // '"'
    while (true) {
      if (pos_ >= in_.size()) return Error("unterminated string");
      const auto c = static_cast<uint8_t>(in_[pos_]);
      if (c == '"') break;
      if (c < 0x20) return Error("raw control character in a string");
      if (c == '\\') {
        RETURN_IF_ERROR(ScanEscape(decoded));
      } else if (c >= 0x80) {
        size_t end = pos_;
        while (end < in_.size() && static_cast<uint8_t>(in_[end]) >= 0x80) {
          ++end;
        }
        const absl::string_view run = in_.substr(pos_, end - pos_);
        if (!IsValidUtf8(run)) return Error("string is not valid UTF-8");
        if (decoded != nullptr) decoded->append(run.data(), run.size());
        pos_ = end;
      } else {
        if (decoded != nullptr) decoded->push_back(static_cast<char>(c));
        ++pos_;
      }
    }
    ++pos_;  // '"'
    return absl::OkStatus();
  }

  // At a backslash inside a string.
  absl::Status ScanEscape(std::string* decoded) {
    if (pos_ + 1 >= in_.size()) return Error("unterminated string");
    const char e = in_[pos_ + 1];
    static constexpr absl::string_view kFrom = "\"\\/bfnrt";
    static constexpr absl::string_view kTo = "\"\\/\b\f\n\r\t";
    if (const size_t i = kFrom.find(e); i != absl::string_view::npos) {
      if (decoded != nullptr) decoded->push_back(kTo[i]);
      pos_ += 2;
      return absl::OkStatus();
    }
    if (e != 'u') return Error("invalid escape in a string");
    char32_t cp = 0;
    RETURN_IF_ERROR(ScanHex4(&cp));
    if (cp >= 0xdc00 && cp <= 0xdfff) return Error("unpaired surrogate escape");
    if (cp >= 0xd800 && cp <= 0xdbff) {
      char32_t low = 0;
      if (in_.substr(pos_, 2) != "\\u") {
        return Error("unpaired surrogate escape");
      }
      RETURN_IF_ERROR(ScanHex4(&low));
      if (low < 0xdc00 || low > 0xdfff) {
        return Error("unpaired surrogate escape");
      }
      cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
    }
    if (decoded != nullptr) AppendUtf8(cp, decoded);
    return absl::OkStatus();
  }

  // At "\uXXXX": reads the four hex digits and moves past them.
  absl::Status ScanHex4(char32_t* cp) {
    if (in_.size() - pos_ < 6) return Error("invalid \\u escape");
    *cp = 0;
    for (size_t i = pos_ + 2; i < pos_ + 6; ++i) {
      const char h = in_[i];
      int v;
      if (h >= '0' && h <= '9') {
        v = h - '0';
      } else if (h >= 'a' && h <= 'f') {
        v = h - 'a' + 10;
      } else if (h >= 'A' && h <= 'F') {
        v = h - 'A' + 10;
      } else {
        return Error("invalid \\u escape");
      }
      *cp = (*cp << 4) | v;
    }
    pos_ += 6;
    return absl::OkStatus();
  }

  // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
  absl::Status ScanNumber(absl::string_view* text) {
    const size_t start = pos_;
    const auto digits = [&] {
      const size_t from = pos_;
      while (Peek() >= '0' && Peek() <= '9') ++pos_;
      return pos_ - from;
    };
    if (Peek() == '-') ++pos_;
    if (Peek() == '0') {
      ++pos_;
    } else if (digits() == 0) {
      return Error("malformed number");
    }
    if (Peek() == '.') {
      ++pos_;
      if (digits() == 0) return Error("malformed number");
    }
    if (Peek() == 'e' || Peek() == 'E') {
      ++pos_;
      if (Peek() == '+' || Peek() == '-') ++pos_;
      if (digits() == 0) return Error("malformed number");
    }
    if (text != nullptr) *text = in_.substr(start, pos_ - start);
    return absl::OkStatus();
  }

  absl::Status ScanLiteral(absl::string_view word) {
    if (in_.substr(pos_, word.size()) != word) {
      return Error("expected a JSON value");
    }
    pos_ += word.size();
    return absl::OkStatus();
  }

  char Peek() const { return pos_ < in_.size() ? in_[pos_] : '\0'; }

  void SkipWhitespace() {
    while (pos_ < in_.size() && (in_[pos_] == ' ' || in_[pos_] == '\t' ||
                                 in_[pos_] == '\n' || in_[pos_] == '\r')) {
      ++pos_;
    }
  }

  absl::Status Error(absl::string_view what) const {
    return ErrorAt(pos_, what);
  }

  absl::Status ErrorAt(size_t pos, absl::string_view what) const {
    pos = std::min(pos, in_.size());
    const absl::string_view before = in_.substr(0, pos);
    const size_t line = 1 + std::count(before.begin(), before.end(), '\n');
    const size_t line_start = before.rfind('\n');
    const size_t column =
        pos - (line_start == absl::string_view::npos ? 0 : line_start + 1) + 1;
    return absl::InvalidArgumentError(
        absl::StrCat(path_.empty() ? "bundle" : path_, ": ", what, " (line ",
                     line, ", column ", column, ")"));
  }

  absl::string_view in_;
  size_t pos_ = 0;
  std::string path_;
};

// The strict scan leaves protobuf few errors to find (mostly out-of-range
// numbers and malformed timestamps), but its messages quote the offending
// value, so only the path and the type are kept.
absl::Status SanitizedJsonError(absl::string_view message) {
  message = message.substr(0, message.find('\n'));
  constexpr absl::string_view kInvalid = "): invalid value ";
  constexpr absl::string_view kForType = " for type ";
  const size_t invalid = message.find(kInvalid);
  const size_t for_type = message.rfind(kForType);
  if (!message.empty() && message.front() == '(' &&
      invalid != absl::string_view::npos &&
      for_type != absl::string_view::npos && for_type > invalid) {
    absl::string_view type = message.substr(for_type + kForType.size());
    constexpr absl::string_view kTypePrefix = "type.googleapis.com/";
    if (type.substr(0, kTypePrefix.size()) == kTypePrefix) {
      type.remove_prefix(kTypePrefix.size());
    }
    return absl::InvalidArgumentError(absl::StrCat(
        message.substr(1, invalid - 1), ": not a valid ", type, " value"));
  }
  return absl::InvalidArgumentError(
      absl::StrCat("bundle: ", message.substr(0, message.find('"'))));
}

// Binary parsing keeps fields it does not know; a strict reader refuses them.
absl::Status CheckNoUnknownFields(const Message& message, std::string* path) {
  const Reflection* reflection = message.GetReflection();
  const auto& unknown = reflection->GetUnknownFields(message);
  if (!unknown.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path->empty() ? "bundle" : *path,
                     ": unknown field number ", unknown.field(0).number()));
  }
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    const size_t path_size = path->size();
    absl::StrAppend(path, path->empty() ? "" : ".", field->name());
    if (field->is_repeated()) {
      for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
        const size_t element_size = path->size();
        absl::StrAppend(path, "[", i, "]");
        RETURN_IF_ERROR(CheckNoUnknownFields(
            reflection->GetRepeatedMessage(message, field, i), path));
        path->resize(element_size);
      }
    } else {
      RETURN_IF_ERROR(
          CheckNoUnknownFields(reflection->GetMessage(message, field), path));
    }
    path->resize(path_size);
  }
  return absl::OkStatus();
}

absl::Status WithPath(const std::string& path, const absl::Status& status) {
  return absl::Status(status.code(),
                      absl::StrCat(path, ": ", status.message()));
}

}  // namespace

absl::StatusOr<CaseBundle> ParseBundleJson(absl::string_view json) {
  if (json.size() > kMaxBundleJsonBytes) {
    return absl::ResourceExhaustedError(
        absl::StrCat("bundle JSON is ", json.size(), " bytes; the limit is ",
                     kMaxBundleJsonBytes));
  }
  RETURN_IF_ERROR(CheckNestingDepth(json));
  RETURN_IF_ERROR(StrictJsonScanner(json).Scan(CaseBundle::descriptor()));
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  options.case_insensitive_enum_parsing = false;
  CaseBundle bundle;
  const auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), &bundle,
      options);
  if (!status.ok()) return SanitizedJsonError(status.message().ToString());
  return bundle;
}

absl::StatusOr<CaseBundle> ReadBundleJsonFile(const std::string& path) {
  ASSIGN_OR_RETURN(const std::string json,
                   ReadFileBounded(path, kMaxBundleJsonBytes));
  auto bundle = ParseBundleJson(json);
  if (!bundle.ok()) return WithPath(path, bundle.status());
  return bundle;
}

absl::StatusOr<CaseBundle> ReadAndValidateBundleJsonFile(
    const std::string& path) {
  ASSIGN_OR_RETURN(CaseBundle bundle, ReadBundleJsonFile(path));
  if (absl::Status status = ValidateBundle(bundle); !status.ok()) {
    return WithPath(path, status);
  }
  return bundle;
}

absl::StatusOr<std::string> BundleToJson(const CaseBundle& bundle) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = false;
  options.always_print_enums_as_ints = false;
  std::string json;
  const auto status =
      google::protobuf::util::MessageToJsonString(bundle, &json, options);
  if (!status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cannot write bundle as JSON: ",
        SanitizedJsonError(status.message().ToString()).message()));
  }
  return json;
}

absl::Status CheckNoUnknownBundleFields(const CaseBundle& bundle) {
  std::string path;
  return CheckNoUnknownFields(bundle, &path);
}

absl::StatusOr<CaseBundle> ParseBundleBinary(absl::string_view bytes) {
  if (bytes.size() > kMaxBundleBinaryBytes) {
    return absl::ResourceExhaustedError(absl::StrCat("bundle is ", bytes.size(),
                                                     " bytes; the limit is ",
                                                     kMaxBundleBinaryBytes));
  }
  google::protobuf::io::CodedInputStream input(
      reinterpret_cast<const uint8_t*>(bytes.data()),
      static_cast<int>(bytes.size()));
  input.SetRecursionLimit(kMaxBundleJsonDepth);
  CaseBundle bundle;
  if (!bundle.ParseFromCodedStream(&input) || !input.ConsumedEntireMessage()) {
    return absl::InvalidArgumentError(
        "bundle bytes are not a valid handover.v1.CaseBundle");
  }
  std::string path;
  RETURN_IF_ERROR(CheckNoUnknownFields(bundle, &path));
  return bundle;
}

}  // namespace handover::bundle

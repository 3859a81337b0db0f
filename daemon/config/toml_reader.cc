#include "config/toml_reader.h"

#include <algorithm>
#include <cmath>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "config/quoted.h"
#include "config/units.h"

namespace handover::config {
namespace {

std::string_view StdView(absl::string_view s) { return {s.data(), s.size()}; }
absl::string_view AbslView(std::string_view s) { return {s.data(), s.size()}; }

int LineOfNode(const toml::node& node) {
  return static_cast<int>(node.source().begin.line);
}

absl::string_view TypeName(toml::node_type type) {
  switch (type) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a floating-point number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

// Levenshtein distance, capped: anything above `cap` returns cap + 1.
size_t EditDistance(absl::string_view a, absl::string_view b, size_t cap) {
  if (a.size() > b.size() + cap || b.size() > a.size() + cap) return cap + 1;
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1,
                         diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return std::min(row[b.size()], cap + 1);
}

// Why `text` is not a valid path, or "" if it is.
absl::string_view PathProblem(const std::string& text) {
  if (text.empty()) return "must not be empty";
  if (text.find('\0') != std::string::npos) {
    return "must not contain a NUL character";
  }
  return "";
}

}  // namespace

std::optional<toml::table> ParseTomlText(absl::string_view text,
                                         ProblemList* problems) {
  toml::parse_result result =
      toml::parse(StdView(text), StdView(problems->source()));
  if (!result) {
    const toml::parse_error& error = result.error();
    problems->Add(static_cast<int>(error.source().begin.line),
                  absl::StrCat("TOML syntax error: ",
                               EscapeForMessage(AbslView(error.description()),
                                                /*quote=*/false)),
                  absl::StatusCode::kInvalidArgument,
                  static_cast<int>(error.source().begin.column));
    return std::nullopt;
  }
  return std::move(result).table();
}

TableReader::TableReader(const toml::table& table, std::string label,
                         ProblemList* problems)
    : table_(&table),
      label_(std::move(label)),
      line_(label_.empty() ? 0 : LineOfNode(table)),  // the document: no line
      problems_(problems) {}

std::string TableReader::Name(absl::string_view key) const {
  return label_.empty() ? std::string(key) : absl::StrCat(label_, " ", key);
}

bool TableReader::Has(absl::string_view key) const {
  return table_->contains(StdView(key));
}

int TableReader::LineOf(absl::string_view key) const {
  const toml::node* node = table_->get(StdView(key));
  int line = node != nullptr ? LineOfNode(*node) : 0;
  return line > 0 ? line : line_;
}

void TableReader::AddValueProblem(absl::string_view key,
                                  absl::string_view text) {
  problems_->Add(LineOf(key), absl::StrCat(Name(key), ": ", text));
}

void TableReader::AddTableProblem(absl::string_view text) {
  problems_->Add(line_, absl::StrCat(label_, " ", text));
}

void TableReader::AddTypeProblem(absl::string_view key, const toml::node& node,
                                 absl::string_view expected) {
  problems_->Add(LineOf(key), absl::StrCat(Name(key), " must be ", expected,
                                           ", not ", TypeName(node.type())));
}

const toml::node* TableReader::Find(absl::string_view key, Need need) {
  known_.emplace_back(key);
  const toml::node* node = table_->get(StdView(key));
  if (node == nullptr && need == Need::kRequired) {
    problems_->Add(
        line_,
        label_.empty()
            ? absl::StrCat("missing required table [", key, "]")
            : absl::StrCat("missing required key \"", key, "\" in ", label_));
  }
  return node;
}

std::optional<TableReader> TableReader::Table(absl::string_view key,
                                              Need need) {
  const toml::node* node = Find(key, need);
  if (node == nullptr) return std::nullopt;
  if (!node->is_table()) {
    AddTypeProblem(key, *node, "a table");
    return std::nullopt;
  }
  return TableReader(*node->as_table(), absl::StrCat("[", key, "]"), problems_);
}

std::vector<TableReader> TableReader::ArrayOfTables(absl::string_view key) {
  std::vector<TableReader> entries;
  const toml::node* node = Find(key, Need::kOptional);
  if (node == nullptr) return entries;
  const toml::array* array = node->as_array();
  if (array == nullptr || !array->is_array_of_tables()) {
    AddTypeProblem(key, *node,
                   absl::StrCat("an array of tables ([[", key, "]])"));
    return entries;
  }
  for (const toml::node& entry : *array) {
    entries.emplace_back(*entry.as_table(), absl::StrCat("[[", key, "]]"),
                         problems_);
  }
  return entries;
}

bool TableReader::String(absl::string_view key, Need need, std::string* out) {
  const toml::node* node = Find(key, need);
  if (node == nullptr) return false;
  if (!node->is_string()) {
    AddTypeProblem(key, *node, "a string");
    return false;
  }
  *out = node->as_string()->get();
  return true;
}

bool TableReader::Path(absl::string_view key, Need need, std::string* out) {
  std::string text;
  if (!String(key, need, &text)) return false;
  if (absl::string_view problem = PathProblem(text); !problem.empty()) {
    AddValueProblem(key, problem);
    return false;
  }
  *out = std::move(text);
  return true;
}

bool TableReader::PathArray(absl::string_view key, Need need,
                            std::vector<std::string>* out) {
  return StringArray(
      key, need,
      [](size_t, const std::string& text) {
        return std::string(PathProblem(text));
      },
      out);
}

bool TableReader::StringArray(absl::string_view key, Need need,
                              const EntryCheck& check,
                              std::vector<std::string>* out) {
  const toml::node* node = Find(key, need);
  if (node == nullptr) return false;
  const toml::array* array = node->as_array();
  if (array == nullptr) {
    AddTypeProblem(key, *node, "an array of strings");
    return false;
  }
  std::vector<std::string> entries;
  bool valid = true;
  for (size_t i = 0; i < array->size(); ++i) {
    const toml::node& entry = *array->get(i);
    // Entries may share a line, so each is named by its place too.
    const std::string name = absl::StrCat(Name(key), " entry ", i + 1);
    const int line = LineOfNode(entry) > 0 ? LineOfNode(entry) : LineOf(key);
    const auto* text = entry.as_string();
    if (text == nullptr) {
      problems_->Add(line, absl::StrCat(name, " must be a string, not ",
                                        TypeName(entry.type())));
      valid = false;
    } else if (std::string problem = check(i + 1, text->get());
               !problem.empty()) {
      problems_->Add(line, absl::StrCat(name, ": ", problem));
      valid = false;
    } else {
      entries.push_back(text->get());
    }
  }
  if (!valid) return false;
  *out = std::move(entries);
  return true;
}

bool TableReader::Address(absl::string_view key, Need need, PortZero port_zero,
                          std::string* out) {
  std::string text;
  if (!String(key, need, &text)) return false;
  absl::StatusOr<HostPort> parsed = ParseHostPort(text, port_zero);
  if (!parsed.ok()) {
    AddValueProblem(key, parsed.status().message());
    return false;
  }
  *out = std::move(text);
  return true;
}

bool TableReader::Duration(absl::string_view key, Need need,
                           absl::Duration* out) {
  std::string text;
  if (!String(key, need, &text)) return false;
  absl::StatusOr<absl::Duration> parsed = ParseDuration(text);
  if (!parsed.ok()) {
    AddValueProblem(key, parsed.status().message());
    return false;
  }
  if (*parsed <= absl::ZeroDuration()) {
    AddValueProblem(key, "must be longer than 0");
    return false;
  }
  *out = *parsed;
  return true;
}

bool TableReader::ByteSize(absl::string_view key, Need need, uint64_t min,
                           uint64_t max, uint64_t* out) {
  const toml::node* node = Find(key, need);
  if (node == nullptr) return false;
  uint64_t bytes = 0;
  if (const auto* integer = node->as_integer()) {
    if (integer->get() < 0) {
      AddValueProblem(key, "must not be negative");
      return false;
    }
    bytes = static_cast<uint64_t>(integer->get());
  } else if (const auto* text = node->as_string()) {
    absl::StatusOr<uint64_t> parsed = ParseByteSize(text->get());
    if (!parsed.ok()) {
      AddValueProblem(key, parsed.status().message());
      return false;
    }
    bytes = *parsed;
  } else {
    AddTypeProblem(key, *node, "a size (a string such as \"16MiB\")");
    return false;
  }
  if (bytes < min || bytes > max) {
    AddValueProblem(
        key, absl::StrCat(FormatByteSize(bytes),
                          " is out of range; it must be from ",
                          FormatByteSize(min), " to ", FormatByteSize(max)));
    return false;
  }
  *out = bytes;
  return true;
}

bool TableReader::Integer(absl::string_view key, Need need, int64_t min,
                          int64_t max, int64_t* out) {
  const toml::node* node = Find(key, need);
  if (node == nullptr) return false;
  if (!node->is_integer()) {
    AddTypeProblem(key, *node, "an integer");
    return false;
  }
  int64_t value = node->as_integer()->get();
  if (value < min || value > max) {
    AddValueProblem(key, absl::StrCat(value,
                                      " is out of range; it must be "
                                      "from ",
                                      min, " to ", max));
    return false;
  }
  *out = value;
  return true;
}

bool TableReader::Number(absl::string_view key, Need need, double min,
                         double max, double* out) {
  const toml::node* node = Find(key, need);
  if (node == nullptr) return false;
  double value = 0;
  if (const auto* integer = node->as_integer()) {
    value = static_cast<double>(integer->get());
  } else if (const auto* floating = node->as_floating_point()) {
    value = floating->get();
  } else {
    AddTypeProblem(key, *node, "a number");
    return false;
  }
  if (!std::isfinite(value) || value < min || value > max) {
    AddValueProblem(key, absl::StrCat(value,
                                      " is out of range; it must be "
                                      "from ",
                                      min, " to ", max));
    return false;
  }
  *out = value;
  return true;
}

// How an unknown entry is named: tables at the top level by their header,
// everything else as a quoted key.
std::string TableReader::Describe(absl::string_view key,
                                  const toml::node& node) const {
  if (!label_.empty()) return Quoted(key);
  std::string name = EscapeForMessage(key, /*quote=*/false);
  if (node.is_table()) return absl::StrCat("[", name, "]");
  if (node.is_array_of_tables()) return absl::StrCat("[[", name, "]]");
  return Quoted(key);
}

void TableReader::ReportUnknownKeys() {
  for (const auto& [key, node] : *table_) {
    absl::string_view name = AbslView(key.str());
    if (std::find(known_.begin(), known_.end(), name) != known_.end()) {
      continue;
    }
    std::string text;
    if (!label_.empty()) {
      text = absl::StrCat("unknown key ", Quoted(name), " in ", label_);
    } else if (node.is_table() || node.is_array_of_tables()) {
      text = absl::StrCat("unknown table ", Describe(name, node));
    } else {
      text = absl::StrCat("unknown key ", Quoted(name), " at the top level");
    }
    for (const std::string& candidate : known_) {
      if (EditDistance(name, candidate, 2) <= 2) {
        absl::StrAppend(&text, "; did you mean ", Describe(candidate, node),
                        "?");
        break;
      }
    }
    int line = static_cast<int>(key.source().begin.line);
    problems_->Add(line > 0 ? line : line_, std::move(text));
  }
}

}  // namespace handover::config

// Internal to daemon/config, and the only header that includes toml++.
//
// TableReader reads one TOML table against the schema its caller spells out
// key by key. Each getter records the key as known and, if the value is
// missing (when required), of the wrong type or out of range, adds one line
// to the ProblemList and leaves the output as it was (the default).
// ReportUnknownKeys() then names every key nobody asked for. A TableReader
// points into a toml::table it does not own, which must outlive it. Not
// thread-safe.
//
// toml++ is compiled once, in toml_impl.cc, with exceptions off
// (TOML_EXCEPTIONS=0), so parse errors are values; toml_fixed.h is the one
// way in.
#ifndef HANDOVER_CONFIG_TOML_READER_H_
#define HANDOVER_CONFIG_TOML_READER_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "config/host_port.h"
#include "config/problems.h"

#include "config/toml_fixed.h"

namespace handover::config {

enum class Need { kRequired, kOptional };

// Parses TOML text. On a syntax error, adds "LINE:COL: TOML syntax error:
// ..." to `problems` and returns nullopt.
std::optional<toml::table> ParseTomlText(absl::string_view text,
                                         ProblemList* problems);

class TableReader {
 public:
  // `label` names the table in messages: "[listen]", "[[clients]]", or ""
  // for the top level of the document.
  TableReader(const toml::table& table, std::string label,
              ProblemList* problems);

  // A sub-table `[key]`. Missing: a problem if required; nullopt either way.
  std::optional<TableReader> Table(absl::string_view key, Need need);
  // The entries of an array of tables `[[key]]`; empty if absent.
  std::vector<TableReader> ArrayOfTables(absl::string_view key);

  // Scalars. Each returns true if it stored a valid value in `out`.
  bool String(absl::string_view key, Need need, std::string* out);
  // A non-empty string without NUL characters.
  bool Path(absl::string_view key, Need need, std::string* out);
  // An array of such strings, each checked as Path() and named in messages
  // by its place ("entry 2"). Stores them only if every entry is valid.
  bool PathArray(absl::string_view key, Need need,
                 std::vector<std::string>* out);
  // Says why entry `place` (1-based) of a string array is not valid, or ""
  // if it is. Called once per string entry, in order, so it may remember
  // earlier entries (e.g. to refuse repeats).
  using EntryCheck =
      std::function<std::string(size_t place, const std::string& text)>;
  // An array of strings, each checked by `check` and named as PathArray()
  // names them. Stores them only if every entry is valid.
  bool StringArray(absl::string_view key, Need need, const EntryCheck& check,
                   std::vector<std::string>* out);
  // A "host:port" string (see host_port.h), stored as written.
  bool Address(absl::string_view key, Need need, PortZero port_zero,
               std::string* out);
  // A duration string (see units.h) greater than zero.
  bool Duration(absl::string_view key, Need need, absl::Duration* out);
  // A size string (see units.h) or a non-negative integer of bytes, within
  // [min, max].
  bool ByteSize(absl::string_view key, Need need, uint64_t min, uint64_t max,
                uint64_t* out);
  bool Integer(absl::string_view key, Need need, int64_t min, int64_t max,
               int64_t* out);
  // An integer or a finite float within [min, max].
  bool Number(absl::string_view key, Need need, double min, double max,
              double* out);

  // Adds "LABEL KEY: TEXT" at the line of `key`'s value (or the table's).
  void AddValueProblem(absl::string_view key, absl::string_view text);
  // Adds "LABEL TEXT" at the table's line.
  void AddTableProblem(absl::string_view text);
  // True if the table holds `key` (without marking it known).
  bool Has(absl::string_view key) const;
  // The line of `key`'s value, else of the table; 0 if unknown.
  int LineOf(absl::string_view key) const;
  int line() const { return line_; }

  // Adds a problem for every key that no getter asked for, with a
  // suggestion when a known key is within two edits.
  void ReportUnknownKeys();

 private:
  // Marks `key` known and returns its node, or nullptr (a problem if it is
  // required).
  const toml::node* Find(absl::string_view key, Need need);
  void AddTypeProblem(absl::string_view key, const toml::node& node,
                      absl::string_view expected);
  std::string Name(absl::string_view key) const;
  std::string Describe(absl::string_view key, const toml::node& node) const;

  const toml::table* table_;
  std::string label_;
  int line_;
  ProblemList* problems_;
  std::vector<std::string> known_;
};

}  // namespace handover::config

#endif  // HANDOVER_CONFIG_TOML_READER_H_

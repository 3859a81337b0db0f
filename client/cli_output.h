// Output conventions shared by every command: the exit codes, the one-line
// error format on stderr, and reports on stdout as aligned text or JSON.
//
// Reports describe keys, envelopes and files. They never carry case content
// or secret material; callers must not put either in a Report.
#ifndef HANDOVER_CLIENT_CLI_OUTPUT_H_
#define HANDOVER_CLIENT_CLI_OUTPUT_H_

#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>
#include "absl/strings/string_view.h"

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace handover::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

enum class OutputFormat { kText, kJson };

using Json = nlohmann::ordered_json;

// What a command prints on success: label/value rows for people (a row with
// an empty label continues the one above) and an object for scripts.
struct Report {
  std::vector<std::pair<std::string, std::string>> rows;
  Json json = Json::object();

  void Row(std::string label, std::string value) {
    rows.emplace_back(std::move(label), std::move(value));
  }
};

// Adds `--format text|json` to `app`, storing the choice in `format`.
void AddFormatOption(CLI::App* app, OutputFormat* format);

// Prints `report` to stdout in `format`.
void PrintReport(const Report& report, OutputFormat format);

// Folds line breaks and runs of whitespace into single spaces.
std::string OneLine(absl::string_view message);

// Writes "handover <command>: <message>" as one line on stderr. `command`
// may be empty for errors that belong to no subcommand.
void PrintErrorLine(absl::string_view command, absl::string_view message);

// Prefixes `status`'s message with "<paths[0]>: " unless it already names
// one of `paths` as a whole word, so every error names the file it is about.
absl::Status NameFile(const absl::Status& status,
                      std::initializer_list<absl::string_view> paths);
template <typename T>
absl::StatusOr<T> NameFile(absl::StatusOr<T> result,
                           std::initializer_list<absl::string_view> paths) {
  if (result.ok()) return result;
  return NameFile(result.status(), paths);
}

// "2024-05-01T09:30:00Z".
std::string FormatUtc(int64_t unix_seconds);

// "1234 bytes" or "5242880 bytes (5.0 MiB)".
std::string FormatSize(uint64_t bytes);

}  // namespace handover::cli

#endif  // HANDOVER_CLIENT_CLI_OUTPUT_H_

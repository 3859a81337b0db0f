#include "cli_output.h"

#include <algorithm>
#include <cctype>
#include <iostream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"

namespace handover::cli {
namespace {

// True if `path` appears in `message` as a whole word, so that an output
// directory "police" is not mistaken for part of "west-midlands-police".
bool NamesPath(absl::string_view message, absl::string_view path) {
  constexpr absl::string_view kBefore = " '\"(";
  constexpr absl::string_view kAfter = " '\"):;,/";
  if (path.empty()) return false;
  for (size_t at = message.find(path); at != absl::string_view::npos;
       at = message.find(path, at + 1)) {
    const size_t end = at + path.size();
    const bool starts =
        at == 0 || kBefore.find(message[at - 1]) != kBefore.npos;
    const bool ends =
        end == message.size() || kAfter.find(message[end]) != kAfter.npos;
    if (starts && ends) return true;
  }
  return false;
}

}  // namespace

void AddFormatOption(CLI::App* app, OutputFormat* format) {
  app->add_option_function<std::string>(
         "--format",
         [format](const std::string& name) {
           *format = name == "json" ? OutputFormat::kJson : OutputFormat::kText;
         },
         "Output format: text for people, json for scripts")
      ->check(CLI::IsMember({"text", "json"}))
      ->default_str("text");
}

void PrintReport(const Report& report, OutputFormat format) {
  if (format == OutputFormat::kJson) {
    std::cout << report.json.dump(2) << "\n";
    return;
  }
  size_t width = 0;
  for (const auto& [label, value] : report.rows) {
    width = std::max(width, label.size());
  }
  for (const auto& [label, value] : report.rows) {
    std::cout << label << std::string(width + 2 - label.size(), ' ') << value
              << "\n";
  }
}

std::string OneLine(absl::string_view message) {
  std::string out;
  bool space = false;
  for (char c : message) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

void PrintErrorLine(absl::string_view command, absl::string_view message) {
  std::string prefix =
      command.empty() ? "handover" : absl::StrCat("handover ", command);
  std::cerr << prefix << ": " << OneLine(message) << std::endl;
}

absl::Status NameFile(const absl::Status& status,
                      std::initializer_list<absl::string_view> paths) {
  if (status.ok() || paths.size() == 0) return status;
  for (absl::string_view path : paths) {
    if (NamesPath(status.message(), path)) return status;
  }
  return absl::Status(status.code(),
                      absl::StrCat(*paths.begin(), ": ", status.message()));
}

std::string FormatUtc(int64_t unix_seconds) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ",
                          absl::FromUnixSeconds(unix_seconds),
                          absl::UTCTimeZone());
}

std::string FormatSize(uint64_t bytes) {
  constexpr uint64_t kKiB = 1024;
  if (bytes < kKiB) return absl::StrCat(bytes, " bytes");
  const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes) / kKiB;
  size_t unit = 0;
  while (value >= kKiB && unit + 1 < std::size(units)) {
    value /= kKiB;
    ++unit;
  }
  return absl::StrFormat("%d bytes (%.1f %s)", bytes, value, units[unit]);
}

}  // namespace handover::cli

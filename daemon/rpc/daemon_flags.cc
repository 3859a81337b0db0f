#include "rpc/daemon_flags.h"

#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/status_macros.h"

namespace handover::rpc {
namespace {

std::optional<spdlog::level::level_enum> LevelFromName(absl::string_view s) {
  if (s == "trace") return spdlog::level::trace;
  if (s == "debug") return spdlog::level::debug;
  if (s == "info") return spdlog::level::info;
  if (s == "warn") return spdlog::level::warn;
  if (s == "error") return spdlog::level::err;
  return std::nullopt;
}

// Applies one flag and its value (empty for a flag that takes none).
absl::Status Apply(absl::string_view flag, const std::string& value,
                   DaemonFlags* flags) {
  if (flag == "--config") {
    flags->config_path = value;
  } else if (flag == "--log-level") {
    std::optional<spdlog::level::level_enum> level = LevelFromName(value);
    if (!level.has_value()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--log-level must be trace, debug, info, warn or "
                       "error, not '",
                       value, "'"));
    }
    flags->log_level = *level;
  } else if (flag == "--check") {
    flags->check = true;
  } else if (flag == "--help" || flag == "-h") {
    flags->help = true;
  } else if (flag == "--version") {
    flags->version = true;
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown argument '", flag, "' (see --help)"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<DaemonFlags> ParseDaemonFlags(int argc,
                                             const char* const* argv) {
  DaemonFlags flags;
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    std::optional<std::string> inline_value;
    if (size_t eq = arg.find('=');
        absl::StartsWith(arg, "--") && eq != absl::string_view::npos) {
      inline_value = std::string(arg.substr(eq + 1));
      arg = arg.substr(0, eq);
    }
    const bool takes_value = arg == "--config" || arg == "--log-level";
    if (!takes_value && inline_value.has_value()) {
      return absl::InvalidArgumentError(absl::StrCat(arg, " takes no value"));
    }
    std::string value;
    if (takes_value) {
      if (inline_value.has_value()) {
        value = *inline_value;
      } else if (i + 1 < argc) {
        value = argv[++i];
      } else {
        return absl::InvalidArgumentError(absl::StrCat(arg, " needs a value"));
      }
    }
    RETURN_IF_ERROR(Apply(arg, value, &flags));
  }
  if (flags.config_path.empty() && !flags.help && !flags.version) {
    return absl::InvalidArgumentError("--config FILE is required (see --help)");
  }
  return flags;
}

}  // namespace handover::rpc

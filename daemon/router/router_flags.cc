#include "router/router_flags.h"

#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace handover::router {
namespace {

std::optional<spdlog::level::level_enum> LevelFromName(absl::string_view s) {
  if (s == "trace") return spdlog::level::trace;
  if (s == "debug") return spdlog::level::debug;
  if (s == "info") return spdlog::level::info;
  if (s == "warn") return spdlog::level::warn;
  if (s == "error") return spdlog::level::err;
  return std::nullopt;
}

}  // namespace

absl::StatusOr<RouterFlags> ParseRouterFlags(int argc,
                                             const char* const* argv) {
  RouterFlags flags;
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
    if (arg == "--config") {
      flags.config_path = value;
    } else if (arg == "--log-level") {
      std::optional<spdlog::level::level_enum> level = LevelFromName(value);
      if (!level.has_value()) {
        return absl::InvalidArgumentError(
            absl::StrCat("--log-level must be trace, debug, info, warn or "
                         "error, not '",
                         value, "'"));
      }
      flags.log_level = *level;
    } else if (arg == "--check") {
      flags.check = true;
    } else if (arg == "--help" || arg == "-h") {
      flags.help = true;
    } else if (arg == "--version") {
      flags.version = true;
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown argument '", arg, "' (see --help)"));
    }
  }
  if (flags.config_path.empty() && !flags.help && !flags.version) {
    return absl::InvalidArgumentError("--config FILE is required (see --help)");
  }
  return flags;
}

std::string RouterUsage() {
  return R"(handover-router: the routing service of the Handover network.

Nodes dial it over mutual TLS. It checks each sealed envelope against the
signed directory without decrypting it, stores it durably, pushes it to
each recipient's node on that node's mailbox stream, retries while a node
is offline, turns an expired envelope into a signed non-delivery report to
its sender, and serves the signed directory.

Usage:
  handover-router --config FILE [--log-level LEVEL]
  handover-router --config FILE --check
  handover-router --help | --version

Options:
  --config FILE      the router's TOML configuration (docs/CONFIG.md)
  --check            load and check the configuration, its files and the
                     signed directory, print "config OK: FILE" and exit 0,
                     or print every problem, one a line, and exit 1
  --log-level LEVEL  trace, debug, info, warn or error (default info); logs
                     go to stderr and never contain case content
  --help             show this text
  --version          show the version

Once serving, the router writes its bound address ("host:port") to
<data_dir>/listen-address. It re-reads the directory file when it changes
(checked every second) and on SIGHUP; a directory older than the newest it
has served is refused. SIGTERM or SIGINT drains in-flight calls (up to
10 s) and exits 0. Exit codes: 0 success, 1 a config or start-up problem,
2 a usage error.

Example:
  handover-router --config /etc/handover/router.toml --check
  handover-router --config /etc/handover/router.toml --log-level debug
)";
}

}  // namespace handover::router

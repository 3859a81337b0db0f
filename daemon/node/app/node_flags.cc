#include "node/app/node_flags.h"

#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace handover::node::app {
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

absl::StatusOr<NodeFlags> ParseNodeFlags(int argc, const char* const* argv) {
  NodeFlags flags;
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    std::optional<std::string> inline_value;
    if (size_t eq = arg.find('=');
        absl::StartsWith(arg, "--") && eq != absl::string_view::npos) {
      inline_value = std::string(arg.substr(eq + 1));
      arg = arg.substr(0, eq);
    }
    auto value = [&]() -> absl::StatusOr<std::string> {
      if (inline_value.has_value()) return *inline_value;
      if (i + 1 >= argc) {
        return absl::InvalidArgumentError(absl::StrCat(arg, " needs a value"));
      }
      return std::string(argv[++i]);
    };
    const bool takes_value = arg == "--config" || arg == "--log-level";
    if (!takes_value && inline_value.has_value()) {
      return absl::InvalidArgumentError(absl::StrCat(arg, " takes no value"));
    }
    if (arg == "--config") {
      absl::StatusOr<std::string> v = value();
      if (!v.ok()) return v.status();
      flags.config_path = *v;
    } else if (arg == "--log-level") {
      absl::StatusOr<std::string> v = value();
      if (!v.ok()) return v.status();
      std::optional<spdlog::level::level_enum> level = LevelFromName(*v);
      if (!level.has_value()) {
        return absl::InvalidArgumentError(
            absl::StrCat("--log-level must be trace, debug, info, warn or "
                         "error, not '",
                         *v, "'"));
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

std::string NodeUsage() {
  return R"(handover-node: one agency's node on the Handover network.

It serves the agency's local API (SubmitTransfer, ListInbox, FetchTransfer,
TransferStatus, GetNodeInfo) over TLS, seals and signs outgoing transfers,
holds the outbox and the inbox, and keeps a stream open to the router.

Usage:
  handover-node --config FILE [--log-level LEVEL]
  handover-node --config FILE --check
  handover-node --help | --version

Options:
  --config FILE      the node's TOML configuration (docs/CONFIG.md)
  --check            load and check the configuration and its files, print
                     "config OK: FILE" and exit 0, or print every problem,
                     one a line, and exit 1
  --log-level LEVEL  trace, debug, info, warn or error (default info); logs
                     go to stderr and never contain case content
  --help             show this text
  --version          show the version

Once serving, the node writes its bound address ("host:port") to
<data_dir>/listen-address. SIGTERM or SIGINT drains in-flight calls (up to
10 s) and exits 0.

Example:
  handover-node --config /etc/handover/stockport-cs.toml --check
  handover-node --config /etc/handover/stockport-cs.toml --log-level debug
)";
}

}  // namespace handover::node::app

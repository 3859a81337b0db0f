#include "router/router_flags.h"

namespace handover::router {

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

#include "node/app/node_flags.h"

namespace handover::node::app {

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

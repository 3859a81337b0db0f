#include "commands/log.h"

#include <memory>
#include <vector>

#include "commands/log_common.h"
#include "commands/overdue.h"

namespace handover::cli {

Command AddLogCommand(CLI::App* parent) {
  CLI::App* group = parent->add_subcommand(
      "log",
      "Shows, proves and verifies the node's delivery log. Every event of "
      "every transfer (submitted, sent, delivered, acknowledged, failed, "
      "...) is an entry in an append-only Merkle tree with signed tree "
      "heads, so any later edit shows. `list` filters it, `show` gives one "
      "transfer's whole timeline with the router's proven part, `verify` "
      "checks it (on the node, or offline on a copied database or an export "
      "file), `export` saves it for an inspector, `head` and `prove` give "
      "signed heads and proofs, `overdue` lists unacknowledged copies, and "
      "`reconcile` shows where each copy sent is stuck and for how long. "
      "On the node they need a client with the admin role.");
  group->footer(
      "Examples:\n"
      "  handover log show 3f0c8e1d2b4a59687766554433221100 \\\n"
      "      --node 127.0.0.1:7401 --ca tls/ca.pem \\\n"
      "      --token-file tokens/stockport-cs/admin.token\n"
      "  handover log verify --db copy-of-delivery-log.db \\\n"
      "      --public-key keys/stockport-cs/public.key");
  group->require_subcommand(1);
  const std::vector<Command> subs = {
      AddLogListCommand(group),   AddLogShowCommand(group),
      AddLogVerifyCommand(group), AddLogExportCommand(group),
      AddLogHeadCommand(group),   AddLogProveCommand(group),
      AddOverdueCommand(group),   AddLogReconcileCommand(group)};
  return {group, [subs]() -> absl::Status {
            for (const Command& sub : subs) {
              if (sub.app->parsed()) return sub.run();
            }
            return absl::InvalidArgumentError("a subcommand is required");
          }};
}

}  // namespace handover::cli

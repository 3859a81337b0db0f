// `handover`: the command-line tool for transfers through a node, keys,
// offline sealing and opening, envelope inspection and the directory. Exit
// codes: 0 success, 1 failure, 2 usage error.
#include <memory>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "cli_output.h"
#include "commands/ack.h"
#include "commands/alerts.h"
#include "commands/command.h"
#include "commands/directory.h"
#include "commands/fetch.h"
#include "commands/inbox.h"
#include "commands/info.h"
#include "commands/inspect.h"
#include "commands/keygen.h"
#include "commands/log.h"
#include "commands/move.h"
#include "commands/open.h"
#include "commands/overdue.h"
#include "commands/recalls.h"
#include "commands/seal.h"
#include "commands/status.h"
#include "commands/submit.h"
#include "commands/version.h"
#include "crypto/sodium_util.h"
#include "help_formatter.h"
#include "version_string.h"

namespace handover::cli {
namespace {

constexpr char kDescription[] =
    "handover moves children's case records between agencies, signed and "
    "end-to-end encrypted. Through your agency's node it submits transfers, "
    "tells the agencies of a child's new area about a move (each kind of "
    "agency its own view), lists, fetches and acknowledges the inbox, shows "
    "where a transfer has got to and what is overdue, shows a police "
    "control room its alerts and takes them on, shows how the node is "
    "doing, and shows, proves and verifies its tamper-evident delivery log "
    "of every event of every transfer. "
    "Offline it makes agency keys, seals a case bundle and its attachments "
    "into an envelope file for named recipients, opens an envelope "
    "addressed to you, shows an envelope's header without a key, verifies "
    "a copied delivery log or its export, and signs the agency directory. "
    "Run `handover COMMAND --help` for each command's options.";

constexpr char kFooter[] =
    "Example:\n"
    "  handover submit --node 127.0.0.1:7401 --ca tls/ca.pem \\\n"
    "      --cert tls/case-system.pem --key tls/case-system.key \\\n"
    "      --bundle bundle.json --to birmingham-cs --idempotency-key K1\n"
    "  handover move --node 127.0.0.1:7401 --ca tls/ca.pem \\\n"
    "      --cert tls/case-system.pem --key tls/case-system.key \\\n"
    "      --bundle bundle.json --from E08000007 --to E08000025 \\\n"
    "      --address \"12 Example Road\" --postcode \"B15 2TT\" "
    "--idempotency-key K2\n"
    "  handover alerts watch --node 127.0.0.1:7406 --ca tls/ca.pem \\\n"
    "      --cert tls/control-room.pem --key tls/control-room.key\n"
    "  handover log show 3f0c8e1d2b4a59687766554433221100 \\\n"
    "      --node 127.0.0.1:7401 --ca tls/ca.pem \\\n"
    "      --token-file tokens/stockport-cs/admin.token\n"
    "  handover keygen --agency stockport-cs --out keys/stockport-cs\n"
    "  handover seal --key keys/stockport-cs --to birmingham-cs.pub "
    "--in bundle.json --out transfer.hov\n"
    "  handover inspect transfer.hov\n"
    "\n"
    "Exit status: 0 success, 1 failure, 2 usage error.";

// The parsed subcommands from the top down, e.g. "directory sign"; empty
// when no command was given.
std::string CommandPath(const CLI::App& app) {
  std::string path;
  for (const CLI::App* at = &app;;) {
    const CLI::App* next = nullptr;
    for (const CLI::App* sub : at->get_subcommands()) next = sub;
    if (next == nullptr) return path;
    absl::StrAppend(&path, path.empty() ? "" : " ", next->get_name());
    at = next;
  }
}

int ReportUsageError(const CLI::App& app, const CLI::ParseError& e) {
  const std::string name = CommandPath(app);
  const std::string help = name.empty()
                               ? "handover --help"
                               : absl::StrCat("handover ", name, " --help");
  PrintErrorLine(name, absl::StrCat(e.what(), " (see '", help, "')"));
  return kExitUsage;
}

int RunChosen(const CLI::App& app, const std::vector<Command>& commands) {
  const Command* chosen = nullptr;
  for (const Command& command : commands) {
    if (command.app->parsed()) chosen = &command;
  }
  if (chosen == nullptr) {
    PrintErrorLine("",
                   "a command is required (see 'handover --help' for the "
                   "list)");
    return kExitUsage;
  }
  if (absl::Status s = crypto::InitSodium(); !s.ok()) {
    PrintErrorLine(CommandPath(app), s.message());
    return kExitFailure;
  }
  if (absl::Status s = chosen->run(); !s.ok()) {
    PrintErrorLine(CommandPath(app), s.message());
    return kExitFailure;
  }
  return kExitOk;
}

int Main(int argc, char** argv) {
  CLI::App app(kDescription, "handover");
  app.formatter(std::make_shared<HelpFormatter>());
  app.footer(kFooter);
  app.set_version_flag("--version", absl::StrCat("handover ", kVersion));
  app.require_subcommand(0, 1);
  std::vector<Command> commands = {
      AddKeygenCommand(&app),    AddSealCommand(&app),
      AddOpenCommand(&app),      AddInspectCommand(&app),
      AddSubmitCommand(&app),    AddMoveCommand(&app),
      AddInboxCommand(&app),     AddFetchCommand(&app),
      AddAckCommand(&app),       AddStatusCommand(&app),
      AddOverdueCommand(&app),   AddAlertsCommand(&app),
      AddInfoCommand(&app),      AddVersionCommand(&app),
      AddDirectoryCommand(&app), AddLogCommand(&app),
      AddRecallsCommand(&app)};
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
      return app.exit(e);  // --help or --version, printed on stdout
    }
    return ReportUsageError(app, e);
  }
  return RunChosen(app, commands);
}

}  // namespace
}  // namespace handover::cli

int main(int argc, char** argv) { return handover::cli::Main(argc, argv); }

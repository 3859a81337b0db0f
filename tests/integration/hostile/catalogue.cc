#include "hostile/catalogue.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace handover::integration {
namespace {

// The tests in hostile_slowloris_test.cc, counted among the inputs tried.
constexpr int kSlowlorisTests = 5;

const char* ViaName(Via via) {
  switch (via) {
    case Via::kNodeApi:
      return "node API";
    case Via::kRouterUpload:
      return "router upload";
    case Via::kDirectory:
      return "directory";
    case Via::kCli:
      return "CLI";
  }
  return "?";
}

// Table cells may not hold '|' or newlines.
std::string Cell(absl::string_view text) {
  return absl::StrReplaceAll(text, {{"|", "\\|"}, {"\n", " "}});
}

std::string Expected(const HostileCase& row) {
  if (row.via == Via::kCli) {
    return absl::StrCat("exit ", row.exit_code, ", one stderr line `",
                        row.message, "…`");
  }
  std::string text = row.via == Via::kDirectory
                         ? "refused; router logs `" + row.message + "…`"
                         : absl::StatusCodeToString(row.code);
  for (auto& c : text) {
    if (row.via != Via::kDirectory && c == ' ') c = '_';
  }
  if (row.via != Via::kDirectory && !row.message.empty()) {
    absl::StrAppend(&text, ": `", row.message, "`");
  }
  return text;
}

}  // namespace

std::string HostileContext::Scratch(const std::string& name) const {
  return net_.root() + "/scratch/" + name;
}

NetworkOptions HostileNetworkOptions() {
  NetworkOptions options;
  options.nodes = {kStockport, kBirmingham};
  options.listed_only = {kPolice};
  return options;
}

HostileOutcome OutcomeOf(const absl::Status& status) {
  return HostileOutcome{status.code(), std::string(status.message())};
}

std::vector<HostileCase> HostileCatalogue() {
  std::vector<HostileCase> rows;
  for (auto part :
       {RouterUploadRows(), NodeApiRows(), DirectoryRows(), CliRows()}) {
    for (HostileCase& row : part) rows.push_back(std::move(row));
  }
  return rows;
}

std::string CatalogueMarkdown(const std::vector<HostileCase>& rows,
                              const std::vector<std::string>& matrix_rows,
                              int matrix_denials) {
  std::string md = absl::StrCat(
      "## Hostile inputs\n\n"
      "`tests/integration/hostile_input_test.cc` runs every input below "
      "against real daemons (router and nodes on loopback, real mTLS, real "
      "SQLite files), each as its own test "
      "(`ctest -R 'Catalogue/HostileInputTest'`). Every row proves nothing "
      "was stored: it counts the rows of the router's and the nodes' SQLite "
      "files (read with SELECT only), the files in the router's spool and "
      "the nodes' outbox and inbox directories (temporaries included) and "
      "the delivery-log entries, before and after, and requires them equal, "
      "but for the one REJECTED entry the router logs when it refuses an "
      "upload. It also checks both daemons still answer.\n\n",
      rows.size(), " inputs in the catalogue, ", matrix_denials,
      " role denials in the matrix, plus the flood and the ", kSlowlorisTests,
      " slowloris tests (below): ",
      rows.size() + matrix_denials + 1 + kSlowlorisTests,
      " hostile inputs in all.\n\n",
      "| # | input | delivered how | expected | what proves nothing was "
      "stored |\n|---|---|---|---|---|\n");
  int n = 0;
  for (const HostileCase& row : rows) {
    absl::StrAppend(&md, "| ", ++n, " | ", Cell(row.input), " (`", row.name,
                    "`) | ", ViaName(row.via), ": ", Cell(row.delivered), " | ",
                    Cell(Expected(row)), " | ", Cell(row.proof), " |\n");
  }
  absl::StrAppend(
      &md,
      "\n### Every role against every RPC it may not call\n\n"
      "`ctest -R 'RoleMatrix/'` runs one test per RPC of the node's local "
      "API; in it every role that may not call the RPC calls it and gets "
      "PERMISSION_DENIED (the message names the roles allowed), and "
      "Stockport's stores are unchanged. ",
      matrix_denials,
      " denials in all.\n\n| RPC | allowed | denied (each "
      "PERMISSION_DENIED) |\n|---|---|---|\n");
  for (const std::string& line : matrix_rows) absl::StrAppend(&md, line, "\n");
  absl::StrAppend(
      &md,
      "\n### Flood\n\n"
      "| input | delivered how | expected | what proves nothing was stored |\n"
      "|---|---|---|---|\n"
      "| submissions over `[limits] submissions_per_minute_per_client` | "
      "SubmitTransfer as one submitter, limit 3 | the 4th and later: "
      "RESOURCE_EXHAUSTED `… 3 submissions a minute; retry in N s`; another "
      "client is still served | the outbox holds exactly the 3 within the "
      "limit and the other client's |\n");
  return md;
}

}  // namespace handover::integration

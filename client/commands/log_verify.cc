// `handover log verify`: the delivery log checked from its entries up, on
// the node (VerifyLog), or offline on a copied log database or an export
// file with the log's public key (deliverylog/log_verifier.h,
// deliverylog/log_export.h).
#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cli_output.h"
#include "commands/log_common.h"
#include "common/status_macros.h"
#include "deliverylog/log_export.h"
#include "deliverylog/log_verifier.h"
#include "log_format.h"

namespace handover::cli {
namespace {

namespace v1 = handover::v1;

struct VerifyOptions {
  NodeConnectionOptions connection;
  std::string db;
  std::string file;
  std::vector<std::string> public_keys;
  OutputFormat format = OutputFormat::kText;
};

// What either kind of verification found.
struct Outcome {
  std::string source;  // for people: what was verified
  bool ok = false;
  uint64_t entries = 0;
  uint64_t tree_heads = 0;
  std::optional<uint64_t> first_bad_index;
  std::string problem;
  std::optional<v1::SignedTreeHead> latest;
};

Outcome FromReport(std::string source, const deliverylog::VerifyReport& r) {
  Outcome o;
  o.source = std::move(source);
  o.ok = r.ok;
  o.entries = r.entries;
  o.tree_heads = r.tree_heads;
  o.first_bad_index = r.first_bad_index;
  o.problem = r.problem;
  o.latest = r.latest_verified_head;
  return o;
}

Outcome FromResponse(std::string source, const v1::VerifyLogResponse& r) {
  Outcome o;
  o.source = std::move(source);
  o.ok = r.ok();
  o.entries = r.entries();
  o.tree_heads = r.tree_heads();
  if (r.has_first_bad_index()) o.first_bad_index = r.first_bad_index();
  o.problem = r.problem();
  if (r.has_latest_verified_head()) o.latest = r.latest_verified_head();
  return o;
}

// OK with the report printed, or the finding as the one error line.
absl::Status Print(const Outcome& o, OutputFormat format) {
  if (!o.ok) {
    std::string line = absl::StrCat(
        "FAILED: ", o.problem.empty() ? "the log does not verify" : o.problem);
    if (o.first_bad_index.has_value()) {
      absl::StrAppend(&line, " (first bad entry: ", *o.first_bad_index, ")");
    }
    return absl::DataLossError(absl::StrCat(line, " in ", o.source));
  }
  Report r;
  r.Row("result", "OK");
  r.Row("verified", o.source);
  r.Row("entries", absl::StrCat(o.entries));
  r.Row("tree heads", absl::StrCat(o.tree_heads));
  if (o.latest.has_value()) {
    r.Row("latest head", TreeHeadSummary(*o.latest));
    r.Row("", absl::StrCat("root ", HexBytes(o.latest->root_hash())));
    r.Row("", absl::StrCat("key id ", HexBytes(o.latest->signer_key_id())));
    if (o.latest->tree_size() < o.entries) {
      r.Row(
          "not yet signed",
          absl::StrCat("entries ", o.latest->tree_size(), " to ", o.entries - 1,
                       " read well, but no signed head covers them yet, so "
                       "they are not proven"));
    }
  } else {
    r.Row("latest head",
          "none: no tree head was signed yet, so no entry is proven");
  }
  r.json = Json{{"ok", true},
                {"verified", o.source},
                {"entries", o.entries},
                {"tree_heads", o.tree_heads},
                {"latest_verified_head",
                 o.latest.has_value() ? TreeHeadJson(*o.latest) : Json()}};
  PrintReport(r, format);
  return absl::OkStatus();
}

absl::Status RunOnline(const VerifyOptions& o) {
  ASSIGN_OR_RETURN(std::unique_ptr<NodeConnection> node,
                   NodeConnection::Open(o.connection));
  ASSIGN_OR_RETURN(v1::VerifyLogResponse response,
                   CallNode(*node, "VerifyLog", &v1::Node::Stub::VerifyLog,
                            v1::VerifyLogRequest()));
  return Print(
      FromResponse(absl::StrCat("the log of the node at ", node->address()),
                   response),
      o.format);
}

absl::Status RunOffline(const VerifyOptions& o) {
  ASSIGN_OR_RETURN(const std::vector<crypto::PublicIdentity> keys,
                   LoadPublicKeys(o.public_keys));
  if (!o.db.empty()) {
    ASSIGN_OR_RETURN(
        deliverylog::VerifyReport report,
        NameFile(deliverylog::VerifyLogDatabase(o.db, keys, std::nullopt),
                 {o.db}));
    return Print(FromReport(absl::StrCat("log database ", o.db), report),
                 o.format);
  }
  ASSIGN_OR_RETURN(
      deliverylog::VerifyReport report,
      NameFile(deliverylog::VerifyExportFile(o.file, keys, std::nullopt),
               {o.file}));
  return Print(FromReport(absl::StrCat("log export ", o.file), report),
               o.format);
}

// The connection options' own check (node_connection.h), for online use
// only: the options are given again to a scratch app, whose final callback
// runs the check and throws CLI::ValidationError, a usage error, as it
// does for every node command.
void CheckConnectionOptions(NodeConnectionOptions* options) {
  const std::pair<const char*, const std::string*> given[] = {
      {"--node", &options->node},
      {"--ca", &options->ca},
      {"--cert", &options->cert},
      {"--key", &options->key},
      {"--token-file", &options->token_file}};
  std::vector<std::string> args;
  for (const auto& [flag, value] : given) {
    if (!value->empty()) args.push_back(absl::StrCat(flag, "=", *value));
  }
  std::reverse(args.begin(), args.end());  // CLI11 parses from the back
  NodeConnectionOptions checked;
  CLI::App scratch;
  AddNodeConnectionOptions(&scratch, &checked);
  scratch.parse(args);
  *options = std::move(checked);
}

// Offline verification needs no node, and online verification no key
// file; each mode's options are checked here, as usage errors.
void CheckMode(VerifyOptions* o) {
  const bool offline = !o->db.empty() || !o->file.empty();
  if (offline && o->public_keys.empty()) {
    throw CLI::ValidationError(
        "--db and --file need --public-key FILE: the log owner's public key "
        "file (give it once per key if the key was rotated)");
  }
  if (!offline && !o->public_keys.empty()) {
    throw CLI::ValidationError(
        "--public-key is for offline verification: give --db or --file too");
  }
  if (!offline) CheckConnectionOptions(&o->connection);
}

}  // namespace

Command AddLogVerifyCommand(CLI::App* group) {
  CLI::App* app = group->add_subcommand(
      "verify",
      "Verifies the delivery log from its entries up: every leaf hash is "
      "recomputed from the entry's fields, the Merkle tree is rebuilt, and "
      "every signed tree head is checked against it and its signature. An "
      "edited, deleted, inserted, reordered or truncated entry is found. "
      "Without --db or --file the node verifies its own log (needs a client "
      "with the admin role). With --db (a copy of the node's log database "
      "file) or --file (a `handover log export` file) it runs here, offline, "
      "trusting only --public-key: the log owner's public key file as "
      "`handover keygen` wrote it. Prints OK with the counts and the latest "
      "verified head, or exits 1 with FAILED and the first bad entry.");
  app->footer(
      "Examples:\n"
      "  handover log verify --node 127.0.0.1:7401 --ca tls/ca.pem \\\n"
      "      --token-file tokens/stockport-cs/admin.token\n"
      "  handover log verify --file stockport-log.jsonl \\\n"
      "      --public-key keys/stockport-cs/public.key\n"
      "  handover log verify --db copy-of-delivery-log.db \\\n"
      "      --public-key old.pub --public-key keys/stockport-cs/public.key\n"
      "\n"
      "Exit status: 0 the log verifies, 1 it does not (or failure), 2 usage "
      "error.");
  auto o = std::make_shared<VerifyOptions>();
  CLI::Option* db = app->add_option(
      "--db", o->db, "Verify this copy of a log database file, offline");
  CLI::Option* file =
      app->add_option("--file", o->file, "Verify this export file, offline");
  db->excludes(file);
  app->add_option("--public-key", o->public_keys,
                  "The log owner's public key file or key directory, for "
                  "--db and --file; repeat it for each key the log was "
                  "signed with");
  AddFormatOption(app, &o->format);
  AddNodeConnectionOptions(app, &o->connection);
  // Replaces the connection check AddNodeConnectionOptions installed: it
  // runs only when verifying online.
  app->final_callback([o] { CheckMode(o.get()); });
  return {app, [o]() -> absl::Status {
            if (!o->db.empty() || !o->file.empty()) return RunOffline(*o);
            return RunOnline(*o);
          }};
}

}  // namespace handover::cli

// Catalogue rows delivered through the real `handover` CLI, as a case
// worker would run it against Stockport's node: malformed bundle JSON
// (truncated, wrong types, duplicate keys, bad UTF-8, trailing garbage,
// unknown enum names and fields, deep nesting, too large) and attachment
// names that try to leave the transfer. The CLI must exit 1 with one line
// on stderr, and the node must store nothing.
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "bundle/bundle_json.h"
#include "common/file_util.h"
#include "common/status_macros.h"
#include "harness/daemon_process.h"
#include "harness/test_data.h"
#include "harness/test_paths.h"
#include "hostile/catalogue.h"

namespace handover::integration {
namespace {

constexpr char kProof[] =
    "Stockport's outbox rows and files, the router's store and every "
    "delivery log: unchanged";

// The canonical JSON of a valid minimal bundle.
absl::StatusOr<std::string> ValidJson() {
  return bundle::BundleToJson(MinimalBundle("REF-CLI"));
}

// Runs `handover submit` as Stockport's submitter with the bundle `json`
// and the extra arguments.
absl::StatusOr<HostileOutcome> SubmitWithCli(
    HostileContext& c, const std::string& json,
    const std::vector<std::string>& extra = {}) {
  const std::string token = c.Scratch("submitter.token");
  RETURN_IF_ERROR(WriteFileAtomically(
      token, c.net().Token(kStockport, Role::kSubmitter), 0600));
  const std::string bundle = c.Scratch("bundle-" + RandomHex(4) + ".json");
  RETURN_IF_ERROR(WriteFileAtomically(bundle, json, 0600));
  std::vector<std::string> argv = {CliBinary(),
                                   "submit",
                                   "--node",
                                   c.net().node_process(kStockport).address(),
                                   "--ca",
                                   c.net().CaPath(),
                                   "--token-file",
                                   token,
                                   "--bundle",
                                   bundle,
                                   "--to",
                                   kBirmingham,
                                   "--idempotency-key",
                                   "cli-" + RandomHex(8)};
  argv.insert(argv.end(), extra.begin(), extra.end());
  ASSIGN_OR_RETURN(CommandOutput out, RunToExit(argv, c.Scratch("cli.log"),
                                                Scaled(absl::Seconds(30))));
  HostileOutcome outcome;
  outcome.exit_code = out.status.exited ? out.status.code : -1;
  outcome.message = out.output;
  return outcome;
}

HostileCase CliRow(std::string name, std::string input, std::string message,
                   std::function<absl::StatusOr<std::string>()> json,
                   std::vector<std::string> extra = {}) {
  HostileCase row;
  row.name = std::move(name);
  row.input = std::move(input);
  row.via = Via::kCli;
  row.delivered = "`handover submit` to stockport-cs";
  row.exit_code = 1;
  row.message = std::move(message);
  row.proof = kProof;
  row.attack = [json,
                extra](HostileContext& c) -> absl::StatusOr<HostileOutcome> {
    ASSIGN_OR_RETURN(std::string text, json());
    return SubmitWithCli(c, text, extra);
  };
  return row;
}

// The valid bundle with `from` replaced by `to` (once).
std::function<absl::StatusOr<std::string>()> Edited(std::string from,
                                                    std::string to) {
  return [from, to]() -> absl::StatusOr<std::string> {
    ASSIGN_OR_RETURN(std::string json, ValidJson());
    const size_t at = json.find(from);
    if (at == std::string::npos) {
      return absl::InternalError("the bundle JSON lacks " + from);
    }
    return json.replace(at, from.size(), to);
  };
}

std::function<absl::StatusOr<std::string>()> Literal(std::string text) {
  return [text]() -> absl::StatusOr<std::string> { return text; };
}

}  // namespace

std::vector<HostileCase> CliRows() {
  std::vector<HostileCase> rows;
  rows.push_back(CliRow("JsonTruncated", "bundle JSON cut off half-way",
                        "unterminated string",
                        []() -> absl::StatusOr<std::string> {
                          ASSIGN_OR_RETURN(std::string json, ValidJson());
                          return json.substr(0, json.size() / 2);
                        }));
  rows.push_back(
      CliRow("JsonWrongType", "schema_version given as a string of words",
             "metadata.schema_version: not a valid TYPE_UINT32",
             Edited("\"schema_version\": 1", "\"schema_version\": \"one\"")));
  rows.push_back(
      CliRow("JsonDuplicateKey", "\"schema_version\" twice in one object",
             "field \"schema_version\" appears more than once",
             Edited("\"schema_version\": 1",
                    "\"schema_version\": 1, \"schema_version\": 1")));
  rows.push_back(CliRow("JsonBadUtf8", "a name with the byte 0xFF",
                        "string is not valid UTF-8",
                        Edited("\"REF-CLI\"", "\"REF-\xff\"")));
  rows.push_back(CliRow("JsonTrailingGarbage", "text after the closing brace",
                        "unexpected data after the closing '}'",
                        []() -> absl::StatusOr<std::string> {
                          ASSIGN_OR_RETURN(std::string json, ValidJson());
                          return json + "\n{\"more\": 1}";
                        }));
  rows.push_back(CliRow("JsonUnknownEnumName", "gender \"GENDER_NOT_A_VALUE\"",
                        "identity.gender: not a known Gender value",
                        Edited("\"metadata\": {",
                               "\"identity\": {\"gender\": "
                               "\"GENDER_NOT_A_VALUE\"}, \"metadata\": {")));
  rows.push_back(
      CliRow("JsonUnknownField", "an unknown key \"favourite\"",
             "bundle: unknown field (line 2, column 2)",
             Edited("\"metadata\": {", "\"favourite\": 1, \"metadata\": {")));
  rows.push_back(CliRow("JsonDeeplyNested", "arrays nested 40 deep",
                        "nests objects and arrays more than 32 deep",
                        Literal("{\"metadata\": " + std::string(40, '[') +
                                std::string(40, ']') + "}")));
  rows.push_back(CliRow("JsonByteOrderMark", "a UTF-8 byte order mark first",
                        "starts with a byte order mark",
                        []() -> absl::StatusOr<std::string> {
                          ASSIGN_OR_RETURN(std::string json, ValidJson());
                          return "\xef\xbb\xbf" + json;
                        }));
  rows.push_back(CliRow("JsonNotAnObject", "a JSON array instead of an object",
                        "bundle: must be a JSON object", Literal("[1, 2, 3]")));
  rows.push_back(CliRow("JsonOversized",
                        "a 17 MiB bundle file (the bound is 16 MiB)",
                        "is 17825827 bytes; the limit is 16777216",
                        []() -> absl::StatusOr<std::string> {
                          return "{\"metadata\": {\"source_system\": \"" +
                                 std::string(17 << 20, 'x') + "\"}}";
                        }));
  {
    HostileCase row =
        CliRow("CliAttachmentNameTraversal", "--attach FILE:../escape.txt",
               "attachments[0].name: attachment name contains '/'", ValidJson);
    row.attack = [](HostileContext& c) -> absl::StatusOr<HostileOutcome> {
      const std::string file = c.Scratch("escape.txt");
      RETURN_IF_ERROR(WriteFileAtomically(file, "content", 0600));
      ASSIGN_OR_RETURN(std::string json, ValidJson());
      return SubmitWithCli(c, json, {"--attach", file + ":../escape.txt"});
    };
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace handover::integration

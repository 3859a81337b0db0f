#include "config/clients_section.h"

#include <map>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "config/quoted.h"
#include "config/sha256_hex.h"

namespace handover::config::internal {
namespace {

bool IsValidClientName(absl::string_view name) {
  if (name.empty() || name.size() > kMaxClientNameBytes) return false;
  for (char c : name) {
    if (!absl::ascii_isalnum(c) && c != '.' && c != '_' && c != '-') {
      return false;
    }
  }
  return true;
}

// The line of the entry where each name or digest was first seen, keyed by
// "key=value", to point at the first of two duplicates.
using FirstSeen = std::map<std::string, int>;

void ReadName(TableReader& entry, ClientEntry* client) {
  if (!entry.String("name", Need::kRequired, &client->name)) return;
  if (!IsValidClientName(client->name)) {
    entry.AddValueProblem(
        "name", absl::StrCat(Quoted(client->name),
                             " is not a valid client name; use 1 to ",
                             kMaxClientNameBytes, " of A-Z a-z 0-9 . _ -"));
  }
}

void ReadRole(TableReader& entry, ClientEntry* client) {
  std::string role;
  if (!entry.String("role", Need::kRequired, &role)) return;
  std::optional<ClientRole> parsed = ClientRoleFromName(role);
  if (!parsed) {
    entry.AddValueProblem(
        "role", absl::StrCat("unknown role ", Quoted(role), "; expected ",
                             kClientRoleNames));
    return;
  }
  client->role = *parsed;
}

// Reads an optional digest key; true if the key is present at all.
bool ReadDigest(TableReader& entry, absl::string_view key, std::string* out) {
  std::string text;
  bool present = entry.Has(key);
  if (!entry.String(key, Need::kOptional, &text)) return present;
  absl::StatusOr<std::string> digest = ParseSha256Hex(text);
  if (!digest.ok()) {
    entry.AddValueProblem(key, digest.status().message());
  } else {
    *out = *digest;
  }
  return true;
}

void ReadCredential(TableReader& entry, bool has_client_ca,
                    ClientEntry* client) {
  bool cert = ReadDigest(entry, "cert_sha256", &client->cert_sha256);
  bool token = ReadDigest(entry, "token_sha256", &client->token_sha256);
  std::string who = client->name.empty() ? "entry" : Quoted(client->name);
  if (cert && token) {
    entry.AddTableProblem(absl::StrCat(
        who, " has both cert_sha256 and token_sha256; give exactly one"));
  } else if (!cert && !token) {
    entry.AddTableProblem(absl::StrCat(
        who, " has neither cert_sha256 nor token_sha256; give exactly one"));
  } else if (cert && !has_client_ca) {
    entry.AddValueProblem(
        "cert_sha256",
        absl::StrCat("client ", who,
                     " authenticates by certificate, but [listen] client_ca "
                     "is not set"));
  }
}

// Adds a problem if `key` = `value` appeared in an earlier entry.
void CheckUnique(TableReader& entry, absl::string_view key,
                 const std::string& value, absl::string_view duplicate,
                 FirstSeen* seen) {
  if (value.empty()) return;
  auto [it, inserted] =
      seen->emplace(absl::StrCat(key, "=", value), entry.line());
  if (inserted) return;
  entry.AddValueProblem(
      key, absl::StrCat(duplicate, " (first at line ", it->second, ")"));
}

}  // namespace

void ReadClients(TableReader& root, bool has_client_ca,
                 std::vector<ClientEntry>* clients) {
  FirstSeen seen;
  for (TableReader& entry : root.ArrayOfTables("clients")) {
    ClientEntry client;
    ReadName(entry, &client);
    ReadRole(entry, &client);
    ReadCredential(entry, has_client_ca, &client);
    CheckUnique(entry, "name", client.name,
                absl::StrCat("duplicate client name ", Quoted(client.name)),
                &seen);
    CheckUnique(entry, "cert_sha256", client.cert_sha256,
                "another client has the same certificate", &seen);
    CheckUnique(entry, "token_sha256", client.token_sha256,
                "another client has the same token", &seen);
    entry.ReportUnknownKeys();
    clients->push_back(std::move(client));
  }
}

}  // namespace handover::config::internal

#include "commands/directory_revoke.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "cli_output.h"
#include "common/file_util.h"
#include "common/status_macros.h"
#include "crypto/identity.h"
#include "crypto/key_file.h"
#include "directory/directory_json.h"
#include "directory/directory_validate.h"
#include "duration.h"

namespace handover::cli {
namespace {

namespace v1 = handover::v1;
using google::protobuf::Timestamp;

// A replacement key is listed for this long when no revoked key was valid
// for longer; the authority edits it like any other key afterwards.
constexpr absl::Duration kDefaultReplacementValidity = absl::Hours(24 * 365);

struct RevokeOptions {
  std::string in;
  std::string out;
  std::string agency;
  std::string compromised_since;
  std::string key_id;
  std::string replacement_key;
};

absl::Time ToTime(const Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

Timestamp ToTimestamp(absl::Time t) {
  Timestamp out;
  out.set_seconds(absl::ToUnixSeconds(t));
  return out;
}

std::string ResolvePath(const std::string& base_dir, const std::string& path) {
  const std::filesystem::path p(path);
  if (p.is_absolute() || base_dir.empty()) return path;
  return (std::filesystem::path(base_dir) / p).string();
}

// One key of the agency as listed, with its signing key id.
struct ListedKey {
  v1::AgencyKeySource* source;
  std::string sign_key_id_hex;
};

absl::StatusOr<std::vector<ListedKey>> LoadKeys(v1::AgencySource* agency,
                                                const std::string& base_dir) {
  std::vector<ListedKey> keys;
  for (v1::AgencyKeySource& key : *agency->mutable_keys()) {
    const std::string path = ResolvePath(base_dir, key.public_key_file());
    ASSIGN_OR_RETURN(crypto::PublicIdentity identity,
                     NameFile(crypto::LoadPublicIdentity(path), {path}));
    keys.push_back({&key, crypto::ToHex(identity.sign_key_id())});
  }
  return keys;
}

// The new not_after: now, or just after not_before for a key not yet live.
Timestamp EndedNotAfter(const v1::AgencyKeySource& key, absl::Time now) {
  absl::Time end = now;
  if (key.has_not_before() && ToTime(key.not_before()) >= end) {
    end = ToTime(key.not_before()) + absl::Seconds(1);
  }
  return ToTimestamp(end);
}

bool ValidAt(const v1::AgencyKeySource& key, absl::Time at) {
  return !key.has_compromised_since() && ToTime(key.not_before()) <= at &&
         at < ToTime(key.not_after());
}

// The path to write into directory.json for `file`: relative to the
// folder holding directory.json when it can be.
std::string ListedPath(const std::string& file, const std::string& base_dir) {
  std::error_code ec;
  const std::filesystem::path absolute = std::filesystem::absolute(file, ec);
  if (ec) return file;
  const std::filesystem::path base =
      std::filesystem::absolute(base_dir.empty() ? "." : base_dir, ec);
  if (ec) return absolute.string();
  const std::filesystem::path relative = absolute.lexically_relative(base);
  if (relative.empty() || *relative.begin() == "..") return absolute.string();
  return relative.string();
}

absl::Status AppendReplacement(const RevokeOptions& o,
                               const std::string& base_dir,
                               const std::vector<ListedKey>& listed,
                               absl::Time now, absl::Time not_after,
                               v1::AgencySource* agency,
                               std::vector<std::string>* changes) {
  ASSIGN_OR_RETURN(crypto::PublicIdentity identity,
                   NameFile(crypto::LoadPublicIdentity(o.replacement_key),
                            {o.replacement_key}));
  if (identity.agency_id != agency->id()) {
    return absl::InvalidArgumentError(
        absl::StrCat(o.replacement_key, " is a key of agency \"",
                     identity.agency_id, "\", not of \"", agency->id(), "\""));
  }
  const std::string id_hex = crypto::ToHex(identity.sign_key_id());
  for (const ListedKey& key : listed) {
    if (key.sign_key_id_hex == id_hex) {
      return absl::InvalidArgumentError(
          absl::StrCat("replacement key ", id_hex, " in ", o.replacement_key,
                       " is already listed for agency \"", agency->id(),
                       "\"; generate a new one with handover keygen"));
    }
  }
  v1::AgencyKeySource* added = agency->add_keys();
  added->set_public_key_file(ListedPath(o.replacement_key, base_dir));
  *added->mutable_not_before() = ToTimestamp(now);
  *added->mutable_not_after() = ToTimestamp(not_after);
  changes->push_back(
      absl::StrCat("key ", id_hex, ": added as replacement, ", "valid from ",
                   FormatUtc(absl::ToUnixSeconds(now)), " until ",
                   FormatUtc(absl::ToUnixSeconds(not_after))));
  return absl::OkStatus();
}

std::string JsonOf(const v1::DirectorySource& source) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  std::string json;
  // Only fails for messages with unset required-by-JSON parts; ours has none.
  (void)google::protobuf::util::MessageToJsonString(source, &json, options);
  return json;
}

absl::Status RunRevoke(const RevokeOptions& o) {
  const absl::Time now = absl::Now();
  ASSIGN_OR_RETURN(const absl::Time since, ParseTimestamp(o.compromised_since));
  if (since > now) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--compromised-since ", o.compromised_since,
        " is in the future; a compromise is known after it began"));
  }
  ASSIGN_OR_RETURN(const std::string json,
                   ReadFileBounded(o.in, directory::kMaxDirectoryJsonBytes));
  ASSIGN_OR_RETURN(v1::DirectorySource source,
                   NameFile(directory::ParseDirectorySourceJson(json), {o.in}));
  const std::string base_dir =
      std::filesystem::path(o.in).parent_path().string();

  v1::AgencySource* agency = nullptr;
  for (v1::AgencySource& a : *source.mutable_agencies()) {
    if (a.id() == o.agency) agency = &a;
  }
  if (agency == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("agency \"", o.agency, "\" is not in ", o.in));
  }
  ASSIGN_OR_RETURN(std::vector<ListedKey> listed, LoadKeys(agency, base_dir));
  const std::string wanted = absl::AsciiStrToLower(o.key_id);
  std::vector<std::string> changes;
  absl::Time latest_end = now + kDefaultReplacementValidity;
  bool any = false;
  for (const ListedKey& key : listed) {
    if (!wanted.empty() && key.sign_key_id_hex != wanted) continue;
    any = true;
    v1::AgencyKeySource& k = *key.source;
    if (k.has_not_after() && ToTime(k.not_after()) > latest_end) {
      latest_end = ToTime(k.not_after());
    }
    *k.mutable_compromised_since() = ToTimestamp(since);
    std::string line =
        absl::StrCat("key ", key.sign_key_id_hex, ": compromised since ",
                     FormatUtc(absl::ToUnixSeconds(since)));
    if (!k.has_not_after() || ToTime(k.not_after()) > now) {
      *k.mutable_not_after() = EndedNotAfter(k, now);
      absl::StrAppend(&line, ", not_after now ",
                      FormatUtc(k.not_after().seconds()));
    }
    changes.push_back(std::move(line));
  }
  if (!any) {
    return absl::NotFoundError(
        wanted.empty() ? absl::StrCat("agency \"", o.agency, "\" lists no key")
                       : absl::StrCat("agency \"", o.agency,
                                      "\" has no signing key ", o.key_id,
                                      " (use the id `handover directory show` "
                                      "prints)"));
  }
  if (!o.replacement_key.empty()) {
    RETURN_IF_ERROR(AppendReplacement(o, base_dir, listed, now, latest_end,
                                      agency, &changes));
  }
  const bool still_valid = std::any_of(
      agency->keys().begin(), agency->keys().end(),
      [now](const v1::AgencyKeySource& k) { return ValidAt(k, now); });
  source.set_version(source.version() + 1);

  // Never write a directory the signer would refuse.
  ASSIGN_OR_RETURN(
      v1::Directory built,
      NameFile(directory::BuildDirectory(source, base_dir, now), {o.in}));
  RETURN_IF_ERROR(NameFile(directory::ValidateDirectory(built), {o.in}));
  const std::string out = o.out.empty() ? o.in : o.out;
  RETURN_IF_ERROR(
      NameFile(WriteFileAtomically(out, JsonOf(source), 0644), {out}));

  if (!still_valid) {
    std::cerr << "handover directory revoke: warning: agency \"" << o.agency
              << "\" has no valid key left and can neither send nor receive "
                 "until one is listed (--replacement-key)\n";
  }
  std::string report =
      absl::StrCat("wrote ", out, " (version ", source.version(), ")\n");
  for (const std::string& line : changes) absl::StrAppend(&report, line, "\n");
  absl::StrAppend(&report,
                  "next: handover directory sign --authority-key "
                  "<authority key> --in ",
                  out, " --out <signed directory>\n");
  std::cout << report;
  return absl::OkStatus();
}

}  // namespace

Command AddDirectoryRevokeCommand(CLI::App* directory_group) {
  CLI::App* app = directory_group->add_subcommand(
      "revoke",
      "Marks an agency's keys (or only the one --key names) compromised "
      "since --compromised-since in directory.json: each is revoked (its "
      "not_after is brought forward to now), optionally a replacement key "
      "is listed from now, and the version rises by one. Once the new "
      "directory is signed and published, the router holds what the key "
      "signed since then and recipients flag what they accepted "
      "(docs/OPERATIONS.md section 6). Writes the file atomically; on any "
      "error it writes nothing.");
  app->footer(
      "Example:\n"
      "  handover directory revoke --in directory.json --agency stockport-cs "
      "\\\n"
      "      --compromised-since 2026-12-04T09:00:00Z "
      "--replacement-key keys/stockport-cs-2/public.key\n"
      "  handover directory sign --authority-key keys/authority "
      "--in directory.json --out directory.signed");
  auto o = std::make_shared<RevokeOptions>();
  app->add_option("--in", o->in, "directory.json to edit")->required();
  app->add_option("--out", o->out,
                  "Where to write the edited directory.json (default: --in)");
  app->add_option("--agency", o->agency, "The agency whose key is compromised")
      ->required();
  app->add_option("--compromised-since", o->compromised_since,
                  "RFC 3339 time from which the key is suspect, e.g. "
                  "2026-12-04T09:00:00Z; not in the future")
      ->required();
  app->add_option("--key", o->key_id,
                  "Only this signing key id (32 hex digits, as `handover "
                  "directory show` prints); default: every key of the agency");
  app->add_option("--replacement-key", o->replacement_key,
                  "The agency's new public key file (handover keygen), listed "
                  "as valid from now");
  return {app, [o] { return RunRevoke(*o); }};
}

}  // namespace handover::cli

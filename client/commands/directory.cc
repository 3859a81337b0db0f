#include "commands/directory.h"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "cli_output.h"
#include "commands/directory_revoke.h"
#include "common/file_util.h"
#include "common/status_macros.h"
#include "crypto/identity.h"
#include "crypto/key_file.h"
#include "directory/directory_json.h"
#include "directory/signed_directory.h"

namespace handover::cli {
namespace {

namespace v1 = handover::v1;

struct DirectoryOptions {
  std::string authority_key;
  std::string trust_root;
  std::string in;
  std::string out;
  uint64_t min_version = 0;
  OutputFormat format = OutputFormat::kText;
};

std::string KindText(v1::AgencyKind kind) {
  switch (kind) {
    case v1::AGENCY_KIND_LOCAL_AUTHORITY_CHILDRENS_SERVICES:
      return "local authority children's services";
    case v1::AGENCY_KIND_HEALTH_TEAM:
      return "health team";
    case v1::AGENCY_KIND_POLICE_FORCE:
      return "police force";
    case v1::AGENCY_KIND_OTHER:
      return "other";
    default:
      return absl::StrCat("kind ", kind);
  }
}

std::string StatusText(const v1::Agency& agency) {
  switch (agency.status()) {
    case v1::AGENCY_STATUS_ACTIVE:
      return "active";
    case v1::AGENCY_STATUS_REVOKED:
      return absl::StrCat("revoked ", FormatUtc(agency.revoked_at().seconds()));
    default:
      return absl::StrCat("status ", agency.status());
  }
}

std::string AgencyLine(const v1::Agency& agency) {
  return absl::StrCat(
      agency.id(), ": ", agency.name(), "; ", KindText(agency.kind()), "; ",
      StatusText(agency), "; areas ",
      agency.areas().empty() ? "none" : absl::StrJoin(agency.areas(), " "),
      "; ", agency.keys_size(), agency.keys_size() == 1 ? " key" : " keys");
}

Json AgencyJson(const v1::Agency& agency) {
  Json keys = Json::array();
  for (const v1::AgencyKey& key : agency.keys()) {
    keys.push_back({{"signing_key_id",
                     crypto::ToHex(crypto::KeyIdOf(key.sign_public_key()))},
                    {"encryption_key_id",
                     crypto::ToHex(crypto::KeyIdOf(key.box_public_key()))},
                    {"not_before", FormatUtc(key.not_before().seconds())},
                    {"not_after", FormatUtc(key.not_after().seconds())}});
  }
  Json j = {{"id", agency.id()},
            {"name", agency.name()},
            {"kind", v1::AgencyKind_Name(agency.kind())},
            {"status", v1::AgencyStatus_Name(agency.status())},
            {"areas", std::vector<std::string>(agency.areas().begin(),
                                               agency.areas().end())},
            {"tls_cert_sha256", agency.tls_cert_sha256()},
            {"keys", keys}};
  if (agency.has_revoked_at()) {
    j["revoked_at"] = FormatUtc(agency.revoked_at().seconds());
  }
  if (agency.has_compromised_since()) {
    j["compromised_since"] = FormatUtc(agency.compromised_since().seconds());
  }
  return j;
}

// What a report says about the file and its signature.
struct Provenance {
  std::string file_label;  // "signed" or "file"
  std::string file;
  std::string authority_key_id;
  bool verified = false;
  std::string signature;  // what was checked, for people
};

Report DirectoryReport(const v1::Directory& directory, const Provenance& p) {
  int active = 0;
  for (const v1::Agency& a : directory.agencies()) {
    active += a.status() == v1::AGENCY_STATUS_ACTIVE;
  }
  const int count = directory.agencies_size();
  Report r;
  r.Row(p.file_label, p.file);
  r.Row("signature", p.signature);
  r.Row("authority key id", crypto::ToHex(p.authority_key_id));
  r.Row("version", absl::StrCat(directory.version()));
  r.Row("issued at", FormatUtc(directory.issued_at().seconds()));
  r.Row("agencies", absl::StrCat(count, " (", active, " active, ",
                                 count - active, " revoked)"));
  Json agencies = Json::array();
  for (const v1::Agency& a : directory.agencies()) {
    r.Row("", AgencyLine(a));
    agencies.push_back(AgencyJson(a));
  }
  r.json = Json{{"file", p.file},
                {"verified", p.verified},
                {"authority_key_id", crypto::ToHex(p.authority_key_id)},
                {"version", directory.version()},
                {"issued_at", FormatUtc(directory.issued_at().seconds())},
                {"agency_count", count},
                {"agencies", agencies}};
  return r;
}

// The version only rises: refuse to replace a signed directory with one
// that is not newer, or to overwrite a file that is not a signed directory.
absl::Status CheckVersionRises(const std::string& out, uint64_t version) {
  std::error_code ec;
  if (!std::filesystem::exists(out, ec)) return absl::OkStatus();
  ASSIGN_OR_RETURN(const std::string bytes,
                   ReadFileBounded(out, directory::kMaxSignedDirectoryBytes));
  auto old = directory::ParseSignedDirectoryUnverified(bytes);
  if (!old.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat(out,
                     " exists and is not a signed directory; refusing "
                     "to overwrite it"));
  }
  if (old->directory.version() >= version) {
    return absl::FailedPreconditionError(
        absl::StrCat(out, " holds directory version ", old->directory.version(),
                     "; the new directory has version ", version,
                     " but must be higher (a directory's version only rises)"));
  }
  return absl::OkStatus();
}

absl::Status RunSign(const DirectoryOptions& o) {
  ASSIGN_OR_RETURN(
      const crypto::SecretIdentity authority,
      NameFile(crypto::LoadSecretIdentity(o.authority_key), {o.authority_key}));
  ASSIGN_OR_RETURN(
      const v1::Directory directory,
      NameFile(directory::ReadDirectoryJsonFile(o.in, absl::Now()), {o.in}));
  RETURN_IF_ERROR(CheckVersionRises(o.out, directory.version()));
  ASSIGN_OR_RETURN(
      const std::string signed_bytes,
      NameFile(directory::SignDirectory(directory, authority), {o.in}));
  RETURN_IF_ERROR(
      NameFile(WriteFileAtomically(o.out, signed_bytes, 0644), {o.out}));
  PrintReport(DirectoryReport(
                  directory,
                  {"signed", o.out, authority.public_identity().sign_key_id(),
                   true, "made with the authority key in " + o.authority_key}),
              o.format);
  return absl::OkStatus();
}

absl::Status RunVerify(const DirectoryOptions& o) {
  ASSIGN_OR_RETURN(
      const crypto::PublicIdentity root,
      NameFile(crypto::LoadPublicIdentity(o.trust_root), {o.trust_root}));
  ASSIGN_OR_RETURN(const std::string bytes,
                   ReadFileBounded(o.in, directory::kMaxSignedDirectoryBytes));
  ASSIGN_OR_RETURN(
      const v1::Directory directory,
      NameFile(directory::VerifySignedDirectory(bytes, root, o.min_version),
               {o.in}));
  PrintReport(DirectoryReport(directory,
                              {"file", o.in, root.sign_key_id(), true,
                               "valid, by the trust root in " + o.trust_root}),
              o.format);
  return absl::OkStatus();
}

absl::Status RunShow(const DirectoryOptions& o) {
  ASSIGN_OR_RETURN(const std::string bytes,
                   ReadFileBounded(o.in, directory::kMaxSignedDirectoryBytes));
  ASSIGN_OR_RETURN(
      const directory::UnverifiedDirectory parsed,
      NameFile(directory::ParseSignedDirectoryUnverified(bytes), {o.in}));
  PrintReport(DirectoryReport(parsed.directory,
                              {"file", o.in, parsed.authority_key_id, false,
                               "NOT VERIFIED (show does not check it; use "
                               "handover directory verify)"}),
              o.format);
  return absl::OkStatus();
}

struct Subcommand {
  CLI::App* app;
  absl::Status (*run)(const DirectoryOptions&);
};

Subcommand AddSign(CLI::App* group, DirectoryOptions* o) {
  CLI::App* app = group->add_subcommand(
      "sign",
      "Signs a directory with the directory authority's key. Reads "
      "directory.json (the agencies, with their keys named by public key "
      "file; see docs/DIRECTORY.md), checks every rule, stamps the time and "
      "writes the signed directory atomically. Refuses to replace a signed "
      "directory unless the new version is higher.");
  app->footer(
      "Example:\n"
      "  handover keygen --agency directory-authority --out keys/authority\n"
      "  handover directory sign --authority-key keys/authority "
      "--in directory.json --out directory.signed");
  app->add_option("--authority-key", o->authority_key,
                  "The authority's key directory or secret.key (mode 0600)")
      ->required();
  app->add_option("--in", o->in, "directory.json to sign")->required();
  app->add_option("--out", o->out, "Signed directory file to write")
      ->required();
  AddFormatOption(app, &o->format);
  return {app, RunSign};
}

Subcommand AddVerify(CLI::App* group, DirectoryOptions* o) {
  CLI::App* app = group->add_subcommand(
      "verify",
      "Verifies a signed directory as a node does. It checks the signature "
      "against the trust root (the authority's public.key), the version "
      "against --min-version (an older one is a rollback) and every content "
      "rule, then prints a summary. If any check fails it exits 1 with one "
      "line on stderr.");
  app->footer(
      "Examples:\n"
      "  handover directory verify --trust-root keys/authority/public.key "
      "--in directory.signed\n"
      "  handover directory verify --trust-root authority.pub "
      "--in directory.signed --min-version 7 --format json");
  app->add_option("--trust-root", o->trust_root,
                  "The authority's public key file or key directory")
      ->required();
  app->add_option("--in", o->in, "Signed directory file")->required();
  app->add_option("--min-version", o->min_version,
                  "Refuse a directory older than this version (default 0)")
      ->check(CLI::NonNegativeNumber);
  AddFormatOption(app, &o->format);
  return {app, RunVerify};
}

Subcommand AddShow(CLI::App* group, DirectoryOptions* o) {
  CLI::App* app = group->add_subcommand(
      "show",
      "Shows a signed directory without checking its signature. It prints "
      "the version, when it was issued, the authority key id it claims and "
      "each agency. Nothing it shows is verified: use verify before trusting "
      "any of it.");
  app->footer(
      "Examples:\n"
      "  handover directory show --in directory.signed\n"
      "  handover directory show --in directory.signed --format json");
  app->add_option("--in", o->in, "Signed directory file")->required();
  AddFormatOption(app, &o->format);
  return {app, RunShow};
}

}  // namespace

Command AddDirectoryCommand(CLI::App* parent) {
  CLI::App* group = parent->add_subcommand(
      "directory",
      "Signs, verifies and shows the agency directory, and marks an "
      "agency's keys compromised (revoke). The directory lists "
      "every agency with its kind, areas, keys, TLS certificate fingerprint "
      "and status, signed by the offline directory-authority key; nodes "
      "trust only a directory that verifies against that key.");
  group->footer(
      "Examples:\n"
      "  handover directory sign --authority-key keys/authority "
      "--in directory.json --out directory.signed\n"
      "  handover directory verify --trust-root keys/authority/public.key "
      "--in directory.signed");
  group->require_subcommand(1);
  auto options = std::make_shared<DirectoryOptions>();
  const std::vector<Subcommand> subs = {AddSign(group, options.get()),
                                        AddVerify(group, options.get()),
                                        AddShow(group, options.get())};
  const Command revoke = AddDirectoryRevokeCommand(group);
  return {group, [group, subs, options, revoke]() -> absl::Status {
            if (revoke.app->parsed()) return revoke.run();
            for (const Subcommand& sub : subs) {
              if (!sub.app->parsed()) continue;
              return sub.run(*options);
            }
            return absl::InvalidArgumentError("a subcommand is required");
          }};
}

}  // namespace handover::cli

#include "commands/seal.h"

#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "attachment_list.h"
#include "bundle/bundle_json.h"
#include "bundle/bundle_validate.h"
#include "casefile/case_file.h"
#include "cli_output.h"
#include "cli_validators.h"
#include "common/clock.h"
#include "common/status_macros.h"
#include "crypto/key_file.h"
#include "duration.h"
#include "header_summary.h"
#include "progress.h"

namespace handover::cli {
namespace {

namespace fs = std::filesystem;

struct SealCommandOptions {
  std::string key;
  std::vector<std::string> to;
  std::string in_path;
  std::vector<std::string> attach;
  std::vector<std::string> attach_as;  // NAME=FILE
  std::string out_path;
  std::string ttl = "5d";
  bool force = false;
  OutputFormat format = OutputFormat::kText;
};

absl::StatusOr<std::vector<casefile::AttachmentInput>> AttachmentInputs(
    const SealCommandOptions& options) {
  std::vector<casefile::AttachmentInput> inputs;
  for (const std::string& path : options.attach) {
    inputs.push_back({path, fs::path(path).filename().string()});
  }
  for (const std::string& spec : options.attach_as) {
    const size_t eq = spec.find('=');  // checked by the option's validator
    inputs.push_back({spec.substr(eq + 1), spec.substr(0, eq)});
  }
  RETURN_IF_ERROR(CheckUniqueNames(inputs, "--attach-as NAME=FILE"));
  return inputs;
}

absl::StatusOr<std::vector<crypto::PublicIdentity>> LoadRecipients(
    const std::vector<std::string>& paths) {
  std::vector<crypto::PublicIdentity> recipients;
  std::set<std::string> agencies;
  for (const std::string& path : paths) {
    ASSIGN_OR_RETURN(crypto::PublicIdentity r,
                     NameFile(crypto::LoadPublicIdentity(path), {path}));
    if (!agencies.insert(r.agency_id).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ": agency ", r.agency_id, " is already a recipient"));
    }
    recipients.push_back(std::move(r));
  }
  return recipients;
}

absl::StatusOr<casefile::SealRequest> BuildRequest(
    const SealCommandOptions& options) {
  casefile::SealRequest request;
  ASSIGN_OR_RETURN(
      request.bundle,
      NameFile(bundle::ReadBundleJsonFile(options.in_path), {options.in_path}));
  ASSIGN_OR_RETURN(request.attachments, AttachmentInputs(options));
  // Completed as SealCaseFile will, so validation sees the final list.
  RETURN_IF_ERROR(CompleteAttachments(options.in_path,
                                      "--attach or --attach-as",
                                      &request.attachments, &request.bundle));
  RETURN_IF_ERROR(
      NameFile(bundle::ValidateBundle(request.bundle), {options.in_path}));
  ASSIGN_OR_RETURN(request.options.time_to_live, ParseDuration(options.ttl));
  return request;
}

absl::Status CheckOutputFree(const SealCommandOptions& options) {
  std::error_code ec;
  if (options.force || !fs::exists(fs::symlink_status(options.out_path, ec))) {
    return absl::OkStatus();
  }
  return absl::AlreadyExistsError(
      absl::StrCat(options.out_path,
                   " already exists; choose another --out or add --force"));
}

Report SealReport(const crypto::EnvelopeHeader& header,
                  const casefile::SealRequest& request,
                  const std::string& out_path) {
  Report r;
  r.Row("sealed", out_path);
  r.json["file"] = out_path;
  AddHeaderSummary(header, &r);
  Json attachments = Json::array();
  for (const auto& a : request.bundle.attachments()) {
    r.Row(attachments.empty() ? "attachments" : "",
          absl::StrCat(a.name(), ", ", a.media_type(), ", ",
                       FormatSize(a.size_bytes())));
    attachments.push_back(Json{{"name", a.name()},
                               {"media_type", a.media_type()},
                               {"size_bytes", a.size_bytes()}});
  }
  if (attachments.empty()) r.Row("attachments", "none");
  r.json["attachments"] = std::move(attachments);
  std::error_code ec;
  const uint64_t file_bytes = fs::file_size(out_path, ec);
  r.Row("file size", FormatSize(file_bytes));
  r.json["file_bytes"] = file_bytes;
  return r;
}

absl::Status RunSeal(const SealCommandOptions& options) {
  ASSIGN_OR_RETURN(
      crypto::SecretIdentity sender,
      NameFile(crypto::LoadSecretIdentity(options.key), {options.key}));
  ASSIGN_OR_RETURN(std::vector<crypto::PublicIdentity> recipients,
                   LoadRecipients(options.to));
  ASSIGN_OR_RETURN(casefile::SealRequest request, BuildRequest(options));
  RETURN_IF_ERROR(CheckOutputFree(options));
  TerminalProgress progress("sealing");
  request.progress = progress.Callback();
  absl::StatusOr<crypto::EnvelopeHeader> sealed =
      casefile::SealCaseFile(sender, recipients, request, options.out_path);
  progress.Finish();
  ASSIGN_OR_RETURN(
      crypto::EnvelopeHeader header,
      NameFile(std::move(sealed), {options.out_path, options.in_path}));
  PrintReport(SealReport(header, request, options.out_path), options.format);
  return absl::OkStatus();
}

CLI::Validator NameEqualsFileValidator() {
  return CLI::Validator(
      [](std::string& spec) -> std::string {
        const size_t eq = spec.find('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size()) {
          return "expected NAME=FILE";
        }
        return "";
      },
      "NAME=FILE");
}

void AddSealOptions(CLI::App* app, SealCommandOptions* o) {
  app->add_option("--key", o->key,
                  "Your key directory, or your secret.key file")
      ->required();
  app->add_option("--to", o->to,
                  "Each recipient's public.key (or key directory); repeat or "
                  "list several")
      ->required();
  app->add_option("--in", o->in_path, "The case bundle as JSON")->required();
  app->add_option("--attach", o->attach,
                  "A file to attach, named by its basename; repeatable");
  app->add_option("--attach-as", o->attach_as,
                  "A file to attach under another name, as NAME=FILE")
      ->check(NameEqualsFileValidator());
  app->add_option("--out", o->out_path, "Envelope file to write")->required();
  app->add_option("--ttl", o->ttl,
                  "How long the envelope stays valid, e.g. 5d, 12h, 30m")
      ->check(DurationValidator())
      ->default_str("5d");
  app->add_flag("--force", o->force, "Replace --out if it already exists");
  AddFormatOption(app, &o->format);
}

}  // namespace

Command AddSealCommand(CLI::App* parent) {
  CLI::App* app = parent->add_subcommand(
      "seal",
      "Seals a case bundle and its attachments into one envelope file. Only "
      "the listed recipients can open it. The bundle JSON is parsed "
      "strictly and validated first; attachments are streamed, so they may "
      "be of any size. The envelope is signed with your key, encrypted to "
      "each recipient's key, and appears at OUT only when complete. Prints "
      "the transfer id, the recipients and the sizes, never the case.");
  app->footer(
      "Example:\n"
      "  handover seal --key keys/stockport-cs \\\n"
      "      --to keys/birmingham-cs/public.key "
      "keys/birmingham-health/public.key \\\n"
      "      --in child-bundle.json --attach photo.jpg care-plan.pdf \\\n"
      "      --ttl 5d --out transfer.hov");
  auto options = std::make_shared<SealCommandOptions>();
  AddSealOptions(app, options.get());
  return {app, [options] { return RunSeal(*options); }};
}

}  // namespace handover::cli

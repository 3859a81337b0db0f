#include "commands/open.h"

#include <filesystem>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "casefile/case_file.h"
#include "cli_output.h"
#include "common/status_macros.h"
#include "crypto/key_file.h"
#include "header_summary.h"
#include "progress.h"

namespace handover::cli {
namespace {

struct OpenCommandOptions {
  std::string key;
  std::string sender;
  std::string in_path;
  std::string out_dir;
  OutputFormat format = OutputFormat::kText;
};

// Names and sizes of what was written; never the bundle's content.
Report OpenReport(const casefile::OpenedCaseFile& opened,
                  const OpenCommandOptions& options) {
  namespace fs = std::filesystem;
  Report r;
  const std::string bundle_path =
      (fs::path(options.out_dir) / std::string(casefile::kBundleJsonName))
          .string();
  r.Row("opened", options.in_path);
  r.Row("signature", "verified");
  r.json["file"] = options.in_path;
  r.json["signature_verified"] = true;
  AddHeaderSummary(opened.header, &r);
  r.Row("bundle", bundle_path);
  r.json["out"] = options.out_dir;
  r.json["bundle_file"] = bundle_path;
  Json attachments = Json::array();
  for (size_t i = 0; i < opened.attachments.size(); ++i) {
    const casefile::OpenedAttachment& a = opened.attachments[i];
    r.Row(i == 0 ? "attachments" : "",
          absl::StrCat(a.name, ", ", a.media_type, ", ", FormatSize(a.size)));
    attachments.push_back(Json{{"name", a.name},
                               {"media_type", a.media_type},
                               {"size_bytes", a.size}});
  }
  if (opened.attachments.empty()) r.Row("attachments", "none");
  r.json["attachments"] = std::move(attachments);
  return r;
}

absl::Status RunOpen(const OpenCommandOptions& options) {
  ASSIGN_OR_RETURN(
      crypto::SecretIdentity me,
      NameFile(crypto::LoadSecretIdentity(options.key), {options.key}));
  ASSIGN_OR_RETURN(
      crypto::PublicIdentity sender,
      NameFile(crypto::LoadPublicIdentity(options.sender), {options.sender}));
  TerminalProgress progress("opening");
  absl::StatusOr<casefile::OpenedCaseFile> result =
      casefile::OpenCaseFile(options.in_path, me, sender, crypto::OpenOptions(),
                             options.out_dir, progress.Callback());
  progress.Finish();
  ASSIGN_OR_RETURN(
      casefile::OpenedCaseFile opened,
      NameFile(std::move(result), {options.in_path, options.out_dir}));
  PrintReport(OpenReport(opened, options), options.format);
  return absl::OkStatus();
}

}  // namespace

Command AddOpenCommand(CLI::App* parent) {
  CLI::App* app = parent->add_subcommand(
      "open",
      "Verifies and decrypts an envelope file addressed to your agency. "
      "Before anything is written it checks that SENDER's key signed the "
      "header, that your key is a recipient and that the envelope has not "
      "expired; it then decrypts, checking every chunk, and only when the "
      "whole envelope has verified does OUT appear, holding bundle.json and "
      "attachments/. OUT must not exist or must be empty. Prints the transfer "
      "id, the sender and the attachment names and sizes, never the case.");
  app->footer(
      "Example:\n"
      "  handover open --key keys/birmingham-cs \\\n"
      "      --sender keys/stockport-cs/public.key \\\n"
      "      --in transfer.hov --out received/");
  auto options = std::make_shared<OpenCommandOptions>();
  app->add_option("--key", options->key,
                  "Your key directory, or your secret.key file")
      ->required();
  app->add_option("--sender", options->sender,
                  "The sender's public.key, or its key directory")
      ->required();
  app->add_option("--in", options->in_path, "Envelope file to open")
      ->required();
  app->add_option("--out", options->out_dir,
                  "Directory to create for bundle.json and attachments/")
      ->required();
  AddFormatOption(app, &options->format);
  return {app, [options] { return RunOpen(*options); }};
}

}  // namespace handover::cli

#include "commands/keygen.h"

#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "cli_output.h"
#include "common/status_macros.h"
#include "crypto/identity.h"
#include "crypto/key_file.h"

namespace handover::cli {
namespace {

struct KeygenOptions {
  std::string agency_id;
  std::string out_dir;
  OutputFormat format = OutputFormat::kText;
};

Report KeygenReport(const crypto::PublicIdentity& identity,
                    const std::string& dir) {
  const std::string secret =
      (std::filesystem::path(dir) / std::string(crypto::kSecretKeyFileName))
          .string();
  const std::string pub =
      (std::filesystem::path(dir) / std::string(crypto::kPublicKeyFileName))
          .string();
  Report r;
  r.Row("agency id", identity.agency_id);
  r.Row("signing key id", crypto::ToHex(identity.sign_key_id()));
  r.Row("encryption key id", crypto::ToHex(identity.box_key_id()));
  r.Row("secret key", secret + " (mode 0600; never share it)");
  r.Row("public key", pub + " (give this to other agencies)");
  r.json = Json{{"agency_id", identity.agency_id},
                {"signing_key_id", crypto::ToHex(identity.sign_key_id())},
                {"encryption_key_id", crypto::ToHex(identity.box_key_id())},
                {"secret_key_file", secret},
                {"public_key_file", pub}};
  return r;
}

absl::Status RunKeygen(const KeygenOptions& options) {
  ASSIGN_OR_RETURN(crypto::SecretIdentity identity,
                   crypto::SecretIdentity::Generate(options.agency_id));
  RETURN_IF_ERROR(NameFile(crypto::WriteKeyDirectory(options.out_dir, identity),
                           {options.out_dir}));
  PrintReport(KeygenReport(identity.public_identity(), options.out_dir),
              options.format);
  return absl::OkStatus();
}

}  // namespace

Command AddKeygenCommand(CLI::App* parent) {
  CLI::App* app = parent->add_subcommand(
      "keygen",
      "Generates a new key pair for one agency. There are two keys: an "
      "Ed25519 key that signs what the agency sends and an X25519 key that "
      "other agencies encrypt to. Writes DIR/secret.key (mode 0600, never "
      "share it) and "
      "DIR/public.key (give it to the agencies that send to you or receive "
      "from you), and prints the agency id and both key ids. Refuses to "
      "overwrite an existing secret key.");
  app->footer(
      "Example:\n"
      "  handover keygen --agency stockport-cs --out keys/stockport-cs");
  auto options = std::make_shared<KeygenOptions>();
  app->add_option("--agency", options->agency_id,
                  "Agency id: 1-64 characters of a-z, 0-9, '.' and '-'")
      ->required();
  app->add_option("--out", options->out_dir,
                  "Key directory to create or fill (made with mode 0700)")
      ->required();
  AddFormatOption(app, &options->format);
  return {app, [options] { return RunKeygen(*options); }};
}

}  // namespace handover::cli

#include "commands/inspect.h"

#include <memory>
#include <string>

#include "casefile/case_file.h"
#include "cli_output.h"
#include "common/status_macros.h"
#include "header_summary.h"

namespace handover::cli {
namespace {

struct InspectOptions {
  std::string path;
  OutputFormat format = OutputFormat::kText;
};

// The version byte follows the 8-byte magic in the signed prefix.
int FormatVersionOf(const crypto::EnvelopeHead& head) {
  constexpr size_t kVersionOffset = crypto::kEnvelopeMagic.size();
  if (head.signed_header.size() <= kVersionOffset) return 0;
  return static_cast<uint8_t>(head.signed_header[kVersionOffset]);
}

absl::Status RunInspect(const InspectOptions& options) {
  ASSIGN_OR_RETURN(
      crypto::EnvelopeHead head,
      NameFile(casefile::InspectEnvelopeFile(options.path), {options.path}));
  Report report;
  report.Row("file", options.path);
  report.Row("format version", std::to_string(FormatVersionOf(head)));
  report.json["file"] = options.path;
  report.json["format_version"] = FormatVersionOf(head);
  AddHeaderSummary(head.header, &report);
  PrintReport(report, options.format);
  return absl::OkStatus();
}

}  // namespace

Command AddInspectCommand(CLI::App* parent) {
  CLI::App* app = parent->add_subcommand(
      "inspect",
      "Shows an envelope file's header, with no key needed. It prints the "
      "format version, transfer id, sender and recipients with their key "
      "ids, when it was created and when it expires, the content type, the "
      "chunk size and the plaintext and ciphertext sizes. This is the routing "
      "metadata the "
      "router sees; it says nothing about the case inside, and it does not "
      "check the signature (open does).");
  app->footer(
      "Examples:\n"
      "  handover inspect transfer.hov\n"
      "  handover inspect transfer.hov --format json");
  auto options = std::make_shared<InspectOptions>();
  app->add_option("FILE", options->path, "Envelope file to inspect")
      ->required();
  AddFormatOption(app, &options->format);
  return {app, [options] { return RunInspect(*options); }};
}

}  // namespace handover::cli

#include "commands/version.h"

#include <iostream>
#include <memory>

#include "cli_output.h"
#include "version_string.h"

namespace handover::cli {

Command AddVersionCommand(CLI::App* parent) {
  CLI::App* app = parent->add_subcommand(
      "version",
      "Prints the version of this handover build. `handover --version` "
      "prints the same.");
  app->footer("Example:\n  handover version --format json");
  auto format = std::make_shared<OutputFormat>(OutputFormat::kText);
  AddFormatOption(app, format.get());
  return {app, [format] {
            if (*format == OutputFormat::kJson) {
              Report report;
              report.json["version"] = kVersion;
              PrintReport(report, *format);
            } else {
              std::cout << "handover " << kVersion << "\n";
            }
            return absl::OkStatus();
          }};
}

}  // namespace handover::cli

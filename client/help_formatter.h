// CLI11 help in the shape people read: descriptions wrapped to the terminal
// width, and only the first sentence of each subcommand's description in the
// top-level list (the whole paragraph is in `handover COMMAND --help`).
#ifndef HANDOVER_CLIENT_HELP_FORMATTER_H_
#define HANDOVER_CLIENT_HELP_FORMATTER_H_

#include <string>

#include "CLI/CLI.hpp"

namespace handover::cli {

class HelpFormatter : public CLI::Formatter {
 public:
  std::string make_description(const CLI::App* app) const override;
  std::string make_subcommand(const CLI::App* sub) const override;
};

// Greedy word wrap to lines of at most `width` characters.
std::string WrapText(const std::string& text, size_t width);

}  // namespace handover::cli

#endif  // HANDOVER_CLIENT_HELP_FORMATTER_H_

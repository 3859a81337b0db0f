#include "help_formatter.h"

#include <sstream>

namespace handover::cli {
namespace {

constexpr size_t kHelpWidth = 79;

std::string FirstSentence(const std::string& text) {
  const size_t end = text.find(". ");
  return end == std::string::npos ? text : text.substr(0, end + 1);
}

}  // namespace

std::string WrapText(const std::string& text, size_t width) {
  std::istringstream words(text);
  std::string word;
  std::string out;
  size_t line = 0;
  while (words >> word) {
    if (line > 0 && line + 1 + word.size() > width) {
      out += "\n";
      line = 0;
    } else if (line > 0) {
      out += " ";
      ++line;
    }
    out += word;
    line += word.size();
  }
  return out;
}

std::string HelpFormatter::make_description(const CLI::App* app) const {
  const std::string desc = app->get_description();
  return desc.empty() ? "" : WrapText(desc, kHelpWidth) + "\n\n";
}

std::string HelpFormatter::make_subcommand(const CLI::App* sub) const {
  std::stringstream out;
  CLI::detail::format_help(out, sub->get_display_name(true),
                           FirstSentence(sub->get_description()),
                           column_width_);
  return out.str();
}

}  // namespace handover::cli

// Quoting of config values inside error messages.
#ifndef HANDOVER_CONFIG_QUOTED_H_
#define HANDOVER_CONFIG_QUOTED_H_

#include <string>

#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"

namespace handover::config {

// `text` with control characters written as \xNN (and, when `quote` is
// set, '"' and '\' escaped), so that a message stays on one line whatever a
// config file holds. Other bytes, UTF-8 included, are kept as they are.
inline std::string EscapeForMessage(absl::string_view text, bool quote) {
  std::string out;
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (quote && (c == '"' || c == '\\')) {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20 || u == 0x7f) {
      absl::StrAppendFormat(&out, "\\x%02x", u);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// `text` in double quotes, escaped as above.
inline std::string Quoted(absl::string_view text) {
  return "\"" + EscapeForMessage(text, /*quote=*/true) + "\"";
}

}  // namespace handover::config

#endif  // HANDOVER_CONFIG_QUOTED_H_

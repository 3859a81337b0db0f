// Fuzzes the node and router config parsers (text only; no file checks).
#include <cstddef>
#include <cstdint>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "config/node_config.h"
#include "config/router_config.h"

namespace {

// A failure must read as the daemon prints it: one or more lines, each
// naming the source, so a control character in the input cannot forge or
// break a line.
void CheckReport(const absl::Status& status) {
  if (status.ok()) return;
  for (absl::string_view line : absl::StrSplit(status.message(), '\n')) {
    if (!absl::StartsWith(line, "fuzz.toml")) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view input(reinterpret_cast<const char*>(data), size);
  CheckReport(handover::config::ParseNodeConfig(input, "fuzz.toml").status());
  CheckReport(handover::config::ParseRouterConfig(input, "fuzz.toml").status());
  return 0;
}

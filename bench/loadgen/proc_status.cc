#include "loadgen/proc_status.h"

#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace handover::bench {
namespace {

// "VmRSS:\t  1234 kB" → 1234, if `line` starts with `field`.
bool FieldValue(absl::string_view line, absl::string_view field,
                uint64_t* value) {
  if (!absl::ConsumePrefix(&line, field)) return false;
  line = absl::StripAsciiWhitespace(line);
  absl::ConsumeSuffix(&line, "kB");
  return absl::SimpleAtoi(absl::StripAsciiWhitespace(line), value);
}

}  // namespace

absl::StatusOr<ProcStatus> ReadProcStatus(pid_t pid) {
  const std::string dir = absl::StrCat("/proc/", pid);
  std::ifstream status(dir + "/status");
  if (!status) return absl::NotFoundError(absl::StrCat("no process ", pid));
  ProcStatus result;
  std::string line;
  while (std::getline(status, line)) {
    if (FieldValue(line, "VmRSS:", &result.rss_kib)) continue;
    if (FieldValue(line, "VmHWM:", &result.hwm_kib)) continue;
    FieldValue(line, "Threads:", &result.threads);
  }
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir + "/fd", ec), end;
       !ec && it != end; it.increment(ec)) {
    ++result.open_fds;
  }
  if (ec) {
    return absl::NotFoundError(
        absl::StrCat("cannot list ", dir, "/fd: ", ec.message()));
  }
  return result;
}

}  // namespace handover::bench

// A progress bar on stderr for long seals, opens, submits and fetches. It
// draws only when stderr is a terminal and the work is large, so scripts and
// logs never see it. Not thread-safe.
#ifndef HANDOVER_CLIENT_PROGRESS_H_
#define HANDOVER_CLIENT_PROGRESS_H_

#include <cstdint>
#include <string>

#include "casefile/case_file.h"

namespace handover::cli {

// Inputs smaller than this finish too fast to need a progress line.
inline constexpr uint64_t kProgressMinBytes = 16 * 1024 * 1024;

class TerminalProgress {
 public:
  // `verb` names the work, e.g. "sealing" or "sending".
  explicit TerminalProgress(std::string verb);
  ~TerminalProgress() { Finish(); }
  TerminalProgress(const TerminalProgress&) = delete;
  TerminalProgress& operator=(const TerminalProgress&) = delete;

  // A callback for the casefile library, or nullptr when stderr is not a
  // terminal. The callback borrows this object.
  casefile::ProgressFn Callback();

  // Erases the progress line, if one was drawn, so that what is printed
  // next starts on a clean line. Call it before printing a report.
  void Finish();

 private:
  void Update(uint64_t done, uint64_t total);

  std::string verb_;
  int last_percent_ = -1;
  bool drawn_ = false;
};

}  // namespace handover::cli

#endif  // HANDOVER_CLIENT_PROGRESS_H_

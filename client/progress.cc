#include "progress.h"

#include <unistd.h>

#include <cstdio>
#include <string>

namespace handover::cli {

TerminalProgress::TerminalProgress(std::string verb) : verb_(std::move(verb)) {}

void TerminalProgress::Finish() {
  if (!drawn_) return;
  std::fputs("\r\033[K", stderr);  // carriage return, erase to end of line
  std::fflush(stderr);
  drawn_ = false;
}

casefile::ProgressFn TerminalProgress::Callback() {
  if (isatty(STDERR_FILENO) != 1) return nullptr;
  return [this](uint64_t done, uint64_t total) { Update(done, total); };
}

void TerminalProgress::Update(uint64_t done, uint64_t total) {
  if (total < kProgressMinBytes) return;
  const int percent = static_cast<int>(done * 100 / total);
  if (percent == last_percent_) return;
  last_percent_ = percent;
  drawn_ = true;
  constexpr int kBarWidth = 30;
  const int filled = percent * kBarWidth / 100;
  const std::string bar =
      std::string(filled, '#') + std::string(kBarWidth - filled, ' ');
  std::fprintf(stderr, "\rhandover: %s [%s] %3d%% of %llu MiB", verb_.c_str(),
               bar.c_str(), percent,
               static_cast<unsigned long long>(total >> 20));
  std::fflush(stderr);
}

}  // namespace handover::cli

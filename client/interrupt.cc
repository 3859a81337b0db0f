#include "interrupt.h"

#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <mutex>
#include <thread>

namespace handover::cli {
namespace {

std::atomic<bool> g_interrupted{false};
std::mutex g_mu;
grpc::ClientContext* g_context = nullptr;  // guarded by g_mu

sigset_t HandledSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  return set;
}

void WaitForSignals(sigset_t set) {
  for (;;) {
    int signal_number = 0;
    if (sigwait(&set, &signal_number) != 0) continue;
    if (g_interrupted.exchange(true)) {
      // The second signal: give up on a clean exit.
      ::signal(signal_number, SIG_DFL);
      pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
      raise(signal_number);
      continue;
    }
    std::lock_guard<std::mutex> lock(g_mu);
    if (g_context != nullptr) g_context->TryCancel();
  }
}

}  // namespace

void InstallInterruptHandler() {
  static std::once_flag once;
  std::call_once(once, [] {
    sigset_t set = HandledSignals();
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    std::thread(WaitForSignals, set).detach();
  });
}

bool Interrupted() { return g_interrupted.load(); }

CancelOnInterrupt::CancelOnInterrupt(grpc::ClientContext* context) {
  std::lock_guard<std::mutex> lock(g_mu);
  g_context = context;
  if (g_interrupted.load()) context->TryCancel();
}

CancelOnInterrupt::~CancelOnInterrupt() {
  std::lock_guard<std::mutex> lock(g_mu);
  g_context = nullptr;
}

}  // namespace handover::cli

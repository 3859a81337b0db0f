#include "rpc/shutdown_signal.h"

#include <pthread.h>
#include <signal.h>

namespace handover::rpc {
namespace {

sigset_t ShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

}  // namespace

void BlockShutdownSignals() {
  sigset_t set = ShutdownSignals();
  // SIGPIPE too: a peer closing a socket must surface as EPIPE, not kill us.
  sigaddset(&set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int WaitForShutdownSignal() {
  const sigset_t set = ShutdownSignals();
  int signal_number = 0;
  // sigwait fails only for an invalid set, which cannot happen here; retry
  // rather than report a signal that never came.
  while (sigwait(&set, &signal_number) != 0) {
  }
  return signal_number;
}

}  // namespace handover::rpc

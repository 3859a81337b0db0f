// Ctrl-C (SIGINT), SIGTERM and SIGHUP during a network command cancel the
// call in flight instead of killing the process, so the command can clean
// up (fetch removes its staging directory) and print one error line. A
// second signal ends the process at once.
//
// InstallInterruptHandler() must run on the main thread before any other
// thread starts (before the first gRPC channel): it blocks the signals in
// the calling thread, which every later thread inherits, and waits for
// them on a thread of its own. Everything else is thread-safe.
#ifndef HANDOVER_CLIENT_INTERRUPT_H_
#define HANDOVER_CLIENT_INTERRUPT_H_

#include <grpcpp/client_context.h>

namespace handover::cli {

void InstallInterruptHandler();

// True once a signal has arrived.
bool Interrupted();

// While alive, a signal cancels `context`'s call (at once if one already
// arrived).
class CancelOnInterrupt {
 public:
  explicit CancelOnInterrupt(grpc::ClientContext* context);
  ~CancelOnInterrupt();
  CancelOnInterrupt(const CancelOnInterrupt&) = delete;
  CancelOnInterrupt& operator=(const CancelOnInterrupt&) = delete;
};

}  // namespace handover::cli

#endif  // HANDOVER_CLIENT_INTERRUPT_H_

// Waiting for SIGTERM or SIGINT in a daemon's main thread, so that a
// shutdown can drain instead of dying mid-write. Install once, early, from
// main(), before other threads start (it blocks the signals in the calling
// thread, and new threads inherit the mask).
#ifndef HANDOVER_RPC_SHUTDOWN_SIGNAL_H_
#define HANDOVER_RPC_SHUTDOWN_SIGNAL_H_

namespace handover::rpc {

// Blocks SIGTERM, SIGINT and SIGPIPE for this thread and those it starts.
void BlockShutdownSignals();

// Returns the signal number once SIGTERM or SIGINT arrives.
int WaitForShutdownSignal();

}  // namespace handover::rpc

#endif  // HANDOVER_RPC_SHUTDOWN_SIGNAL_H_

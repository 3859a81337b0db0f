// Cancels a stream whose client keeps the daemon waiting too long in one
// read or write. A slowloris client that opens an upload and then trickles
// a byte a minute, or stops reading a download, would otherwise hold a
// handler thread and its temporary files for as long as it liked. Only time
// blocked on the client counts, never the daemon's own work (sealing,
// fsync), so a large transfer on a slow disk is never cut off.
//
// Thread-safe. One background thread checks the watched streams.
#ifndef HANDOVER_RPC_STALL_WATCHDOG_H_
#define HANDOVER_RPC_STALL_WATCHDOG_H_

#include <grpcpp/server_context.h>

#include <cstdint>
#include <optional>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"

namespace handover::rpc {

class StallWatchdog {
 public:
  // One stream under watch, from Watch() until destroyed.
  class Stream {
   public:
    Stream(const Stream&) = delete;
    Stream& operator=(const Stream&) = delete;
    ~Stream();

    // Runs `io`, one blocking Read or Write on the stream, under watch, and
    // returns what it returns.
    template <typename Io>
    bool Await(Io&& io) {
      watchdog_->SetWaiting(id_, true);
      const bool ok = io();
      watchdog_->SetWaiting(id_, false);
      return ok;
    }

   private:
    friend class StallWatchdog;
    Stream(StallWatchdog* watchdog, uint64_t id)
        : watchdog_(watchdog), id_(id) {}
    StallWatchdog* const watchdog_;
    const uint64_t id_;
  };

  // `timeout` must be positive; `setting` names the config key that sets
  // it, for the log line. `clock` must outlive the watchdog.
  StallWatchdog(absl::Duration timeout, std::string setting,
                const Clock* clock);
  StallWatchdog(const StallWatchdog&) = delete;
  StallWatchdog& operator=(const StallWatchdog&) = delete;
  ~StallWatchdog();

  // Watches the stream of `context`; `what` names it in the log line (the
  // RPC and the caller, never content). `context` must outlive the Stream.
  Stream Watch(grpc::ServerContextBase* context, std::string what);

  // Cancels every stream that has waited on its client for longer than the
  // timeout; returns how many. The background thread calls it; tests with
  // a FakeClock call it directly.
  int CancelStalled();

 private:
  struct Entry {
    grpc::ServerContextBase* context;
    std::string what;
    std::optional<absl::Time> waiting_since;
    bool cancelled = false;
  };

  void SetWaiting(uint64_t id, bool waiting);
  void Forget(uint64_t id);
  void CheckUntilStopped();

  const absl::Duration timeout_;
  const std::string setting_;
  const Clock* const clock_;
  absl::Mutex mu_;
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 0;
  absl::flat_hash_map<uint64_t, Entry> streams_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  // Last: starts once everything above is constructed.
  std::thread checker_;
};

}  // namespace handover::rpc

#endif  // HANDOVER_RPC_STALL_WATCHDOG_H_

// Bounds how many streaming calls one client may hold open at once, so a
// client that opens streams and never finishes them (uploads that stall, a
// submission trickling a byte at a time, idle watches) cannot pile up
// threads, open files and half-written temporaries without end. A call over
// the bound is refused at once with RESOURCE_EXHAUSTED, worded as passing
// ("try again later"); other clients are not affected.
//
// Thread-safe: one mutex guards the counts.
#ifndef HANDOVER_RPC_OPEN_STREAM_LIMITER_H_
#define HANDOVER_RPC_OPEN_STREAM_LIMITER_H_

#include <cstdint>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace handover::rpc {

class OpenStreamLimiter {
 public:
  // Holds one of a client's places until destroyed.
  class Slot {
   public:
    Slot(Slot&& other) noexcept;
    Slot& operator=(Slot&&) = delete;
    Slot(const Slot&) = delete;
    ~Slot();

   private:
    friend class OpenStreamLimiter;
    Slot(OpenStreamLimiter* limiter, std::string client)
        : limiter_(limiter), client_(std::move(client)) {}
    OpenStreamLimiter* limiter_;
    std::string client_;
  };

  // `per_client` must be at least 1; `setting` names the config key that
  // sets it, for the refusal's message.
  OpenStreamLimiter(int64_t per_client, std::string setting);
  OpenStreamLimiter(const OpenStreamLimiter&) = delete;
  OpenStreamLimiter& operator=(const OpenStreamLimiter&) = delete;

  // A place for one more stream of `client`, or ResourceExhausted if it
  // already holds per_client.
  absl::StatusOr<Slot> Enter(absl::string_view client);

 private:
  void Leave(const std::string& client);

  const int64_t per_client_;
  const std::string setting_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, int64_t> open_ ABSL_GUARDED_BY(mu_);
};

}  // namespace handover::rpc

#endif  // HANDOVER_RPC_OPEN_STREAM_LIMITER_H_

// Deletes ciphertext the router no longer needs: first the store forgets
// it (so nothing will try to push it), then the spool file goes. A crash in
// between leaves an orphan file, which start-up removes. Routing metadata
// stays. (When a receipt or a final delivery releases the ciphertext, the
// store forgets it in the same commit; the janitor then only removes the
// file.)
//
// Thread-safe.
#ifndef HANDOVER_ROUTER_CIPHERTEXT_JANITOR_H_
#define HANDOVER_ROUTER_CIPHERTEXT_JANITOR_H_

#include <optional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/clock.h"
#include "router/ciphertext_spool.h"
#include "router/router_store.h"

namespace handover::router {

class CiphertextJanitor {
 public:
  // Borrows everything.
  CiphertextJanitor(RouterStore* store, CiphertextSpool* spool,
                    const Clock* clock)
      : store_(store), spool_(spool), clock_(clock) {}

  // Marks `ref`'s ciphertext deleted in the store, then removes its file.
  absl::Status Delete(const CiphertextRef& ref);
  // After the store released ciphertext itself (DeliveryOutcome::released):
  // removes the spool file, if it had one. A failure is logged, not
  // returned: the file is an orphan that the next start-up removes.
  void RemoveReleased(const std::optional<CiphertextRef>& released);

 private:
  RouterStore* const store_;
  CiphertextSpool* const spool_;
  const Clock* const clock_;
};

}  // namespace handover::router

#endif  // HANDOVER_ROUTER_CIPHERTEXT_JANITOR_H_

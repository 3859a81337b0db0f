// The router's periodic housekeeping, one pass per RunOnce() (the daemon
// calls it every second; tests call it directly with a FakeClock):
//   - deliveries still pending at their envelope's expires_at end as
//     expired, with a router-signed non-delivery report (EXPIRED) to the
//     sender;
//   - deliveries waiting for an agency the directory now lists as revoked
//     end likewise (RECIPIENT_REVOKED);
//   - deliveries of envelopes signed by a key the directory marks
//     compromised, since they were signed or received, are held
//     (recall_hold.h), with a SENDER_KEY_COMPROMISED report to the sender;
//   - ciphertext is deleted once no recipient can still need it, and in any
//     case once it is older than [delivery] ciphertext_retention. Routing
//     metadata stays;
//   - withdrawals of transfers the router never held (WithdrawTransfer's
//     not_held) are forgotten after the same retention: by then the
//     sender's node has long stopped offering the transfer.
//
// Thread-safe, but passes must not overlap (one sweeping thread).
#ifndef HANDOVER_ROUTER_SWEEPER_H_
#define HANDOVER_ROUTER_SWEEPER_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "router/router_env.h"

namespace handover::router {

struct SweepCounts {
  int expired = 0;                // deliveries ended as expired
  int revoked = 0;                // deliveries ended as recipient revoked
  int held = 0;                   // deliveries held: sender key compromised
  int ciphertext_deleted = 0;     // envelopes whose ciphertext went
  int withdrawals_forgotten = 0;  // not-held withdrawals past retention
};

class Sweeper {
 public:
  // Borrows `env` (store, spool, janitor, directory, hub, signer, clock).
  Sweeper(const RouterEnv* env, absl::Duration ciphertext_retention)
      : env_(env), retention_(ciphertext_retention) {}

  absl::StatusOr<SweepCounts> RunOnce();

 private:
  absl::StatusOr<int> EndExpired();
  absl::StatusOr<int> EndRevoked();
  absl::StatusOr<int> HoldCompromised();
  absl::StatusOr<int> DeleteCiphertext();
  // PRUNED in the router's log: `transfer_id`'s ciphertext is gone.
  void RecordPruned(absl::string_view transfer_id, absl::string_view why);
  absl::StatusOr<int> ForgetWithdrawals();
  // Ends one delivery with a signed report.
  absl::StatusOr<DeliveryOutcome> EndDelivery(
      const OpenDelivery& delivery, DeliveryState state,
      handover::v1::NonDeliveryReason reason, absl::string_view detail);

  const RouterEnv* const env_;
  const absl::Duration retention_;
  int released_ = 0;  // ciphertext released by ended deliveries, this pass
  // The directory version whose compromised keys a whole hold pass has
  // covered: intake refuses what such a key signs and the mailbox checks
  // before each push, so one pass per directory version is enough.
  uint64_t held_through_version_ = 0;
};

}  // namespace handover::router

#endif  // HANDOVER_ROUTER_SWEEPER_H_

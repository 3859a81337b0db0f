// WithdrawTransfer: the sender takes back a transfer it superseded. In one
// store transaction, each recipient's copy still pending at the router is
// withdrawn (never pushed; kWithdrawn) with a router-signed non-delivery
// report (WITHDRAWN) queued for the sender, and the ciphertext is released
// once no copy needs it. Copies already pushed, stored, or ended are left
// as they are and reported as such. A transfer the router does not hold is
// remembered as withdrawn by the caller (not_held), so that a later upload
// of it by the caller is refused. Only the transfer's sender may withdraw
// it. Repeating a withdrawal changes nothing and queues no second report.
//
// Thread-safe.
#ifndef HANDOVER_ROUTER_WITHDRAWAL_H_
#define HANDOVER_ROUTER_WITHDRAWAL_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "handover/v1/router.pb.h"
#include "router/router_env.h"

namespace handover::router {

// The detail of every withdrawal report.
inline constexpr absl::string_view kWithdrawnDetail = "withdrawn by the sender";

class Withdrawal {
 public:
  // Borrows `env` (store, janitor, hub, signer, clock).
  explicit Withdrawal(const RouterEnv* env) : env_(env) {}

  // InvalidArgument unless `transfer_id` is 16 bytes; PermissionDenied if
  // the router holds it from another sender.
  absl::StatusOr<handover::v1::WithdrawTransferResponse> Withdraw(
      absl::string_view caller_id, absl::string_view transfer_id);

 private:
  // Signed reports for the copies of `transfer_id` pending now, or none if
  // the router does not hold it.
  absl::StatusOr<std::map<std::string, std::string>> PendingReports(
      absl::string_view caller_id, absl::string_view transfer_id);
  absl::StatusOr<WithdrawResult> WithdrawInStore(absl::string_view caller_id,
                                                 absl::string_view transfer_id);

  const RouterEnv* const env_;
};

// What a copy's state after a withdrawal means to the sender.
handover::v1::WithdrawnCopy::Outcome WithdrawalOutcome(DeliveryState state);

}  // namespace handover::router

#endif  // HANDOVER_ROUTER_WITHDRAWAL_H_

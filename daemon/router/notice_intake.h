// SubmitNotice: a recipient node hands the router a notice it signed, for
// the transfer's sender: a delivery receipt, or an acknowledgement (a
// person at the recipient took the transfer on). The router accepts only
// those two, signed by the caller's own agency with a key valid when the
// notice was issued, for a transfer it holds with the caller as a
// recipient, addressed to the transfer's sender and naming the very
// ciphertext hash the sender signed.
//
// A receipt marks that delivery receipted, is queued for the sender (once,
// however often it is submitted) and deletes the ciphertext once every
// delivery is final. An acknowledgement names an operator (1 to 64
// printable ASCII characters, as notice_signing.h checks for every notice)
// and, if it names a police alert, an alert id of the form "A-" + 32
// lower-case hex digits (InvalidArgument otherwise); it is accepted only once
// the caller's node holds the envelope (stored-at-node or receipted:
// FailedPrecondition before), and is queued for the sender once per
// (transfer, recipient). It changes no delivery state.
//
// Thread-safe.
#ifndef HANDOVER_ROUTER_NOTICE_INTAKE_H_
#define HANDOVER_ROUTER_NOTICE_INTAKE_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "handover/v1/notice.pb.h"
#include "router/router_env.h"

namespace handover::router {

class NoticeIntake {
 public:
  explicit NoticeIntake(const RouterEnv* env) : env_(env) {}

  absl::Status Submit(absl::string_view caller_id,
                      const handover::v1::SignedNotice& signed_notice);

 private:
  // Queue a notice that passed every check.
  absl::Status QueueReceipt(absl::string_view caller_id,
                            const handover::v1::Notice& notice,
                            const handover::v1::SignedNotice& signed_notice,
                            const EnvelopeRecord& envelope);
  absl::Status QueueAcknowledgement(
      absl::string_view caller_id, const handover::v1::Notice& notice,
      const handover::v1::SignedNotice& signed_notice,
      const EnvelopeRecord& envelope);

  const RouterEnv* const env_;
};

}  // namespace handover::router

#endif  // HANDOVER_ROUTER_NOTICE_INTAKE_H_

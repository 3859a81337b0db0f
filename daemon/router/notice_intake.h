// SubmitNotice: a recipient node hands the router the delivery receipt it
// signed, for the transfer's sender. The router accepts only receipts,
// signed by the caller's own agency with a key valid when the receipt was
// issued, for a transfer it holds with the caller as a recipient, naming
// the very ciphertext hash the sender signed. It then marks that delivery
// receipted, queues the receipt for the sender (once, however often it is
// submitted) and deletes the ciphertext once every delivery is final.
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
  const RouterEnv* const env_;
};

}  // namespace handover::router

#endif  // HANDOVER_ROUTER_NOTICE_INTAKE_H_

// The FetchTransfer call, below gRPC: opens one sealed inbox envelope with
// the key of this agency's key ring it is sealed to (node/key_ring.h), and
// streams it out through a function as a FetchHeader (after the bundle
// part), the attachments' bytes as AttachmentData messages of at most
// 1 MiB, and FetchEnd, written only after the opener has verified the
// final chunk. Memory is bounded by the bundle (at most 16 MiB) plus one
// outgoing message, whatever the attachment sizes.
//
// Validity is judged as of when the envelope was stored here, so a
// transfer that arrived in time can still be read after its expiry.
//
// Thread-safe: one handler serves every call; it keeps no per-call state.
#ifndef HANDOVER_NODE_API_FETCH_TRANSFER_H_
#define HANDOVER_NODE_API_FETCH_TRANSFER_H_

#include <functional>

#include "absl/status/status.h"
#include "handover/v1/node.pb.h"
#include "node/api/client_auth.h"
#include "node/api/node_service_env.h"

namespace handover::node::api {

// Writes one response; false once the client has gone.
using WriteFetchResponse =
    std::function<bool(const handover::v1::FetchTransferResponse&)>;

// Fetched attachment bytes go out in messages of at most this size.
inline constexpr size_t kMaxFetchDataBytes = 1 << 20;

class FetchTransferHandler {
 public:
  // Borrows `env`, which must outlive the handler.
  explicit FetchTransferHandler(const NodeServiceEnv* env) : env_(env) {}

  // NOT_FOUND for an id not in the inbox; UNAVAILABLE without a directory;
  // the opener's error (e.g. UNAUTHENTICATED, DATA_LOSS) if the envelope
  // fails to verify; CANCELLED if the client goes away.
  absl::Status Handle(const Caller& caller,
                      const handover::v1::FetchTransferRequest& request,
                      const WriteFetchResponse& write) const;

 private:
  const NodeServiceEnv* env_;
};

}  // namespace handover::node::api

#endif  // HANDOVER_NODE_API_FETCH_TRANSFER_H_

#ifndef HANDOVER_RPC_PROTOCOL_HEADERS_H_
#define HANDOVER_RPC_PROTOCOL_HEADERS_H_

#include <string_view>

namespace handover::rpc {

// Sent by the router as initial metadata once it has accepted a node's
// mailbox stream. A refused stream ends without it, so the node only reports
// its link as up when the router really took it.
inline constexpr std::string_view kMailboxOpenHeader = "handover-mailbox-open";

// Sent by the router as trailing metadata when it refuses a call because the
// caller's certificate is not in the directory (for example a renewed
// certificate not yet published). That is about the node, not the envelope:
// the node keeps the envelope queued and retries, so fixing the directory
// releases it. A revoked agency gets no trailer; its envelopes fail.
inline constexpr std::string_view kCallerRefusedTrailer =
    "handover-caller-refused";

}  // namespace handover::rpc

#endif  // HANDOVER_RPC_PROTOCOL_HEADERS_H_

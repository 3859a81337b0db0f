// A person at this agency takes an inbox transfer on: the node signs an
// Acknowledgement notice for the transfer's sender (who, when, and the
// ciphertext hash, so it names exactly what was received) and records it
// with the operator's note, queueing the notice in the same transaction.
// The note stays here: notices travel unencrypted past the router.
//
// Used by AcknowledgeTransfer (receivers) and AckAlert (the police control
// room). Free function; thread-safe.
#ifndef HANDOVER_NODE_API_ACKNOWLEDGEMENT_H_
#define HANDOVER_NODE_API_ACKNOWLEDGEMENT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "node/api/node_service_env.h"
#include "node/node_store.h"

namespace handover::node::api {

inline constexpr size_t kMaxOperatorIdBytes = 64;
inline constexpr size_t kMaxAcknowledgementNoteBytes = 2000;

// 1 to 64 printable ASCII characters; a note of at most 2000 bytes of
// valid UTF-8 without control characters other than newline and tab.
absl::Status CheckOperatorAndNote(absl::string_view operator_id,
                                  absl::string_view note);

// NOT_FOUND for a transfer not in the inbox. `alert_id` may be empty.
absl::StatusOr<InboxAcknowledgement> AcknowledgeInboxTransfer(
    const NodeServiceEnv& env, absl::string_view transfer_id,
    absl::string_view operator_id, absl::string_view note,
    absl::string_view alert_id);

}  // namespace handover::node::api

#endif  // HANDOVER_NODE_API_ACKNOWLEDGEMENT_H_

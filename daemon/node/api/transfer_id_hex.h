// Transfer ids as the local API writes them: 32 lower-case hex digits for
// the 16 bytes of the envelope's transfer id. Free functions; thread-safe.
#ifndef HANDOVER_NODE_API_TRANSFER_ID_HEX_H_
#define HANDOVER_NODE_API_TRANSFER_ID_HEX_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace handover::node::api {

std::string TransferIdToHex(absl::string_view transfer_id);

// The 16 bytes; INVALID_ARGUMENT unless `hex` is exactly 32 lower-case hex
// digits.
absl::StatusOr<std::string> TransferIdFromHex(absl::string_view hex);

}  // namespace handover::node::api

#endif  // HANDOVER_NODE_API_TRANSFER_ID_HEX_H_

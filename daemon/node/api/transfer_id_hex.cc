#include "node/api/transfer_id_hex.h"

#include "crypto/envelope_format.h"
#include "crypto/identity.h"

namespace handover::node::api {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

std::string TransferIdToHex(absl::string_view transfer_id) {
  return crypto::ToHex(transfer_id);
}

absl::StatusOr<std::string> TransferIdFromHex(absl::string_view hex) {
  const absl::Status bad = absl::InvalidArgumentError(
      "transfer_id must be 32 lower-case hex digits");
  if (hex.size() != 2 * crypto::kTransferIdBytes) return bad;
  std::string bytes;
  bytes.reserve(crypto::kTransferIdBytes);
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int high = HexValue(hex[i]);
    const int low = HexValue(hex[i + 1]);
    if (high < 0 || low < 0) return bad;
    bytes.push_back(static_cast<char>((high << 4) | low));
  }
  return bytes;
}

}  // namespace handover::node::api

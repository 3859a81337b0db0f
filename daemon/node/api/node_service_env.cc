#include "node/api/node_service_env.h"

#include "absl/strings/str_cat.h"
#include "node/api/transfer_id_hex.h"

namespace handover::node::api {

std::string OutboxEnvelopePath(const std::string& outbox_dir,
                               absl::string_view transfer_id) {
  return absl::StrCat(outbox_dir, "/", TransferIdToHex(transfer_id),
                      ".envelope");
}

}  // namespace handover::node::api

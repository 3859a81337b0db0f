#include "router/ciphertext_janitor.h"

#include <string>

#include "common/status_macros.h"
#include "crypto/identity.h"
#include "spdlog/spdlog.h"

namespace handover::router {

absl::Status CiphertextJanitor::Delete(const CiphertextRef& ref) {
  if (ref.location == CiphertextLocation::kDeleted) return absl::OkStatus();
  RETURN_IF_ERROR(
      store_->MarkCiphertextDeleted(ref.transfer_id, clock_->Now()));
  if (ref.location == CiphertextLocation::kSpool && !ref.spool_name.empty()) {
    RETURN_IF_ERROR(spool_->Remove(ref.spool_name));
  }
  spdlog::debug("transfer {}: ciphertext deleted",
                crypto::ToHex(ref.transfer_id));
  return absl::OkStatus();
}

void CiphertextJanitor::RemoveReleased(
    const std::optional<CiphertextRef>& released) {
  if (!released.has_value()) return;
  const std::string transfer = crypto::ToHex(released->transfer_id);
  if (released->location == CiphertextLocation::kSpool &&
      !released->spool_name.empty()) {
    absl::Status removed = spool_->Remove(released->spool_name);
    if (!removed.ok()) {
      spdlog::warn("transfer {}: spool file not removed: {}", transfer,
                   std::string(removed.message()));
      return;
    }
  }
  spdlog::debug("transfer {}: ciphertext deleted", transfer);
}

}  // namespace handover::router

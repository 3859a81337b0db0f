#include "harness/test_paths.h"

#include <cstdlib>
#include <string>

namespace handover::integration {

std::string RouterBinary() {
  return std::string(HANDOVER_BINARY_DIR) + "/daemon/router/handover-router";
}

std::string NodeBinary() {
  return std::string(HANDOVER_BINARY_DIR) + "/daemon/node/app/handover-node";
}

std::string CliBinary() {
  return std::string(HANDOVER_BINARY_DIR) + "/client/handover";
}

std::string DemoCertsDir() { return HANDOVER_INTEGRATION_CERTS_DIR; }

bool BuiltWithAddressSanitizer() {
#if defined(__SANITIZE_ADDRESS__)
  return true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  return true;
#else
  return false;
#endif
#else
  return false;
#endif
}

absl::Duration Scaled(absl::Duration base) {
  double scale = BuiltWithAddressSanitizer() ? 4.0 : 1.0;
  if (const char* env = std::getenv("HANDOVER_TIMEOUT_SCALE")) {
    const double factor = std::strtod(env, nullptr);
    if (factor > 0) scale *= factor;
  }
  return base * scale;
}

}  // namespace handover::integration

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

// GCC says __SANITIZE_ADDRESS__ / __SANITIZE_THREAD__, clang __has_feature.
#if defined(__has_feature)
#define HANDOVER_HAS_FEATURE(name) __has_feature(name)
#else
#define HANDOVER_HAS_FEATURE(name) 0
#endif

bool BuiltWithAddressSanitizer() {
#if defined(__SANITIZE_ADDRESS__) || HANDOVER_HAS_FEATURE(address_sanitizer)
  return true;
#else
  return false;
#endif
}

bool BuiltWithThreadSanitizer() {
#if defined(__SANITIZE_THREAD__) || HANDOVER_HAS_FEATURE(thread_sanitizer)
  return true;
#else
  return false;
#endif
}

absl::Duration Scaled(absl::Duration base) {
  // ThreadSanitizer slows every memory access, more than AddressSanitizer.
  double scale = BuiltWithThreadSanitizer()    ? 8.0
                 : BuiltWithAddressSanitizer() ? 4.0
                                               : 1.0;
  if (const char* env = std::getenv("HANDOVER_TIMEOUT_SCALE")) {
    const double factor = std::strtod(env, nullptr);
    if (factor > 0) scale *= factor;
  }
  return base * scale;
}

}  // namespace handover::integration

// Fuzzes the strict bundle readers (JSON and binary) and the validator.
#include <cstddef>
#include <cstdint>

#include "bundle/bundle_json.h"
#include "bundle/bundle_validate.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view input(reinterpret_cast<const char*>(data), size);
  auto from_json = handover::bundle::ParseBundleJson(input);
  if (from_json.ok()) {
    (void)handover::bundle::ValidateBundle(*from_json);
    auto json = handover::bundle::BundleToJson(*from_json);
    if (!json.ok()) __builtin_trap();
  }
  auto from_binary = handover::bundle::ParseBundleBinary(input);
  if (from_binary.ok()) (void)handover::bundle::ValidateBundle(*from_binary);
  return 0;
}

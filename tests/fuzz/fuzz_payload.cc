// Fuzzes the payload part parser, fed in runs whose size the first input
// byte chooses, as decrypted chunks would arrive.
#include <cstddef>
#include <cstdint>

#include "casefile/payload_format.h"

namespace {

class Discard final : public handover::casefile::PartHandler {
 public:
  absl::Status OnPartStart(const handover::casefile::PartHeader&) override {
    return absl::OkStatus();
  }
  absl::Status OnPartData(absl::string_view) override {
    return absl::OkStatus();
  }
  absl::Status OnPartEnd() override { return absl::OkStatus(); }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t step = 1 + data[0];
  absl::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  Discard discard;
  handover::casefile::PayloadReader reader(&discard);
  for (size_t i = 0; i < input.size(); i += step) {
    if (!reader.Feed(input.substr(i, step)).ok()) return 0;
  }
  (void)reader.Finish();
  return 0;
}

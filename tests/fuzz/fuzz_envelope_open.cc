// Fuzzes envelope parsing and opening: the head reader and the full opener,
// as a real recipient with the vector keys, so mutated inputs reach the
// signature check and (for the seed) the decryption loop.
#include <cstddef>
#include <cstdint>

#include "common/byte_stream.h"
#include "common/clock.h"
#include "crypto/opener.h"
#include "crypto/sodium_util.h"
#include "vectors/vector_recipe.h"

namespace {

const handover::vectors::VectorIdentities& Identities() {
  static const auto* ids = [] {
    if (!handover::crypto::InitSodium().ok()) __builtin_trap();
    auto made = handover::vectors::MakeIdentities();
    if (!made.ok()) __builtin_trap();
    return new handover::vectors::VectorIdentities(std::move(*made));
  }();
  return *ids;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto& ids = Identities();
  absl::string_view input(reinterpret_cast<const char*>(data), size);
  {
    handover::StringSource source(input);
    (void)handover::crypto::ReadEnvelopeHead(&source);
  }
  handover::FakeClock clock(absl::FromUnixSeconds(1798761600));
  handover::crypto::OpenOptions options;
  options.clock = &clock;
  handover::StringSource source(input);
  auto opener = handover::crypto::EnvelopeOpener::Open(
      &source, ids.recipients[0], ids.sender.public_identity(), options);
  if (!opener.ok()) return 0;
  std::string chunk;
  for (int i = 0; i < 1 << 16; ++i) {
    auto last = (*opener)->Next(&chunk);
    if (!last.ok() || *last) break;
  }
  return 0;
}

// Fuzzes the directory readers: signed-directory verification against a
// fixed trust root (the test-vector sender key, which also signed the seed
// in corpus/directory/), the unverified parser `directory show` uses, and
// the strict directory.json parser.
#include <cstddef>
#include <cstdint>

#include "crypto/sodium_util.h"
#include "directory/directory_json.h"
#include "directory/directory_view.h"
#include "directory/signed_directory.h"
#include "vectors/vector_recipe.h"

namespace {

const handover::crypto::PublicIdentity& TrustRoot() {
  static const auto* root = [] {
    if (!handover::crypto::InitSodium().ok()) __builtin_trap();
    auto ids = handover::vectors::MakeIdentities();
    if (!ids.ok()) __builtin_trap();
    return new handover::crypto::PublicIdentity(ids->sender.public_identity());
  }();
  return *root;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace directory = handover::directory;
  const auto& root = TrustRoot();
  absl::string_view input(reinterpret_cast<const char*>(data), size);
  auto verified = directory::VerifySignedDirectory(input, root, 0);
  // Whatever verifies must satisfy every rule the view relies on.
  if (verified.ok() &&
      !directory::DirectoryView::Create(*std::move(verified)).ok()) {
    __builtin_trap();
  }
  (void)directory::ParseSignedDirectoryUnverified(input);
  (void)directory::ParseDirectorySourceJson(input);
  return 0;
}

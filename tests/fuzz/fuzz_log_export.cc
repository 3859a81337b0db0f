// Fuzzes the delivery log export reader and verifier (exports come from
// outside: an auditor's copy, a file handed over by another agency): the
// bounded line reader, the strict JSON line parser and verification
// against a fixed key (the test-vector sender, which signed the tree heads
// of the seeds in corpus/log_export/).
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "crypto/sodium_util.h"
#include "deliverylog/log_export.h"
#include "vectors/vector_recipe.h"

namespace {

const handover::crypto::PublicIdentity& SignerKey() {
  static const auto* key = [] {
    if (!handover::crypto::InitSodium().ok()) __builtin_trap();
    auto ids = handover::vectors::MakeIdentities();
    if (!ids.ok()) __builtin_trap();
    return new handover::crypto::PublicIdentity(ids->sender.public_identity());
  }();
  return *key;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace deliverylog = handover::deliverylog;
  // A few lines at their longest: enough to reach every check.
  if (size > 8 * deliverylog::kMaxExportLineBytes) return 0;
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  auto report =
      deliverylog::VerifyExportStream(in, {SignerKey()}, std::nullopt);
  if (!report.ok()) return 0;
  // A report is either clean or says what is wrong.
  if (report->ok != report->problem.empty()) __builtin_trap();
  if (report->ok && report->first_bad_index.has_value()) __builtin_trap();
  if (report->latest_verified_head.has_value() &&
      report->latest_verified_head->tree_size() > report->entries) {
    __builtin_trap();
  }
  return 0;
}

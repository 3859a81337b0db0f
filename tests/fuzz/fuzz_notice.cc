// Fuzzes signed-notice verification (delivery receipts and non-delivery
// reports arrive from other agencies and the router): the bounded parse of
// a SignedNotice, the unverified peek used to find the signer, and
// verification against a fixed key (the test-vector sender, which signed
// the seed in corpus/notice/).
#include <cstddef>
#include <cstdint>

#include "crypto/sodium_util.h"
#include "handover/v1/notice.pb.h"
#include "notice/notice_signing.h"
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
  namespace notice = handover::notice;
  if (size > notice::kMaxSignedNoticeBytes) return 0;
  handover::v1::SignedNotice signed_notice;
  if (!signed_notice.ParseFromArray(data, static_cast<int>(size))) return 0;
  (void)notice::PeekNotice(signed_notice);
  auto verified = notice::VerifyNotice(signed_notice, {SignerKey()});
  // Whatever verifies must name the signer whose key verified it.
  if (verified.ok() && verified->signer_id() != SignerKey().agency_id) {
    __builtin_trap();
  }
  return 0;
}

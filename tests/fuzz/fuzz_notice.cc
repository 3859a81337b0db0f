// Fuzzes signed-notice verification (delivery receipts, acknowledgements
// and non-delivery reports arrive from other agencies and the router): the
// bounded parse of a SignedNotice, the unverified peek used to find the
// signer, and verification against a fixed key (the test-vector sender,
// which signed the seeds in corpus/notice/; fuzz_make_seeds made the
// acknowledgement ones). A receipt's log proof is fuzz_receipt_proof's part.
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
  // A verified acknowledgement has what the sender's node records from it
  // without further checks: the hash it names and a printable operator id.
  if (verified.ok() && verified->has_acknowledgement()) {
    const handover::v1::Acknowledgement& ack = verified->acknowledgement();
    if (ack.ciphertext_hash().size() != 32 || ack.operator_id().empty() ||
        ack.operator_id().size() > 64 || !ack.has_acknowledged_at()) {
      __builtin_trap();
    }
    for (char c : ack.operator_id()) {
      if (c < 0x20 || c > 0x7e) __builtin_trap();
    }
  }
  return 0;
}

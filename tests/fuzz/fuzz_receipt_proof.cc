// Fuzzes the sender's check of the log proof a delivery receipt carries
// (deliverylog::VerifyDeliveryProof): the recipient's DELIVERED entry, the
// tree head it signed and the entry's inclusion proof. The input is a
// serialized DeliveryReceipt; the receipt's notice signature is fuzz_notice's
// part. The recipient is the test-vector recipients[0], whose key signed the
// heads of the seeds in corpus/receipt_proof/ (made by fuzz_make_seeds), so
// mutations reach the Merkle check behind a valid signature.
//
// Beyond "no crash, no UB": whatever verifies names this copy's delivery in
// the recipient's own log, and every answer is one printable line, since
// the node writes it to its log and its delivery log.
#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"
#include "crypto/sodium_util.h"
#include "deliverylog/delivery_proof.h"
#include "fuzz/seed_fixture.h"
#include "google/protobuf/stubs/logging.h"
#include "handover/v1/notice.pb.h"
#include "notice/notice_signing.h"
#include "vectors/vector_recipe.h"

namespace {

const handover::crypto::PublicIdentity& RecipientKey() {
  static const auto* key = [] {
    if (!handover::crypto::InitSodium().ok()) __builtin_trap();
    // Mutated strings are often not UTF-8; protobuf's complaint about each
    // one would drown the fuzzer's output and slow it down.
    google::protobuf::SetLogHandler(nullptr);
    auto ids = handover::vectors::MakeIdentities();
    if (!ids.ok()) __builtin_trap();
    return new handover::crypto::PublicIdentity(
        ids->recipients[0].public_identity());
  }();
  return *key;
}

bool OnePrintableLine(absl::string_view text) {
  for (char c : text) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return !text.empty();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace fuzz = handover::fuzz;
  const auto& key = RecipientKey();
  // A receipt travels inside a notice, which is bounded before parsing.
  if (size > handover::notice::kMaxSignedNoticeBytes) return 0;
  handover::v1::DeliveryReceipt receipt;
  if (!receipt.ParseFromArray(data, static_cast<int>(size))) return 0;
  auto proven = handover::deliverylog::VerifyDeliveryProof(
      receipt, key.agency_id, fuzz::kReceiptTransferId,
      fuzz::kReceiptCiphertextHash, {key});
  if (!proven.ok()) {
    if (!OnePrintableLine(proven.status().message())) __builtin_trap();
    return 0;
  }
  if (!OnePrintableLine(*proven)) __builtin_trap();
  const handover::v1::LogEntry& entry = receipt.log_entry();
  if (entry.event() != handover::v1::LOG_EVENT_KIND_DELIVERED ||
      entry.transfer_id() != fuzz::kReceiptTransferId ||
      entry.envelope_hash() != fuzz::kReceiptCiphertextHash ||
      entry.recipient() != key.agency_id ||
      receipt.log_head().log_id() != key.agency_id ||
      entry.index() >= receipt.log_head().tree_size()) {
    __builtin_trap();
  }
  return 0;
}

// What the generated seeds and the targets that read them agree on: the
// transfer and ciphertext a receipt's log proof must name. The keys are the
// test-vector identities (tests/vectors/vector_recipe.h): the recipient
// that logs the delivery and signs the tree head is recipients[0].
#ifndef HANDOVER_TESTS_FUZZ_SEED_FIXTURE_H_
#define HANDOVER_TESTS_FUZZ_SEED_FIXTURE_H_

#include "absl/strings/string_view.h"

namespace handover::fuzz {

inline constexpr absl::string_view kReceiptTransferId = "receipt-transfer";
inline constexpr absl::string_view kReceiptCiphertextHash =
    "ciphertext-hash-of-the-envelope!";  // 32 bytes

}  // namespace handover::fuzz

#endif  // HANDOVER_TESTS_FUZZ_SEED_FIXTURE_H_

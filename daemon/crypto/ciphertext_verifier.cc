#include "crypto/ciphertext_verifier.h"

#include <sodium.h>

#include "absl/strings/str_cat.h"
#include "crypto/envelope_errors.h"
#include "crypto/secret_bytes.h"

namespace handover::crypto {
namespace {

const unsigned char* U(absl::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

absl::Status AlreadyFinished() {
  return absl::FailedPreconditionError(
      "ciphertext verification has already finished or failed");
}

}  // namespace

// The same hash the sealer computes and the opener checks: BLAKE2b-256 of
// kCiphertextHashContext followed by every ciphertext byte in order (the
// secretstream header, then each frame). Hashing is byte-for-byte, so how
// the bytes arrive in pieces does not matter.
struct CiphertextVerifier::State {
  crypto_generichash_state hash;
};

CiphertextVerifier::CiphertextVerifier(const EnvelopeHeader& header)
    : state_(std::make_unique<State>()),
      expected_(header.CiphertextSize()),
      signed_hash_(header.ciphertext_hash) {
  crypto_generichash_init(&state_->hash, nullptr, 0, kCiphertextHashBytes);
  crypto_generichash_update(&state_->hash, U(kCiphertextHashContext),
                            kCiphertextHashContext.size());
}

CiphertextVerifier::~CiphertextVerifier() = default;

absl::Status CiphertextVerifier::Update(absl::string_view ciphertext) {
  if (finished_) return AlreadyFinished();
  if (ciphertext.size() > expected_ - seen_) {
    finished_ = true;
    return EnvelopeError(absl::StatusCode::kInvalidArgument,
                         EnvelopeFailure::kTrailingData,
                         absl::StrCat("ciphertext is longer than the ",
                                      expected_, " bytes its header declares"));
  }
  crypto_generichash_update(&state_->hash, U(ciphertext), ciphertext.size());
  seen_ += ciphertext.size();
  return absl::OkStatus();
}

absl::Status CiphertextVerifier::Finish() {
  if (finished_) return AlreadyFinished();
  finished_ = true;
  if (seen_ != expected_) {
    return EnvelopeError(absl::StatusCode::kInvalidArgument,
                         EnvelopeFailure::kTruncated,
                         absl::StrCat("ciphertext is truncated: ", seen_,
                                      " of ", expected_, " bytes"));
  }
  unsigned char hash[kCiphertextHashBytes];
  crypto_generichash_final(&state_->hash, hash, sizeof hash);
  if (!ConstantTimeEquals(
          absl::string_view(reinterpret_cast<const char*>(hash), sizeof hash),
          signed_hash_)) {
    return EnvelopeError(absl::StatusCode::kInvalidArgument,
                         EnvelopeFailure::kCiphertextHashMismatch,
                         "ciphertext differs from the one the sender signed");
  }
  return absl::OkStatus();
}

}  // namespace handover::crypto

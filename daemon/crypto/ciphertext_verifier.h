// Checks an envelope's ciphertext against its signed header while it
// streams past, without any key: the length must equal the header's
// CiphertextSize() and the keyed BLAKE2b hash must equal the signed
// ciphertext_hash. Relays (the router, a receiving node before it stores)
// use it so a tampered or truncated envelope is refused at the first hop
// that sees it. Not thread-safe.
#ifndef HANDOVER_CRYPTO_CIPHERTEXT_VERIFIER_H_
#define HANDOVER_CRYPTO_CIPHERTEXT_VERIFIER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "crypto/envelope_format.h"

namespace handover::crypto {

class CiphertextVerifier {
 public:
  explicit CiphertextVerifier(const EnvelopeHeader& header);
  ~CiphertextVerifier();
  CiphertextVerifier(const CiphertextVerifier&) = delete;
  CiphertextVerifier& operator=(const CiphertextVerifier&) = delete;

  // Feeds the next ciphertext bytes. InvalidArgument (with an
  // EnvelopeFailure payload) once more bytes arrive than the header allows.
  absl::Status Update(absl::string_view ciphertext);

  // InvalidArgument if the length is short or the hash differs. Once Update
  // or Finish has failed, or Finish has been called, every later call fails.
  absl::Status Finish();

  uint64_t bytes_seen() const { return seen_; }

 private:
  struct State;
  std::unique_ptr<State> state_;
  uint64_t expected_;
  uint64_t seen_ = 0;
  bool finished_ = false;  // Finish called or a failure reported
  std::string signed_hash_;
};

}  // namespace handover::crypto

#endif  // HANDOVER_CRYPTO_CIPHERTEXT_VERIFIER_H_

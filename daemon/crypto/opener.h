// Reading envelopes: ReadEnvelopeHead parses everything before the
// ciphertext without any key (for `handover inspect`); EnvelopeOpener then
// verifies and decrypts as one recipient.
//
// The opener checks, in this order and before decrypting anything: the
// sender's key id and signature, that the opener is a listed recipient, the
// validity window, the wrapped key and the key commitment. It then decrypts
// chunk by chunk. Decrypted chunks are NOT trustworthy until Next() reports
// the last chunk, because only then are the final tag, the ciphertext hash
// and the absence of trailing data confirmed: callers stage plaintext in a
// temporary place and publish it only after that.
//
// The opener borrows `source` and `recipient`. Not thread-safe.
#ifndef HANDOVER_CRYPTO_OPENER_H_
#define HANDOVER_CRYPTO_OPENER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/byte_stream.h"
#include "common/clock.h"
#include "crypto/envelope_errors.h"
#include "crypto/envelope_format.h"
#include "crypto/identity.h"

namespace handover::crypto {

struct EnvelopeHead {
  std::string signed_header;  // prefix || header
  EnvelopeHeader header;
  std::string signature;
  std::vector<std::string> wrapped_keys;
};

// Reads and strictly parses the head. Verifies nothing cryptographically.
absl::StatusOr<EnvelopeHead> ReadEnvelopeHead(ByteSource* source);

// Checks `head`'s signature against `sender` (key id, agency id, then the
// Ed25519 signature). Used by the opener and, without decrypting, by relays.
absl::Status VerifyEnvelopeSignature(const EnvelopeHead& head,
                                     const PublicIdentity& sender);

struct OpenOptions {
  const Clock* clock = &SystemClock::Get();
  // How far ahead of our clock a sender's created_at may be.
  absl::Duration max_clock_skew = absl::Minutes(10);
};

class EnvelopeOpener {
 public:
  static absl::StatusOr<std::unique_ptr<EnvelopeOpener>> Open(
      ByteSource* source, const SecretIdentity& recipient,
      const PublicIdentity& sender, const OpenOptions& options);
  ~EnvelopeOpener();
  EnvelopeOpener(const EnvelopeOpener&) = delete;
  EnvelopeOpener& operator=(const EnvelopeOpener&) = delete;

  const EnvelopeHeader& header() const;

  // Decrypts the next chunk into `plaintext`. Returns true when that was the
  // last chunk and the whole envelope has verified; false when more follow.
  absl::StatusOr<bool> Next(std::string* plaintext);

 private:
  struct State;
  explicit EnvelopeOpener(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace handover::crypto

#endif  // HANDOVER_CRYPTO_OPENER_H_

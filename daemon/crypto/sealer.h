// EnvelopeSealer encrypts a plaintext stream for a fixed set of recipients
// and signs the result, writing the envelope of docs/FORMAT.md to a ByteSink.
//
// Memory use is one chunk (64 KiB by default) whatever the plaintext size.
// The header goes first in the output but depends on the ciphertext hash, so
// the sealer reserves its space, streams the ciphertext after it, and fills
// it in at Finish() with ByteSink::WriteAt. Until Finish() succeeds the sink
// holds an incomplete envelope; callers write to a temporary file and rename.
//
// The sealer borrows `sender` and `sink`, which must outlive it. Not
// thread-safe.
#ifndef HANDOVER_CRYPTO_SEALER_H_
#define HANDOVER_CRYPTO_SEALER_H_

#include <memory>
#include <string>

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/byte_stream.h"
#include "common/clock.h"
#include "crypto/envelope_format.h"
#include "crypto/identity.h"

namespace handover::crypto {

inline constexpr absl::string_view kCaseBundleContentType =
    "application/vnd.handover.case-bundle.v1";

struct SealOptions {
  // 16 bytes; empty means a fresh random id.
  std::string transfer_id;
  // created_at is the clock's time when Create() runs.
  const Clock* clock = &SystemClock::Get();
  absl::Duration time_to_live = absl::Hours(24 * 5);
  std::string content_type = std::string(kCaseBundleContentType);
  uint32_t chunk_size = kDefaultChunkSize;
};

class EnvelopeSealer {
 public:
  static absl::StatusOr<std::unique_ptr<EnvelopeSealer>> Create(
      const SecretIdentity& sender,
      const std::vector<PublicIdentity>& recipients, const SealOptions& options,
      ByteSink* sink);
  ~EnvelopeSealer();
  EnvelopeSealer(const EnvelopeSealer&) = delete;
  EnvelopeSealer& operator=(const EnvelopeSealer&) = delete;

  // Appends plaintext. May be called any number of times with any sizes.
  absl::Status Write(absl::string_view plaintext);
  // Seals the final chunk, signs the header and writes it in place. Returns
  // the header as signed. The sealer is unusable afterwards.
  absl::StatusOr<EnvelopeHeader> Finish();

  const std::string& transfer_id() const;

 private:
  struct State;
  explicit EnvelopeSealer(std::unique_ptr<State> state);
  absl::Status EmitChunk(bool final);

  std::unique_ptr<State> state_;
};

}  // namespace handover::crypto

#endif  // HANDOVER_CRYPTO_SEALER_H_

// Envelope failures carry a stable machine-readable reason as a Status
// payload, so callers and tests can tell one rejection from another without
// parsing messages. The code follows absl's meanings: Unauthenticated for a
// signature that does not verify, DataLoss for a corrupted stream,
// PermissionDenied for a reader who is not a recipient, and so on.
#ifndef HANDOVER_CRYPTO_ENVELOPE_ERRORS_H_
#define HANDOVER_CRYPTO_ENVELOPE_ERRORS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace handover::crypto {

enum class EnvelopeFailure {
  kNone,
  kNotAnEnvelope,           // wrong magic
  kUnknownVersion,          // a format version this build does not speak
  kMalformedHeader,         // violates the header grammar
  kHeaderTooLarge,          // header_length over the limit
  kWrongSenderKey,          // signed by a key other than the expected one
  kBadSignature,            // signature does not verify over the header
  kNotARecipient,           // the opener is not listed
  kExpired,                 // expires_at has passed
  kNotYetValid,             // created_at is further ahead than clock skew
  kBadWrappedKey,           // the opener's wrapped key does not open
  kKeyCommitmentMismatch,   // unwrapped key is not the one the sender signed
  kTruncated,               // input ends before the final chunk
  kChunkOutOfOrder,         // a chunk index is not the next one
  kChunkAuthFailed,         // a chunk fails authenticated decryption
  kBadStreamTag,            // final tag missing or early
  kTrailingData,            // bytes after the final chunk
  kCiphertextHashMismatch,  // ciphertext is not what the sender signed
  kMalformedPayload,        // decrypted payload violates its grammar
};

absl::Status EnvelopeError(absl::StatusCode code, EnvelopeFailure failure,
                           absl::string_view message);

// The failure recorded in `status`, or kNone.
EnvelopeFailure FailureOf(const absl::Status& status);

absl::string_view FailureName(EnvelopeFailure failure);

}  // namespace handover::crypto

#endif  // HANDOVER_CRYPTO_ENVELOPE_ERRORS_H_

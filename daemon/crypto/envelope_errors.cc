#include "crypto/envelope_errors.h"

#include <array>

#include "absl/strings/cord.h"

namespace handover::crypto {
namespace {

constexpr absl::string_view kPayloadUrl = "type.handover/envelope-failure";

constexpr std::array<absl::string_view, 19> kNames = {
    "none",
    "not_an_envelope",
    "unknown_version",
    "malformed_header",
    "header_too_large",
    "wrong_sender_key",
    "bad_signature",
    "not_a_recipient",
    "expired",
    "not_yet_valid",
    "bad_wrapped_key",
    "key_commitment_mismatch",
    "truncated",
    "chunk_out_of_order",
    "chunk_auth_failed",
    "bad_stream_tag",
    "trailing_data",
    "ciphertext_hash_mismatch",
    "malformed_payload",
};

}  // namespace

absl::string_view FailureName(EnvelopeFailure failure) {
  return kNames[static_cast<size_t>(failure)];
}

absl::Status EnvelopeError(absl::StatusCode code, EnvelopeFailure failure,
                           absl::string_view message) {
  absl::Status status(code, message);
  status.SetPayload(kPayloadUrl, absl::Cord(FailureName(failure)));
  return status;
}

EnvelopeFailure FailureOf(const absl::Status& status) {
  auto payload = status.GetPayload(kPayloadUrl);
  if (!payload.has_value()) return EnvelopeFailure::kNone;
  std::string name(*payload);
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<EnvelopeFailure>(i);
  }
  return EnvelopeFailure::kNone;
}

}  // namespace handover::crypto

// Sealed envelope files made in the test, for submitting straight to the
// router as a node would (or as an impostor would). Free functions;
// thread-safe.
#ifndef HANDOVER_TESTS_INTEGRATION_HARNESS_ENVELOPES_H_
#define HANDOVER_TESTS_INTEGRATION_HARNESS_ENVELOPES_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "crypto/envelope_format.h"
#include "crypto/identity.h"

namespace handover::integration {

// Seals MinimalBundle(`reference`) from `sender` to `recipients` into
// `out_path`, valid for `time_to_live`. Returns the signed header (its
// transfer_id is raw bytes: hex it for the node API).
absl::StatusOr<crypto::EnvelopeHeader> SealTestEnvelope(
    const crypto::SecretIdentity& sender,
    const std::vector<crypto::PublicIdentity>& recipients,
    absl::string_view reference, const std::string& out_path,
    absl::Duration time_to_live = absl::Hours(1));

// Flips one bit of the envelope's signature in place.
absl::Status CorruptEnvelopeSignature(const std::string& path);

}  // namespace handover::integration

#endif  // HANDOVER_TESTS_INTEGRATION_HARNESS_ENVELOPES_H_

// The recipe behind the committed test vectors in tests/vectors/v1/: fixed
// key seeds, a fixed transfer id and time, and a deterministic stand-in for
// libsodium's random generator, so sealing is reproducible byte for byte.
#ifndef HANDOVER_TESTS_VECTORS_VECTOR_RECIPE_H_
#define HANDOVER_TESTS_VECTORS_VECTOR_RECIPE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "crypto/identity.h"
#include "crypto/sealer.h"

namespace handover::vectors {

// Installs the deterministic generator. Must run before sodium_init().
void InstallDeterministicRandom();
// Restarts the deterministic sequence from its first byte.
void ResetDeterministicRandom();

struct VectorIdentities {
  crypto::SecretIdentity sender;
  std::vector<crypto::SecretIdentity> recipients;
};

// Identities derived from fixed seeds (see vector.txt for the seeds).
absl::StatusOr<VectorIdentities> MakeIdentities();

// The plaintext sealed in the vector: 2,500 bytes, three 1 KiB chunks.
std::string VectorPlaintext();

crypto::SealOptions VectorSealOptions();

// Seals the vector plaintext; call ResetDeterministicRandom() first.
absl::StatusOr<std::string> SealVector(const VectorIdentities& ids);

}  // namespace handover::vectors

#endif  // HANDOVER_TESTS_VECTORS_VECTOR_RECIPE_H_

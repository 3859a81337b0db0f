// Test inputs and checks that need no daemon: a small valid case bundle,
// large files written and hashed in chunks (never held whole in memory),
// SHA-256 digests and random tokens. Free functions; thread-safe.
#ifndef HANDOVER_TESTS_INTEGRATION_HARNESS_TEST_DATA_H_
#define HANDOVER_TESTS_INTEGRATION_HARNESS_TEST_DATA_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "handover/v1/bundle.pb.h"

namespace handover::integration {

// A bundle that passes ValidateBundle with the fewest fields: metadata and a
// child's (made-up) name. `reference` goes into metadata.sender_reference,
// so a test can recognise the bundle when it comes out the other end.
handover::v1::CaseBundle MinimalBundle(absl::string_view reference);

// Writes `size` pseudo-random bytes derived from `seed` to `path` (mode
// 0600), one MiB at a time.
absl::Status WriteTestFile(const std::string& path, uint64_t size,
                           uint64_t seed);

// Lower-case hex SHA-256 of a file, read one MiB at a time.
absl::StatusOr<std::string> Sha256OfFile(const std::string& path);

// Lower-case hex SHA-256 of `bytes`.
std::string Sha256Hex(absl::string_view bytes);

// 32 random bytes as 64 hex digits, for bearer tokens and idempotency keys.
std::string RandomHex(size_t bytes = 32);

// Lower-case hex of `bytes`, and back (InvalidArgument on bad hex).
std::string ToHex(absl::string_view bytes);
absl::StatusOr<std::string> FromHex(absl::string_view hex);

}  // namespace handover::integration

#endif  // HANDOVER_TESTS_INTEGRATION_HARNESS_TEST_DATA_H_

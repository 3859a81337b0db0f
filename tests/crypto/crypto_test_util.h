// Helpers shared by the crypto tests: identities and in-memory seal/open.
#ifndef HANDOVER_TESTS_CRYPTO_CRYPTO_TEST_UTIL_H_
#define HANDOVER_TESTS_CRYPTO_CRYPTO_TEST_UTIL_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/byte_stream.h"
#include "common/clock.h"
#include "crypto/identity.h"
#include "crypto/opener.h"
#include "crypto/sealer.h"

namespace handover::crypto::testing {

inline const absl::Time kSealTime = absl::FromUnixSeconds(1790000000);

inline std::string PatternBytes(size_t n) {
  std::string out(n, '\0');
  for (size_t i = 0; i < n; ++i)
    out[i] = static_cast<char>((i * 131 + 7) % 251);
  return out;
}

inline absl::StatusOr<std::string> SealToString(
    const SecretIdentity& sender, const std::vector<PublicIdentity>& to,
    absl::string_view plaintext, SealOptions options = {}) {
  static const FakeClock seal_clock(kSealTime);
  if (options.clock == &SystemClock::Get()) options.clock = &seal_clock;
  StringSink sink;
  auto sealer = EnvelopeSealer::Create(sender, to, options, &sink);
  if (!sealer.ok()) return sealer.status();
  // Uneven writes exercise the chunk buffering.
  size_t step = 1;
  while (!plaintext.empty()) {
    size_t take = std::min(step, plaintext.size());
    if (auto s = (*sealer)->Write(plaintext.substr(0, take)); !s.ok()) return s;
    plaintext.remove_prefix(take);
    step = step * 3 + 1;
  }
  auto header = (*sealer)->Finish();
  if (!header.ok()) return header.status();
  return sink.data();
}

inline absl::StatusOr<std::string> OpenFromString(absl::string_view envelope,
                                                  const SecretIdentity& me,
                                                  const PublicIdentity& sender,
                                                  absl::Time now = kSealTime) {
  FakeClock clock(now);
  OpenOptions options;
  options.clock = &clock;
  StringSource source(envelope);
  auto opener = EnvelopeOpener::Open(&source, me, sender, options);
  if (!opener.ok()) return opener.status();
  std::string out, chunk;
  for (bool last = false; !last;) {
    auto next = (*opener)->Next(&chunk);
    if (!next.ok()) return next.status();
    last = *next;
    out += chunk;
  }
  return out;
}

}  // namespace handover::crypto::testing

#endif  // HANDOVER_TESTS_CRYPTO_CRYPTO_TEST_UTIL_H_

// Builders for directory tests: agencies with real keys, and a valid
// directory to break one rule at a time.
#ifndef HANDOVER_TESTS_DIRECTORY_DIRECTORY_TEST_UTIL_H_
#define HANDOVER_TESTS_DIRECTORY_DIRECTORY_TEST_UTIL_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "crypto/identity.h"
#include "google/protobuf/timestamp.pb.h"
#include "handover/v1/directory.pb.h"

namespace handover::directory::testing {

// 2026-01-01T00:00:00Z.
inline const absl::Time kT0 = absl::FromUnixSeconds(1767225600);

google::protobuf::Timestamp Ts(absl::Time t);

// A fresh identity for `id`; aborts the test binary if libsodium fails.
crypto::SecretIdentity NewIdentity(const std::string& id);

// A key valid over [not_before, not_after).
handover::v1::AgencyKey KeyOf(const crypto::PublicIdentity& identity,
                              absl::Time not_before, absl::Time not_after);

// An ACTIVE agency with one key valid for a year from kT0, a TLS
// fingerprint derived from the id, and the given areas.
handover::v1::Agency ActiveAgency(const std::string& id,
                                  handover::v1::AgencyKind kind,
                                  const std::vector<std::string>& areas,
                                  const crypto::PublicIdentity& key);

// Version `version`, issued at kT0, with stockport-cs (children's
// services, E08000007) and gmp (police, E08000001-E08000010), each with a
// fresh key.
handover::v1::Directory ValidDirectory(uint64_t version = 1);

}  // namespace handover::directory::testing

#endif  // HANDOVER_TESTS_DIRECTORY_DIRECTORY_TEST_UTIL_H_

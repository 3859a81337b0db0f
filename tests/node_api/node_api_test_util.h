// Shared pieces for the node API tests: three agencies with real keys, a
// directory that lists them (plus a revoked one and one whose key is not
// yet live), and a minimal valid case bundle.
#ifndef HANDOVER_TESTS_NODE_API_NODE_API_TEST_UTIL_H_
#define HANDOVER_TESTS_NODE_API_NODE_API_TEST_UTIL_H_

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "crypto/identity.h"
#include "directory/directory_view.h"
#include "handover/v1/bundle.pb.h"
#include "handover/v1/directory.pb.h"

namespace handover::node::api::testing {

// 2026-01-01T00:00:00Z; every key in the test directory is valid for a
// year from here, except the not-yet-live one.
inline const absl::Time kT0 = absl::FromUnixSeconds(1767225600);
inline const absl::Time kNow = kT0 + absl::Hours(24);

inline constexpr char kOwnId[] = "stockport-cs";
inline constexpr char kPeerId[] = "birmingham-cs";
inline constexpr char kPoliceId[] = "west-midlands-police";
inline constexpr char kRevokedId[] = "revoked-agency";
inline constexpr char kNotYetLiveId[] = "future-agency";

// The secret identities behind the directory's keys, made once per process.
const crypto::SecretIdentity& Identity(const std::string& agency_id);

// The directory of the agencies above, version `version`.
handover::v1::Directory TestDirectory(uint64_t version = 1);
std::shared_ptr<const directory::DirectoryView> TestDirectoryView();

// A bundle ValidateBundle accepts, with no attachments listed.
handover::v1::CaseBundle MinimalBundle();

}  // namespace handover::node::api::testing

#endif  // HANDOVER_TESTS_NODE_API_NODE_API_TEST_UTIL_H_

// Building, signing and reading test directories in C++: the same
// handover.v1.Directory the authority signs with `handover directory sign`,
// without the JSON step. Free functions; thread-safe.
#ifndef HANDOVER_TESTS_INTEGRATION_HARNESS_DIRECTORY_BUILDER_H_
#define HANDOVER_TESTS_INTEGRATION_HARNESS_DIRECTORY_BUILDER_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "crypto/identity.h"
#include "handover/v1/directory.pb.h"

namespace handover::integration {

// A key entry valid from `not_before` (inclusive) to `not_after`.
handover::v1::AgencyKey MakeAgencyKey(const crypto::PublicIdentity& key,
                                      absl::Time not_before,
                                      absl::Time not_after);

// The agency with `id` in `directory`, or null.
handover::v1::Agency* FindAgency(handover::v1::Directory* directory,
                                 absl::string_view id);
const handover::v1::Agency* FindAgency(const handover::v1::Directory& directory,
                                       absl::string_view id);

// Marks the agency revoked (at `when`). NotFound if it is not listed.
absl::Status RevokeAgency(handover::v1::Directory* directory,
                          absl::string_view id, absl::Time when);

// Every key the agency lists, as identities for notice::VerifyNotice.
std::vector<crypto::PublicIdentity> PublicKeysOf(
    const handover::v1::Agency& agency);

// Signs `directory` with `authority` (directory::SignDirectory) and writes
// the signed bytes to `path` atomically, as an operator would replace the
// router's file.
absl::Status WriteSignedDirectory(const handover::v1::Directory& directory,
                                  const crypto::SecretIdentity& authority,
                                  const std::string& path);

}  // namespace handover::integration

#endif  // HANDOVER_TESTS_INTEGRATION_HARNESS_DIRECTORY_BUILDER_H_

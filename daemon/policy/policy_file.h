// Reading a view policy from TOML (docs/POLICY.md shows the format, and
// docs/examples/view-policy.toml is the built-in policy written as a file):
//
//   [police_force]                       # one table per agency kind
//   fields = ["identity", "risk.self_harm", "contacts"]
//   attachment_labels = ["photo"]        # or ["*"] for every attachment
//
// The reader is as strict as daemon/config's: a table for every kind in
// PolicyAgencyKinds() and no other, both keys in each, every selector and
// label valid (kind_policy.h), no unknown keys. It reports every mistake at
// once, one line each as "SOURCE:LINE: TEXT" (config/problems.h), with
// InvalidArgument, or ResourceExhausted for text over
// kMaxViewPolicyFileBytes. Free functions; thread-safe.
#ifndef HANDOVER_POLICY_POLICY_FILE_H_
#define HANDOVER_POLICY_POLICY_FILE_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "policy/view_policy.h"

namespace handover::policy {

// A policy is a few dozen lines; anything over 1 MiB is a mistake.
inline constexpr uint64_t kMaxViewPolicyFileBytes = 1 << 20;

// `source` names the text in every message, e.g. the file's path.
absl::StatusOr<ViewPolicy> ParseViewPolicy(absl::string_view text,
                                           absl::string_view source);

// Reads `path` (NotFound if missing; ResourceExhausted, checked before
// reading, if over the bound) and parses it with the path as its source.
absl::StatusOr<ViewPolicy> LoadViewPolicyFile(const std::string& path);

}  // namespace handover::policy

#endif  // HANDOVER_POLICY_POLICY_FILE_H_

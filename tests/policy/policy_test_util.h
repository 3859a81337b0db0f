// Helpers for the view policy tests: a bundle with every field of the
// schema set somewhere, and reflection walks over what a view carries.
#ifndef HANDOVER_TESTS_POLICY_POLICY_TEST_UTIL_H_
#define HANDOVER_TESTS_POLICY_POLICY_TEST_UTIL_H_

#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "handover/v1/bundle.pb.h"
#include "policy/kind_policy.h"

namespace handover::testing {

// docs/examples/child-bundle.json with the few fields it leaves out filled
// in, two more attachments (a grab pack, and a medical letter) and a move
// notice, so that every field of the schema is set somewhere. It passes
// ValidateBundle.
absl::StatusOr<handover::v1::CaseBundle> FullBundle();

// The fields ("Identity.gender_description") of every handover.v1 message
// type reachable from `message`'s type that no instance inside `message`
// sets.
std::set<std::string> NeverSetFields(const google::protobuf::Message& message);

// The set fields of a bundle, two levels deep: a section that is a single
// message gives one path per set field inside it ("risk.self_harm"); any
// other section gives its own name ("contacts").
std::vector<std::string> SetFieldPaths(const handover::v1::CaseBundle& bundle);

// Whether `message` or any message inside it holds unknown fields.
bool HasUnknownFields(const google::protobuf::Message& message);

// Whether `policy` allows `path` (as SetFieldPaths writes it) in a view:
// metadata and move always, attachments never (they are checked by
// label), and anything a selector covers.
bool PolicyAllowsPath(const handover::policy::KindPolicy& policy,
                      const std::string& path);

// Every field, of every handover.v1 message, that a view under `policy` may
// carry: its selectors' sections and fields, metadata, move, and
// everything inside them, as "Message.field" ("CaseBundle.identity",
// "Alias.name").
std::set<std::string> ReachableFields(
    const handover::policy::KindPolicy& policy);

}  // namespace handover::testing

#endif  // HANDOVER_TESTS_POLICY_POLICY_TEST_UTIL_H_

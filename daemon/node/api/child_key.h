// ChildKey: the 32 bytes by which the sending node recognises that two
// move notices are about the same child, so a later move can supersede an
// earlier one still undelivered (follow the child).
//
// SHA-256 over a domain-separation prefix and the child's strongest
// identifier in the bundle: the NHS number if there is one, else every
// local case-system id (sorted, so their order does not matter), else the
// names and date of birth. It is kept only in this node's own store, which
// already holds the sealed record, and is never shown or sent.
//
// Free function; thread-safe.
#ifndef HANDOVER_NODE_API_CHILD_KEY_H_
#define HANDOVER_NODE_API_CHILD_KEY_H_

#include <string>

#include "absl/status/statusor.h"
#include "handover/v1/bundle.pb.h"

namespace handover::node::api {

// INVALID_ARGUMENT if the identity has none of the identifiers above.
absl::StatusOr<std::string> ChildKey(const handover::v1::Identity& identity);

}  // namespace handover::node::api

#endif  // HANDOVER_NODE_API_CHILD_KEY_H_

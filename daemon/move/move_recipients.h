// Who must hear about a child's move: the destination area's host
// children's services, health team and police force, resolved through the
// signed directory, plus the agencies this node always copies.
//
// ResolveMoveRecipients returns the whole recipient set or an error, never a
// part of it, so a caller cannot send a move half-way. The rules, which
// docs/DIRECTORY.md ("How a move finds its recipients") states for
// operators:
//
// - `destination_area` must be an ONS GSS code (InvalidArgument; the message
//   does not echo the value, which came from a case system and may be
//   anything).
// - Only ACTIVE agencies count; a revoked agency is never a recipient.
// - An area no active agency serves is NotFound, "no agency in the directory
//   serves area X": the directory does not know the area at all.
// - The area needs at least one active agency of each of the three kinds:
//   local-authority children's services, health team and police force. If
//   any are missing, FailedPrecondition names the area and every missing
//   kind at once, so one directory fix covers them all.
// - If more than one active agency of a kind serves the area (a border area
//   two police forces cover, say), every one of them is a recipient: for
//   safeguarding, telling one agency too many is safer than choosing wrongly.
// - Agencies of kind OTHER serving the area are not recipients unless they
//   are always-copy.
// - Every always-copy id must name an ACTIVE agency (FailedPrecondition
//   naming it otherwise), of any kind. Ids listed twice count once.
// - Every recipient needs an encryption key valid at `at`
//   (FailedPrecondition naming the first recipient without one).
//
// Each agency appears once, with every reason it was chosen (the area's
// police force that is also always-copy has both). Order is stable and
// independent of directory and configuration order: recipients are grouped
// by their first reason (children's services, health, police, always-copy)
// and sorted by agency id within a group.
//
// A free function over an immutable DirectoryView; thread-safe. The result
// owns copies of everything it holds.
#ifndef HANDOVER_MOVE_MOVE_RECIPIENTS_H_
#define HANDOVER_MOVE_MOVE_RECIPIENTS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "crypto/identity.h"
#include "directory/directory_view.h"
#include "handover/v1/directory.pb.h"

namespace handover::move {

// Why an agency receives a move, in the order recipients are grouped.
enum class RecipientReason {
  kHostChildrensServices,
  kHealth,
  kPolice,
  kAlwaysCopy,
};

// "host_childrens_services", "health", "police", "always_copy": for logs
// and messages.
absl::string_view RecipientReasonName(RecipientReason reason);

struct MoveRecipient {
  std::string agency_id;
  handover::v1::AgencyKind kind = handover::v1::AGENCY_KIND_UNSPECIFIED;
  // At least one, each once, in enum order.
  std::vector<RecipientReason> reasons;
  // The key checked at `at`, so that the caller seals to exactly the key
  // this resolution found valid.
  crypto::PublicIdentity encryption_key;
};

struct MoveRecipients {
  std::string area;
  uint64_t directory_version = 0;
  std::vector<MoveRecipient> recipients;
};

absl::StatusOr<MoveRecipients> ResolveMoveRecipients(
    const directory::DirectoryView& directory,
    absl::string_view destination_area,
    const std::vector<std::string>& always_copy, absl::Time at);

}  // namespace handover::move

#endif  // HANDOVER_MOVE_MOVE_RECIPIENTS_H_

// The roles a client of a node's local API can hold. A plain enum and its
// config-file names; thread-safe.
#ifndef HANDOVER_CONFIG_CLIENT_ROLE_H_
#define HANDOVER_CONFIG_CLIENT_ROLE_H_

#include <optional>

#include "absl/strings/string_view.h"

namespace handover::config {

enum class ClientRole {
  kSubmitter,      // submits transfers and move notices
  kReceiver,       // lists and fetches its agency's inbox
  kAlertOperator,  // watches and acknowledges alerts
  kAdmin,          // queries status and delivery logs
};

// "submitter", "receiver", "alert-operator", "admin".
absl::string_view ClientRoleName(ClientRole role);

// The role named `name` exactly, or nullopt.
std::optional<ClientRole> ClientRoleFromName(absl::string_view name);

// The names, for messages: "submitter, receiver, alert-operator or admin".
inline constexpr absl::string_view kClientRoleNames =
    "submitter, receiver, alert-operator or admin";

}  // namespace handover::config

#endif  // HANDOVER_CONFIG_CLIENT_ROLE_H_

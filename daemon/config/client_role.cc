#include "config/client_role.h"

#include <array>

namespace handover::config {
namespace {

constexpr std::array<ClientRole, 4> kRoles = {
    ClientRole::kSubmitter, ClientRole::kReceiver, ClientRole::kAlertOperator,
    ClientRole::kAdmin};

}  // namespace

absl::string_view ClientRoleName(ClientRole role) {
  switch (role) {
    case ClientRole::kSubmitter:
      return "submitter";
    case ClientRole::kReceiver:
      return "receiver";
    case ClientRole::kAlertOperator:
      return "alert-operator";
    case ClientRole::kAdmin:
      return "admin";
  }
  return "unknown";
}

std::optional<ClientRole> ClientRoleFromName(absl::string_view name) {
  for (ClientRole role : kRoles) {
    if (ClientRoleName(role) == name) return role;
  }
  return std::nullopt;
}

}  // namespace handover::config

#include "config/port_check.h"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <memory>

#include "absl/strings/str_cat.h"
#include "common/posix_error.h"
#include "config/host_port.h"

namespace handover::config {
namespace {

struct AddrInfoFree {
  void operator()(addrinfo* info) const { freeaddrinfo(info); }
};
using AddrInfoPtr = std::unique_ptr<addrinfo, AddrInfoFree>;

absl::Status TryBind(const addrinfo& candidate, const std::string& address) {
  int fd = socket(candidate.ai_family, candidate.ai_socktype | SOCK_CLOEXEC,
                  candidate.ai_protocol);
  if (fd < 0) return PosixError(absl::StrCat("socket for ", address), errno);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  int rc = bind(fd, candidate.ai_addr, candidate.ai_addrlen);
  int saved = errno;
  close(fd);
  if (rc == 0) return absl::OkStatus();
  if (saved == EADDRINUSE) {
    return absl::FailedPreconditionError(
        absl::StrCat("address ", address, " is already in use"));
  }
  if (saved == EADDRNOTAVAIL) {
    return absl::InvalidArgumentError(
        absl::StrCat("address ", address, " is not an address of this host"));
  }
  return PosixError(absl::StrCat("bind ", address), saved);
}

}  // namespace

absl::Status CheckPortFree(const std::string& address) {
  absl::StatusOr<HostPort> parsed = ParseHostPort(address, PortZero::kAllow);
  if (!parsed.ok()) return parsed.status();
  if (parsed->port == 0) return absl::OkStatus();
  addrinfo hints = {};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  std::string port = absl::StrCat(parsed->port);
  int rc = getaddrinfo(parsed->host.c_str(), port.c_str(), &hints, &found);
  if (rc != 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot resolve ", parsed->host, ": ", gai_strerror(rc)));
  }
  AddrInfoPtr list(found);
  for (const addrinfo* a = list.get(); a != nullptr; a = a->ai_next) {
    absl::Status status = TryBind(*a, address);
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

}  // namespace handover::config

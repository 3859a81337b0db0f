// "host:port" addresses in config files.
//
//   address = host ":" port
//   host    = dns-name / ipv4 / "[" ipv6 "]"
//   port    = 1*5DIGIT          ; 1 to 65535, or 0 where allowed
//
// A DNS name is 1 to 253 bytes of letters, digits, '-' and '.'. An IPv6
// address must be in brackets, as in "[::1]:7443", so the port is never
// ambiguous. Stateless; thread-safe.
#ifndef HANDOVER_CONFIG_HOST_PORT_H_
#define HANDOVER_CONFIG_HOST_PORT_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace handover::config {

struct HostPort {
  std::string host;  // without brackets
  uint16_t port = 0;

  // Back to "host:port", bracketing an IPv6 host; also a gRPC target.
  std::string ToString() const;
};

enum class PortZero { kRefuse, kAllow };

// Parses an address; InvalidArgument with a message that quotes `text`.
// Port 0 ("pick any free port", for tests) is accepted only with kAllow.
absl::StatusOr<HostPort> ParseHostPort(absl::string_view text,
                                       PortZero port_zero = PortZero::kRefuse);

}  // namespace handover::config

#endif  // HANDOVER_CONFIG_HOST_PORT_H_

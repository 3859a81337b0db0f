// A start-up check that a listen address can be bound, so that a daemon
// can fail with one clear line before it does any other work. The daemon's
// own bind is still the final word: another process can take the port in
// between. Thread-safe.
#ifndef HANDOVER_CONFIG_PORT_CHECK_H_
#define HANDOVER_CONFIG_PORT_CHECK_H_

#include <string>

#include "absl/status/status.h"

namespace handover::config {

// Binds (and closes) a TCP socket on every address `address` ("host:port")
// resolves to. OK for port 0. Fails with FailedPrecondition "address
// 127.0.0.1:7443 is already in use", InvalidArgument if the address is
// malformed or not local to this machine, or Unavailable if the host name
// cannot be resolved. SO_REUSEADDR is set, as gRPC sets it, so a port held
// only by connections in TIME_WAIT counts as free; SO_REUSEPORT is not, so
// a daemon should not set it either (gRPC: GRPC_ARG_ALLOW_REUSEPORT = 0).
absl::Status CheckPortFree(const std::string& address);

}  // namespace handover::config

#endif  // HANDOVER_CONFIG_PORT_CHECK_H_

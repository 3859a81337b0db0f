// What the handover-router command line has of its own: the --help text.
// The flags themselves, shared with handover-node, are in
// rpc/daemon_flags.h.
#ifndef HANDOVER_ROUTER_ROUTER_FLAGS_H_
#define HANDOVER_ROUTER_ROUTER_FLAGS_H_

#include <string>

namespace handover::router {

// The --help text, with an example.
std::string RouterUsage();

}  // namespace handover::router

#endif  // HANDOVER_ROUTER_ROUTER_FLAGS_H_

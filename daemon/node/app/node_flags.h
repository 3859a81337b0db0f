// What the handover-node command line has of its own: the --help text. The
// flags themselves, shared with handover-router, are in rpc/daemon_flags.h.
#ifndef HANDOVER_NODE_APP_NODE_FLAGS_H_
#define HANDOVER_NODE_APP_NODE_FLAGS_H_

#include <string>

namespace handover::node::app {

// The --help text, with an example.
std::string NodeUsage();

}  // namespace handover::node::app

#endif  // HANDOVER_NODE_APP_NODE_FLAGS_H_

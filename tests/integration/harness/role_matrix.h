// Every RPC of a node's local API, with the roles docs/CONFIG.md lets call
// it and a call that exercises it: the role x RPC matrix that
// security_test.cc checks for allowed and refused callers and
// hostile_flood_test.cc walks for every refusal. Thread-compatible.
#ifndef HANDOVER_TESTS_INTEGRATION_HARNESS_ROLE_MATRIX_H_
#define HANDOVER_TESTS_INTEGRATION_HARNESS_ROLE_MATRIX_H_

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "harness/node_client.h"
#include "harness/test_network.h"

namespace handover::integration {

// What the calls need: transfers to ask about (32 hex digits each) and a
// directory for fetched files.
struct MatrixInputs {
  std::string inbound;   // in the called node's inbox
  std::string outbound;  // in its outbox
  std::string scratch_dir;
};

struct NodeRpcCase {
  std::string rpc;         // e.g. "SubmitTransfer"
  std::set<Role> allowed;  // the roles that may call it
  // One call of the RPC; a submission uses a fresh idempotency key.
  std::function<absl::Status(NodeClient&, const MatrixInputs&)> call;
};

// Every RPC of handover.v1.Node, in proto order.
const std::vector<NodeRpcCase>& NodeRpcMatrix();

}  // namespace handover::integration

#endif  // HANDOVER_TESTS_INTEGRATION_HARNESS_ROLE_MATRIX_H_

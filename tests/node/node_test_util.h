// Helpers for the node core tests: transfer ids, outbox records and inbox
// records with plausible values.
#ifndef HANDOVER_TESTS_NODE_NODE_TEST_UTIL_H_
#define HANDOVER_TESTS_NODE_NODE_TEST_UTIL_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "node/node_store.h"

namespace handover::node::testing {

// 2026-01-01T00:00:00Z, the same epoch as the directory tests.
inline const absl::Time kT0 = absl::FromUnixSeconds(1767225600);

// A 16-byte transfer id made from `n`, distinct for distinct n.
std::string TransferId(int n);

OutboxTransfer MakeOutbox(int n, const std::string& client,
                          const std::string& key,
                          std::vector<std::string> recipients = {"b", "c"});

InboxRecord MakeInbox(int n, absl::Time received_at);

}  // namespace handover::node::testing

#endif  // HANDOVER_TESTS_NODE_NODE_TEST_UTIL_H_

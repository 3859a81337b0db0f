// The pieces every run on the real network shares: starting the daemons
// with the submission limit lifted, the network's TLS material for the
// in-process baselines, a different child's record per move, payload files
// and proto timestamps. Free functions; thread-safe.
#ifndef HANDOVER_BENCH_LOADGEN_NETWORK_START_H_
#define HANDOVER_BENCH_LOADGEN_NETWORK_START_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "handover/v1/bundle.pb.h"
#include "harness/test_network.h"
#include "loadgen/baselines.h"

namespace handover::bench {

// Creates the network `options` describes and starts the router and every
// node. The nodes in `submitters` get the per-client submission limit
// (600 a minute by default) lifted: a load run would measure the limiter,
// not the path.
absl::StatusOr<std::unique_ptr<integration::TestNetwork>> StartLoadNetwork(
    const integration::NetworkOptions& options,
    const std::vector<std::string>& submitters);

// The router's certificate for an in-process baseline server and
// `client_cert`'s for its client, all issued by the network's CA.
TlsMaterial BaselineTls(integration::TestNetwork& net,
                        const std::string& client_cert);

// The record of a different child for each `i`, so no move supersedes
// another (a second move of one child withdraws the first).
handover::v1::CaseBundle ChildRecord(uint64_t i);

// A file of `size` bytes of a repeating pattern, written in 1 MiB pieces.
absl::Status WritePayloadFile(const std::string& path, uint64_t size);

absl::Time FromProto(const google::protobuf::Timestamp& t);

}  // namespace handover::bench

#endif  // HANDOVER_BENCH_LOADGEN_NETWORK_START_H_

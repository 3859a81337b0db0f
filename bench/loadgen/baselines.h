// The baselines the load generator measures in the same run as the
// network, because the machines are noisy: a plain gRPC+TLS stream of the
// same payload, and raw SQLite synced inserts of it.
#ifndef HANDOVER_BENCH_LOADGEN_BASELINES_H_
#define HANDOVER_BENCH_LOADGEN_BASELINES_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "loadgen/latency_stats.h"
#include "loadgen/paced_run.h"

namespace handover::bench {

struct LoadShape {
  uint64_t operations = 1000;
  uint64_t payload_bytes = 4096;
  int clients = 8;
};

struct TlsMaterial {
  std::string ca_pem_path;
  std::string server_cert_path;
  std::string server_key_path;
  std::string client_cert_path;
  std::string client_key_path;
};

// Streams each payload over gRPC with mutual TLS on loopback to an
// in-process server that counts the bytes and answers.
absl::StatusOr<RunSummary> RunGrpcEchoBaseline(const LoadShape& shape,
                                               const TlsMaterial& tls);

// Inserts each payload as a BLOB in its own transaction into a SQLite file
// in WAL mode with synchronous=FULL, from `clients` threads, each with its
// own connection, in `dir`.
absl::StatusOr<RunSummary> RunSqliteBaseline(const LoadShape& shape,
                                             const std::string& dir);

// Publishes `payload_bytes` messages paced as `shape` says, unary over
// mutual TLS, to an in-process server that writes each to a subscriber's
// open server stream; latency is due time → arrival on the stream.
absl::StatusOr<RunSummary> RunGrpcStreamBaseline(const PacedShape& shape,
                                                 uint64_t payload_bytes,
                                                 const TlsMaterial& tls);

}  // namespace handover::bench

#endif  // HANDOVER_BENCH_LOADGEN_BASELINES_H_

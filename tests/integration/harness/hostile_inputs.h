// Tools for feeding the daemons hostile input and proving nothing was
// stored: counts of every durable store (rows in the SQLite files, files in
// the spool, outbox and inbox directories, delivery-log entries), raw
// envelopes that can be tampered with field by field, and an uploader that
// sends an envelope's parts exactly as given, however malformed.
// Free functions; thread-safe.
#ifndef HANDOVER_TESTS_INTEGRATION_HARNESS_HOSTILE_INPUTS_H_
#define HANDOVER_TESTS_INTEGRATION_HARNESS_HOSTILE_INPUTS_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "crypto/envelope_format.h"
#include "crypto/identity.h"
#include "crypto/sealer.h"
#include "handover/v1/router.pb.h"
#include "harness/router_client.h"
#include "harness/test_network.h"

namespace handover::integration {

// Named counts, e.g. "router envelopes" or "stockport-cs outbox files".
// Refusals the router records in its delivery log (REJECTED entries) are
// counted apart from every other entry, since a refusal is logged on
// purpose.
struct StoreCounts {
  std::map<std::string, int64_t> counts;
  int64_t router_refusals = 0;

  // "" if `after` holds the same counts (refusals aside); otherwise one
  // line per count that changed.
  std::string ChangesTo(const StoreCounts& after) const;
};

// Counts every store of the router and of each node of `net` that is
// running. The SQLite files are only read (SELECT count(*)).
absl::StatusOr<StoreCounts> CountStores(TestNetwork& net);

// CountStores, repeated until two looks half a second apart agree (the
// daemons finish what they were doing when the test began), at most
// `timeout`.
absl::StatusOr<StoreCounts> CountStoresWhenQuiet(TestNetwork& net,
                                                 absl::Duration timeout);

// A TLS channel to `address` as demo certificate `cert_name` ("" = none)
// with no message-size limit of its own, so that oversized messages reach
// the server and its limit is what answers.
std::shared_ptr<grpc::Channel> UnlimitedChannel(TestNetwork& net,
                                                const std::string& address,
                                                absl::string_view cert_name);

// An envelope taken apart as the router's upload carries it.
struct RawEnvelope {
  crypto::EnvelopeHeader header;  // parsed from signed_header
  std::string signed_header;      // prefix and header, as signed
  std::string signature;
  std::vector<std::string> wrapped_keys;
  std::string ciphertext;
};

absl::StatusOr<RawEnvelope> ReadRawEnvelope(const std::string& path);

// Serializes `envelope->header` into signed_header, keeping the old
// signature: what an attacker who edits a field produces.
absl::Status ReplaceSignedHeader(RawEnvelope* envelope);

// Seals MinimalBundle(`reference`) with any seal options (a chosen
// transfer id, a clock in the past, a short time to live) and reads it back.
absl::StatusOr<RawEnvelope> SealRawEnvelope(
    const crypto::SecretIdentity& sender,
    const std::vector<crypto::PublicIdentity>& recipients,
    absl::string_view reference, const crypto::SealOptions& options,
    const std::string& scratch_path);

// Sends `parts` as one SubmitEnvelope stream, exactly as given.
absl::StatusOr<handover::v1::SubmitEnvelopeResponse> UploadParts(
    RouterClient& router, const std::vector<handover::v1::EnvelopePart>& parts,
    absl::Duration timeout);

// The parts of `envelope`: its head, then its ciphertext in 1 MiB parts
// (none if the ciphertext is empty).
std::vector<handover::v1::EnvelopePart> PartsOf(const RawEnvelope& envelope);

}  // namespace handover::integration

#endif  // HANDOVER_TESTS_INTEGRATION_HARNESS_HOSTILE_INPUTS_H_

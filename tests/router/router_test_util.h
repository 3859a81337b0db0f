// Helpers for the router tests: a small network of agencies with real keys,
// the signed directory that lists them, and sealed envelopes split the way
// SubmitEnvelope carries them.
#ifndef HANDOVER_TESTS_ROUTER_ROUTER_TEST_UTIL_H_
#define HANDOVER_TESTS_ROUTER_ROUTER_TEST_UTIL_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "crypto/identity.h"
#include "handover/v1/directory.pb.h"
#include "handover/v1/envelope.pb.h"
#include "router/router_store.h"

namespace handover::router::testing {

// The router's id in every test directory.
inline constexpr char kRouterId[] = "handover-router";

class TestAgencies {
 public:
  // Generates keys for the directory authority, the router and `ids`.
  explicit TestAgencies(const std::vector<std::string>& ids);

  const crypto::SecretIdentity& authority() const { return authority_; }
  const crypto::SecretIdentity& Get(const std::string& id) const;
  crypto::PublicIdentity Public(const std::string& id) const {
    return Get(id).public_identity();
  }
  // Sets the SHA-256 (hex) of the TLS certificate an agency presents;
  // others get a made-up one.
  void SetCertSha256(const std::string& id, const std::string& hex) {
    cert_sha256_[id] = hex;
  }
  // Adds a second key for `id`, valid from `from`: a rotation overlap.
  void AddNextKey(const std::string& id, absl::Time from);
  const crypto::SecretIdentity& NextKey(const std::string& id) const;

  // The directory listing every agency (and the router), keys valid from
  // `not_before` for a year; `revoked` are listed as revoked.
  handover::v1::Directory Build(
      uint64_t version, absl::Time not_before,
      const std::set<std::string>& revoked = {}) const;
  // Build(), signed by the authority, written to `path`.
  void WriteSigned(const std::string& path, uint64_t version,
                   absl::Time not_before,
                   const std::set<std::string>& revoked = {}) const;

 private:
  crypto::SecretIdentity authority_;
  std::vector<std::string> ids_;  // the router first
  std::map<std::string, crypto::SecretIdentity> keys_;
  std::map<std::string, crypto::SecretIdentity> next_keys_;
  std::map<std::string, absl::Time> next_from_;
  std::map<std::string, std::string> cert_sha256_;
};

// A sealed envelope, as the parts SubmitEnvelope takes.
struct SealedEnvelope {
  std::string transfer_id;
  handover::v1::EnvelopeHead head;
  std::string ciphertext;
  std::string ciphertext_hash;
};

// Seals `plaintext_bytes` of filler from `sender` for `recipients`, created
// at `created_at` and living `ttl`.
SealedEnvelope Seal(const crypto::SecretIdentity& sender,
                    const std::vector<crypto::PublicIdentity>& recipients,
                    size_t plaintext_bytes, absl::Time created_at,
                    absl::Duration ttl = absl::Hours(24 * 5));

// An EnvelopeRecord for the store tests (no real cryptography).
EnvelopeRecord FakeRecord(const std::string& transfer_id,
                          const std::string& sender,
                          const std::vector<std::string>& recipients,
                          absl::Time accepted_at, absl::Time expires_at);

// A 16-byte transfer id made from `n`.
std::string TransferId(int n);

// The state of `transfer_id`'s delivery to `recipient` in `store` (a test
// failure, and kPending, if there is none).
DeliveryState StateIn(RouterStore* store, const std::string& transfer_id,
                      const std::string& recipient);

}  // namespace handover::router::testing

#endif  // HANDOVER_TESTS_ROUTER_ROUTER_TEST_UTIL_H_

#include "node/key_ring.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "crypto/key_file.h"

namespace handover::node {
namespace {

// An identity on its way into the ring, with how messages name it.
struct Candidate {
  crypto::SecretIdentity identity;
  std::string name;
};

// Every candidate belongs to `agency_id`, and no two share an encryption
// key: a lookup by key id must have exactly one answer.
absl::Status CheckCandidates(absl::string_view agency_id,
                             const std::vector<Candidate>& candidates) {
  for (size_t i = 0; i < candidates.size(); ++i) {
    const Candidate& c = candidates[i];
    if (c.identity.agency_id() != agency_id) {
      return absl::FailedPreconditionError(
          absl::StrCat(c.name, " holds the keys of ", c.identity.agency_id(),
                       ", not of ", agency_id));
    }
    const std::string key_id = c.identity.public_identity().box_key_id();
    for (size_t j = 0; j < i; ++j) {
      if (candidates[j].identity.public_identity().box_key_id() == key_id) {
        return absl::FailedPreconditionError(
            absl::StrCat(c.name, " holds the same encryption key (",
                         crypto::ToHex(key_id), ") as ", candidates[j].name));
      }
    }
  }
  return absl::OkStatus();
}

// The checked identities, current first, ready for the ring.
absl::StatusOr<std::vector<crypto::SecretIdentity>> Checked(
    absl::string_view agency_id, std::vector<Candidate> candidates) {
  RETURN_IF_ERROR(CheckCandidates(agency_id, candidates));
  std::vector<crypto::SecretIdentity> identities;
  identities.reserve(candidates.size());
  for (Candidate& c : candidates) identities.push_back(std::move(c.identity));
  return identities;
}

}  // namespace

absl::StatusOr<std::unique_ptr<KeyRing>> KeyRing::Load(
    const config::NodeSettings& node) {
  std::vector<Candidate> candidates;
  ASSIGN_OR_RETURN(crypto::SecretIdentity current,
                   crypto::LoadSecretIdentity(node.key_dir));
  candidates.push_back(
      {std::move(current), absl::StrCat("key directory ", node.key_dir)});
  for (const std::string& dir : node.previous_key_dirs) {
    ASSIGN_OR_RETURN(crypto::SecretIdentity previous,
                     crypto::LoadSecretIdentity(dir));
    candidates.push_back(
        {std::move(previous), absl::StrCat("previous key directory ", dir)});
  }
  ASSIGN_OR_RETURN(std::vector<crypto::SecretIdentity> identities,
                   Checked(node.agency_id, std::move(candidates)));
  return std::unique_ptr<KeyRing>(new KeyRing(std::move(identities)));
}

absl::StatusOr<std::unique_ptr<KeyRing>> KeyRing::Create(
    crypto::SecretIdentity current,
    std::vector<crypto::SecretIdentity> previous) {
  const std::string agency_id = current.agency_id();
  std::vector<Candidate> candidates;
  candidates.push_back({std::move(current), "the current key"});
  for (size_t i = 0; i < previous.size(); ++i) {
    candidates.push_back(
        {std::move(previous[i]), absl::StrCat("previous key ", i + 1)});
  }
  ASSIGN_OR_RETURN(std::vector<crypto::SecretIdentity> identities,
                   Checked(agency_id, std::move(candidates)));
  return std::unique_ptr<KeyRing>(new KeyRing(std::move(identities)));
}

const crypto::SecretIdentity* KeyRing::FindByBoxKeyId(
    absl::string_view box_key_id) const {
  for (const crypto::SecretIdentity& identity : identities_) {
    if (identity.public_identity().box_key_id() == box_key_id) {
      return &identity;
    }
  }
  return nullptr;
}

const crypto::SecretIdentity& KeyRing::ForOpening(
    const crypto::EnvelopeHeader& header) const {
  for (const crypto::RecipientEntry& r : header.recipients) {
    if (r.agency_id != agency_id()) continue;
    const crypto::SecretIdentity* held = FindByBoxKeyId(r.box_key_id);
    if (held != nullptr) return *held;
  }
  return current();
}

std::vector<crypto::PublicIdentity> KeyRing::PublicIdentities() const {
  std::vector<crypto::PublicIdentity> keys;
  for (const crypto::SecretIdentity& identity : identities_) {
    keys.push_back(identity.public_identity());
  }
  return keys;
}

}  // namespace handover::node

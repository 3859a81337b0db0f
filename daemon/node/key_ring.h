// KeyRing is this agency's secret identities on one node: the current one
// (`[node] key_dir`), which signs and seals everything the node sends, and
// earlier ones (`[node] previous_key_dirs`), kept only to open what senders
// sealed to them before or during a key rotation. A reader picks the
// identity by the encryption key id an envelope names for this agency.
//
// Immutable once made; a const KeyRing may be shared between threads. The
// ring owns its identities (and so their secret keys).
#ifndef HANDOVER_NODE_KEY_RING_H_
#define HANDOVER_NODE_KEY_RING_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "config/node_config.h"
#include "crypto/envelope_format.h"
#include "crypto/identity.h"

namespace handover::node {

class KeyRing {
 public:
  // Loads `node.key_dir` and every `node.previous_key_dirs` entry.
  // FailedPrecondition if a directory holds the keys of an agency other
  // than `node.agency_id`, or the same encryption key as key_dir or as an
  // earlier entry; otherwise crypto::LoadSecretIdentity's errors (e.g.
  // PermissionDenied for a secret key readable by others).
  static absl::StatusOr<std::unique_ptr<KeyRing>> Load(
      const config::NodeSettings& node);
  // The same from identities already in memory, for tests: the agency is
  // `current`'s, and the same refusals apply.
  static absl::StatusOr<std::unique_ptr<KeyRing>> Create(
      crypto::SecretIdentity current,
      std::vector<crypto::SecretIdentity> previous = {});

  KeyRing(const KeyRing&) = delete;
  KeyRing& operator=(const KeyRing&) = delete;

  // The identity that signs and seals.
  const crypto::SecretIdentity& current() const { return identities_[0]; }
  const std::string& agency_id() const { return current().agency_id(); }
  // How many earlier keys the ring holds for opening.
  size_t previous_count() const { return identities_.size() - 1; }
  // The public halves of every key held, current first: the keys that may
  // have signed this agency's delivery-log heads.
  std::vector<crypto::PublicIdentity> PublicIdentities() const;

  // The identity whose encryption key has id `box_key_id`, or nullptr if
  // the ring holds no such key.
  const crypto::SecretIdentity* FindByBoxKeyId(
      absl::string_view box_key_id) const;

  // The identity to open an envelope with `header`: the one holding the
  // key the header names for this agency. If the agency is not listed, or
  // is listed with a key the ring does not hold, current(): the opener then
  // refuses the envelope exactly as it would on a node with one key.
  const crypto::SecretIdentity& ForOpening(
      const crypto::EnvelopeHeader& header) const;

 private:
  explicit KeyRing(std::vector<crypto::SecretIdentity> identities)
      : identities_(std::move(identities)) {}

  std::vector<crypto::SecretIdentity> identities_;  // current first
};

}  // namespace handover::node

#endif  // HANDOVER_NODE_KEY_RING_H_

// A recipient node's world for testing the link's handlers without gRPC:
// a real store and a real signed directory (sender, us, a third agency and
// the router, each with real keys), a fake clock, and helpers that seal
// real envelopes and sign real notices.
#ifndef HANDOVER_TESTS_NODE_LINK_FIXTURE_H_
#define HANDOVER_TESTS_NODE_LINK_FIXTURE_H_

#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "crypto/identity.h"
#include "crypto/opener.h"
#include "gtest/gtest.h"
#include "handover/v1/envelope.pb.h"
#include "handover/v1/notice.pb.h"
#include "node/directory_client.h"
#include "node/key_ring.h"
#include "node/link_context.h"
#include "node/node_store.h"
#include "temp_dir.h"

namespace handover::node::testing {

inline constexpr char kSenderId[] = "stockport-cs";
inline constexpr char kUsId[] = "gmp";
inline constexpr char kOtherId[] = "bham-cs";
inline constexpr char kRouterId[] = "handover-router";

// An envelope split as the router pushes it.
struct PushedEnvelope {
  handover::v1::EnvelopeHead head;
  std::string ciphertext;
  crypto::EnvelopeHeader header;
};

// A second copy of `identity` (identities are move-only), e.g. for a ring.
crypto::SecretIdentity CopyOf(const crypto::SecretIdentity& identity);

class LinkFixture : public ::testing::Test {
 protected:
  LinkFixture();
  void SetUp() override;

  // Seals `plaintext` from `sender` to `recipients` (agency ids in the
  // directory) at the clock's current time.
  PushedEnvelope Seal(const crypto::SecretIdentity& sender,
                      const std::vector<std::string>& recipients,
                      const std::string& plaintext,
                      absl::Duration ttl = absl::Hours(24));

  // Signs a notice as `signer` about `transfer_id`, addressed to us.
  handover::v1::SignedNotice Receipt(const crypto::SecretIdentity& signer,
                                     const std::string& transfer_id,
                                     const std::string& ciphertext_hash);
  handover::v1::SignedNotice Report(const crypto::SecretIdentity& signer,
                                    const std::string& transfer_id,
                                    const std::string& recipient,
                                    handover::v1::NonDeliveryReason reason);

  std::vector<std::string> InboxFiles() const;

  // Makes `ring` the node's keys (context_.keys); SetUp uses us_ alone.
  void UseKeys(std::unique_ptr<KeyRing> ring);

  handover::testing::TempDir dir_;
  FakeClock clock_;
  crypto::SecretIdentity authority_;
  crypto::SecretIdentity sender_;
  crypto::SecretIdentity us_;
  crypto::SecretIdentity other_;
  crypto::SecretIdentity router_;
  std::unique_ptr<NodeStore> store_;
  std::unique_ptr<DirectoryClient> directory_;
  std::unique_ptr<KeyRing> keys_;
  LinkContext context_;
};

}  // namespace handover::node::testing

#endif  // HANDOVER_TESTS_NODE_LINK_FIXTURE_H_

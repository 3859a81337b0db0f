// KeyRing from real key directories: which identity each key id finds,
// which one opens an envelope header, and the refusals at load.
#include "node/key_ring.h"

#include <sys/stat.h>

#include <memory>
#include <string>
#include <vector>

#include "crypto/key_file.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "status_matchers.h"
#include "temp_dir.h"

namespace handover::node {
namespace {

using ::testing::HasSubstr;

constexpr char kUs[] = "stockport-cs";
constexpr char kOther[] = "birmingham-cs";

class KeyRingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    settings_.agency_id = kUs;
    settings_.key_dir = WriteKeys("current", kUs, &current_);
    settings_.previous_key_dirs = {WriteKeys("old-1", kUs, &old_1_),
                                   WriteKeys("old-2", kUs, &old_2_)};
  }

  // Writes a fresh key directory `name` for `agency`; returns its path and
  // sets `*key` to its public half.
  std::string WriteKeys(const std::string& name, const std::string& agency,
                        crypto::PublicIdentity* key) {
    const std::string dir = tmp_.path() + "/" + name;
    absl::StatusOr<crypto::SecretIdentity> identity =
        crypto::SecretIdentity::Generate(agency);
    EXPECT_TRUE(identity.ok()) << identity.status();
    EXPECT_OK(crypto::WriteKeyDirectory(dir, *identity));
    *key = identity->public_identity();
    return dir;
  }

  // A header listing `recipients` as (agency id, encryption key id).
  static crypto::EnvelopeHeader HeaderFor(
      const std::vector<crypto::RecipientEntry>& recipients) {
    crypto::EnvelopeHeader header;
    header.recipients = recipients;
    return header;
  }

  handover::testing::TempDir tmp_;
  config::NodeSettings settings_;
  crypto::PublicIdentity current_, old_1_, old_2_;
};

TEST_F(KeyRingTest, FindsEveryHeldKeyByItsId) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<KeyRing> ring, KeyRing::Load(settings_));
  EXPECT_EQ(ring->agency_id(), kUs);
  EXPECT_EQ(ring->previous_count(), 2u);
  EXPECT_EQ(ring->current().public_identity().box_key_id(),
            current_.box_key_id());
  for (const crypto::PublicIdentity* key : {&current_, &old_1_, &old_2_}) {
    const crypto::SecretIdentity* found =
        ring->FindByBoxKeyId(key->box_key_id());
    ASSERT_NE(found, nullptr);
    EXPECT_EQ(found->public_identity().box_public_key, key->box_public_key);
    EXPECT_EQ(found->public_identity().sign_public_key, key->sign_public_key);
  }
  EXPECT_EQ(ring->FindByBoxKeyId(std::string(crypto::kKeyIdBytes, 'x')),
            nullptr);
  // A signing key id is not an encryption key id.
  EXPECT_EQ(ring->FindByBoxKeyId(current_.sign_key_id()), nullptr);
}

TEST_F(KeyRingTest, WithoutPreviousKeysHoldsOnlyTheCurrentOne) {
  settings_.previous_key_dirs.clear();
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<KeyRing> ring, KeyRing::Load(settings_));
  EXPECT_EQ(ring->previous_count(), 0u);
  EXPECT_NE(ring->FindByBoxKeyId(current_.box_key_id()), nullptr);
  EXPECT_EQ(ring->FindByBoxKeyId(old_1_.box_key_id()), nullptr);
}

TEST_F(KeyRingTest, OpensWithTheKeyTheHeaderNamesForThisAgency) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<KeyRing> ring, KeyRing::Load(settings_));
  crypto::PublicIdentity other;
  WriteKeys("other", kOther, &other);
  const crypto::SecretIdentity& opener = ring->ForOpening(
      HeaderFor({{kOther, other.box_key_id()}, {kUs, old_2_.box_key_id()}}));
  EXPECT_EQ(opener.public_identity().box_key_id(), old_2_.box_key_id());
  EXPECT_EQ(ring->ForOpening(HeaderFor({{kUs, current_.box_key_id()}}))
                .public_identity()
                .box_key_id(),
            current_.box_key_id());
}

TEST_F(KeyRingTest, OpensWithTheCurrentKeyWhenItHoldsNoneNamed) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<KeyRing> ring, KeyRing::Load(settings_));
  crypto::PublicIdentity unheld;
  WriteKeys("unheld", kUs, &unheld);
  const std::string current_id = current_.box_key_id();
  // Sealed to a key of ours we do not hold.
  EXPECT_EQ(ring->ForOpening(HeaderFor({{kUs, unheld.box_key_id()}}))
                .public_identity()
                .box_key_id(),
            current_id);
  // Not listed at all, even if another agency's entry names our old key.
  EXPECT_EQ(ring->ForOpening(HeaderFor({{kOther, old_1_.box_key_id()}}))
                .public_identity()
                .box_key_id(),
            current_id);
}

TEST_F(KeyRingTest, RefusesAnotherAgencysPreviousKey) {
  crypto::PublicIdentity other;
  settings_.previous_key_dirs.push_back(WriteKeys("other", kOther, &other));
  absl::StatusOr<std::unique_ptr<KeyRing>> ring = KeyRing::Load(settings_);
  EXPECT_EQ(ring.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ring.status().message(),
            "previous key directory " + tmp_.path() +
                "/other holds the keys of birmingham-cs, not of stockport-cs");
}

TEST_F(KeyRingTest, RefusesAnotherAgencysCurrentKey) {
  settings_.agency_id = kOther;
  absl::StatusOr<std::unique_ptr<KeyRing>> ring = KeyRing::Load(settings_);
  EXPECT_EQ(ring.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(ring.status().message(),
              HasSubstr("key directory " + settings_.key_dir +
                        " holds the keys of stockport-cs"));
}

TEST_F(KeyRingTest, RefusesTheCurrentKeyAsAPreviousOne) {
  settings_.previous_key_dirs.push_back(settings_.key_dir);
  absl::StatusOr<std::unique_ptr<KeyRing>> ring = KeyRing::Load(settings_);
  EXPECT_EQ(ring.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ring.status().message(),
            "previous key directory " + settings_.key_dir +
                " holds the same encryption key (" +
                crypto::ToHex(current_.box_key_id()) + ") as key directory " +
                settings_.key_dir);
}

TEST_F(KeyRingTest, RefusesAPreviousKeyListedTwice) {
  settings_.previous_key_dirs.push_back(settings_.previous_key_dirs[0]);
  absl::StatusOr<std::unique_ptr<KeyRing>> ring = KeyRing::Load(settings_);
  EXPECT_EQ(ring.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(ring.status().message(),
              HasSubstr("holds the same encryption key"));
}

TEST_F(KeyRingTest, RefusesAPreviousSecretKeyReadableByOthers) {
  const std::string secret = settings_.previous_key_dirs[1] + "/secret.key";
  ASSERT_EQ(chmod(secret.c_str(), 0644), 0);
  absl::StatusOr<std::unique_ptr<KeyRing>> ring = KeyRing::Load(settings_);
  EXPECT_EQ(ring.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(ring.status().message(), HasSubstr(secret));
}

TEST_F(KeyRingTest, RefusesAMissingPreviousKeyDirectory) {
  settings_.previous_key_dirs.push_back(tmp_.path() + "/missing");
  EXPECT_FALSE(KeyRing::Load(settings_).ok());
}

TEST(KeyRingCreateTest, BuildsFromIdentitiesInMemoryWithTheSameChecks) {
  ASSERT_OK_AND_ASSIGN(crypto::SecretIdentity current,
                       crypto::SecretIdentity::Generate(kUs));
  ASSERT_OK_AND_ASSIGN(crypto::SecretIdentity old,
                       crypto::SecretIdentity::Generate(kUs));
  const std::string old_id = old.public_identity().box_key_id();
  std::vector<crypto::SecretIdentity> previous;
  previous.push_back(std::move(old));
  ASSERT_OK_AND_ASSIGN(
      std::unique_ptr<KeyRing> ring,
      KeyRing::Create(std::move(current), std::move(previous)));
  EXPECT_EQ(ring->previous_count(), 1u);
  ASSERT_NE(ring->FindByBoxKeyId(old_id), nullptr);

  ASSERT_OK_AND_ASSIGN(crypto::SecretIdentity ours,
                       crypto::SecretIdentity::Generate(kUs));
  ASSERT_OK_AND_ASSIGN(crypto::SecretIdentity theirs,
                       crypto::SecretIdentity::Generate(kOther));
  std::vector<crypto::SecretIdentity> foreign;
  foreign.push_back(std::move(theirs));
  absl::StatusOr<std::unique_ptr<KeyRing>> refused =
      KeyRing::Create(std::move(ours), std::move(foreign));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(refused.status().message(),
            "previous key 1 holds the keys of birmingham-cs, not of "
            "stockport-cs");
}

}  // namespace
}  // namespace handover::node

// DirectoryView: lookups, keys over a rotation, revocation and areas.
#include "directory/directory_view.h"

#include <memory>
#include <string>
#include <vector>

#include "directory_test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "status_matchers.h"

namespace handover::directory {
namespace {

namespace v1 = handover::v1;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::kT0;
using testing::NewIdentity;
using testing::Ts;
using testing::ValidDirectory;

constexpr absl::Duration kDay = absl::Hours(24);

std::vector<std::string> Ids(const std::vector<const v1::Agency*>& agencies) {
  std::vector<std::string> ids;
  for (const v1::Agency* a : agencies) ids.push_back(a->id());
  return ids;
}

std::vector<std::string> SignKeys(
    const std::vector<crypto::PublicIdentity>& keys) {
  std::vector<std::string> out;
  for (const auto& k : keys) out.push_back(k.sign_public_key);
  return out;
}

// stockport-cs rotates: the old key is valid [kT0, kT0+300d), the new one
// [kT0+200d, kT0+600d), so both are valid for 100 days.
class DirectoryViewTest : public ::testing::Test {
 protected:
  void SetUp() override {
    v1::Directory directory = ValidDirectory(7);
    v1::Agency* stockport = directory.mutable_agencies(0);
    *stockport->mutable_keys(0) =
        testing::KeyOf(old_key_.public_identity(), kT0, kT0 + 300 * kDay);
    *stockport->add_keys() = testing::KeyOf(new_key_.public_identity(),
                                            kT0 + 200 * kDay, kT0 + 600 * kDay);
    v1::Agency revoked = testing::ActiveAgency(
        "old-police", v1::AGENCY_KIND_POLICE_FORCE, {"E08000007"},
        NewIdentity("old-police").public_identity());
    revoked.set_status(v1::AGENCY_STATUS_REVOKED);
    *revoked.mutable_revoked_at() = Ts(kT0 + 10 * kDay);
    *directory.add_agencies() = revoked;
    auto view = DirectoryView::Create(std::move(directory));
    ASSERT_OK(view.status());
    view_ = *std::move(view);
  }

  std::vector<std::string> KeysAt(absl::Time t) {
    auto keys = view_->SigningKeysAt("stockport-cs", t);
    EXPECT_OK(keys.status());
    return keys.ok() ? SignKeys(*keys) : std::vector<std::string>{};
  }
  const std::string& old_pk() {
    return old_key_.public_identity().sign_public_key;
  }
  const std::string& new_pk() {
    return new_key_.public_identity().sign_public_key;
  }

  crypto::SecretIdentity old_key_ = NewIdentity("stockport-cs");
  crypto::SecretIdentity new_key_ = NewIdentity("stockport-cs");
  std::unique_ptr<DirectoryView> view_;
};

TEST_F(DirectoryViewTest, FindsAgenciesById) {
  ASSERT_OK_AND_ASSIGN(const v1::Agency* gmp, view_->FindAgency("gmp"));
  EXPECT_EQ(gmp->kind(), v1::AGENCY_KIND_POLICE_FORCE);
  EXPECT_EQ(view_->version(), 7u);
  const auto missing = view_->FindAgency("nobody");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(),
            "agency \"nobody\" is not in directory version 7");
}

TEST_F(DirectoryViewTest, FindsAgenciesByCertificate) {
  ASSERT_OK_AND_ASSIGN(const v1::Agency* gmp, view_->FindAgency("gmp"));
  ASSERT_OK_AND_ASSIGN(const v1::Agency* found,
                       view_->FindAgencyByCertSha256(gmp->tls_cert_sha256()));
  EXPECT_EQ(found, gmp);
  EXPECT_EQ(view_->FindAgencyByCertSha256(std::string(64, '0')).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(DirectoryViewTest, RotationOverlapAcceptsBothKeys) {
  EXPECT_THAT(KeysAt(kT0), ElementsAre(old_pk()));
  EXPECT_THAT(KeysAt(kT0 + 199 * kDay), ElementsAre(old_pk()));
  EXPECT_THAT(KeysAt(kT0 + 200 * kDay), ElementsAre(old_pk(), new_pk()));
  EXPECT_THAT(KeysAt(kT0 + 300 * kDay - absl::Seconds(1)),
              ElementsAre(old_pk(), new_pk()));
  EXPECT_THAT(KeysAt(kT0 + 300 * kDay), ElementsAre(new_pk()));
  EXPECT_THAT(KeysAt(kT0 + 600 * kDay - absl::Nanoseconds(1)),
              ElementsAre(new_pk()));
}

TEST_F(DirectoryViewTest, KeysCarryTheAgencyIdAndBothPublicKeys) {
  ASSERT_OK_AND_ASSIGN(auto keys, view_->SigningKeysAt("stockport-cs", kT0));
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].agency_id, "stockport-cs");
  EXPECT_EQ(keys[0].box_public_key, old_key_.public_identity().box_public_key);
}

TEST_F(DirectoryViewTest, NoKeyOutsideEveryWindow) {
  for (absl::Time t : {kT0 - absl::Seconds(1), kT0 + 600 * kDay}) {
    const auto keys = view_->SigningKeysAt("stockport-cs", t);
    EXPECT_EQ(keys.status().code(), absl::StatusCode::kNotFound);
    EXPECT_THAT(std::string(keys.status().message()),
                HasSubstr("agency \"stockport-cs\" has no key valid at"));
  }
}

TEST_F(DirectoryViewTest, EncryptionKeyIsTheNewestValidOne) {
  ASSERT_OK_AND_ASSIGN(auto before,
                       view_->EncryptionKeyAt("stockport-cs", kT0));
  EXPECT_EQ(before.box_public_key, old_key_.public_identity().box_public_key);
  ASSERT_OK_AND_ASSIGN(
      auto during, view_->EncryptionKeyAt("stockport-cs", kT0 + 250 * kDay));
  EXPECT_EQ(during.box_public_key, new_key_.public_identity().box_public_key);
}

TEST_F(DirectoryViewTest, RevokedAgencyIsPermissionDenied) {
  const auto keys = view_->SigningKeysAt("old-police", kT0);
  EXPECT_EQ(keys.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(keys.status().message(),
            "agency \"old-police\" was revoked at 2026-01-11T00:00:00Z "
            "(directory version 7)");
  EXPECT_EQ(view_->EncryptionKeyAt("old-police", kT0).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(DirectoryViewTest, RecordAcceptedBeforeRevocationKeepsItsKeys) {
  // Accepted a day before the revocation: the keys still verify it.
  ASSERT_OK_AND_ASSIGN(auto keys, view_->SigningKeysForAccepted(
                                      "old-police", kT0, kT0 + 9 * kDay));
  EXPECT_EQ(keys.size(), 1u);
  // Accepted after it: refused, with the revocation named.
  EXPECT_EQ(view_->SigningKeysForAccepted("old-police", kT0, kT0 + 10 * kDay)
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
  // An active agency behaves as SigningKeysAt.
  ASSERT_OK_AND_ASSIGN(auto active,
                       view_->SigningKeysForAccepted(
                           "stockport-cs", kT0 + 250 * kDay, kT0 + 250 * kDay));
  EXPECT_EQ(active.size(), 2u);
}

TEST_F(DirectoryViewTest, UnknownAgencyHasNoKeys) {
  EXPECT_EQ(view_->SigningKeysAt("nobody", kT0).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(DirectoryViewTest, AgenciesServingAnAreaAreActiveOnes) {
  EXPECT_THAT(
      Ids(view_->AgenciesServing("E08000007", v1::AGENCY_KIND_UNSPECIFIED)),
      ElementsAre("stockport-cs", "gmp"));
  EXPECT_THAT(
      Ids(view_->AgenciesServing("E08000007", v1::AGENCY_KIND_POLICE_FORCE)),
      ElementsAre("gmp"));
  EXPECT_THAT(
      Ids(view_->AgenciesServing("E08000003", v1::AGENCY_KIND_POLICE_FORCE)),
      ElementsAre("gmp"));
  EXPECT_TRUE(
      view_->AgenciesServing("E08000003", v1::AGENCY_KIND_HEALTH_TEAM).empty());
  EXPECT_TRUE(
      view_->AgenciesServing("E08000025", v1::AGENCY_KIND_UNSPECIFIED).empty());
}

TEST(DirectoryViewCreateTest, RefusesAnInvalidDirectory) {
  v1::Directory directory = ValidDirectory();
  directory.mutable_agencies(1)->set_id("stockport-cs");
  EXPECT_EQ(DirectoryView::Create(std::move(directory)).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace handover::directory

// DirectoryView and validation of a per-key compromise: a compromised key
// is revoked for everything new, stays readable for what was accepted, and
// is listed for the recall; a revoked agency's compromised_since covers
// all of its keys.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "directory/directory_validate.h"
#include "directory/directory_view.h"
#include "directory_test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "status_matchers.h"

namespace handover::directory {
namespace {

namespace v1 = handover::v1;
using ::testing::HasSubstr;
using testing::kT0;
using testing::NewIdentity;
using testing::Ts;
using testing::ValidDirectory;

constexpr absl::Duration kDay = absl::Hours(24);

// stockport-cs has an old key valid [kT0, kT0+300d), compromised since
// kT0+100d, and a replacement valid from kT0+150d.
class KeyCompromiseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    v1::Directory directory = ValidDirectory(8);
    v1::Agency* stockport = directory.mutable_agencies(0);
    *stockport->mutable_keys(0) =
        testing::KeyOf(old_key_.public_identity(), kT0, kT0 + 300 * kDay);
    *stockport->mutable_keys(0)->mutable_compromised_since() =
        Ts(kT0 + 100 * kDay);
    *stockport->add_keys() = testing::KeyOf(new_key_.public_identity(),
                                            kT0 + 150 * kDay, kT0 + 600 * kDay);
    directory_ = directory;
    ASSERT_OK_AND_ASSIGN(view_, DirectoryView::Create(std::move(directory)));
  }

  std::string old_id() { return old_key_.public_identity().sign_key_id(); }
  std::string new_id() { return new_key_.public_identity().sign_key_id(); }

  crypto::SecretIdentity old_key_ = NewIdentity("stockport-cs");
  crypto::SecretIdentity new_key_ = NewIdentity("stockport-cs");
  v1::Directory directory_;
  std::unique_ptr<DirectoryView> view_;
};

TEST_F(KeyCompromiseTest, ACompromisedKeyIsNeverValidForSigning) {
  // Before the replacement went live only the compromised key was valid:
  // refused by name, PermissionDenied.
  absl::StatusOr<std::vector<crypto::PublicIdentity>> early =
      view_->SigningKeysAt("stockport-cs", kT0 + 10 * kDay);
  EXPECT_EQ(early.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(early.status().message()),
              HasSubstr(absl::StrCat("signing key ", crypto::ToHex(old_id()),
                                     " of agency \"stockport-cs\" is "
                                     "revoked: compromised since "
                                     "2026-04-11T00:00:00Z")));
  // During the overlap only the replacement is offered.
  ASSERT_OK_AND_ASSIGN(auto keys,
                       view_->SigningKeysAt("stockport-cs", kT0 + 200 * kDay));
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].sign_key_id(), new_id());
}

TEST_F(KeyCompromiseTest, NothingIsEncryptedToACompromisedKey) {
  EXPECT_EQ(
      view_->EncryptionKeyAt("stockport-cs", kT0 + 10 * kDay).status().code(),
      absl::StatusCode::kPermissionDenied);
  ASSERT_OK_AND_ASSIGN(
      crypto::PublicIdentity key,
      view_->EncryptionKeyAt("stockport-cs", kT0 + 160 * kDay));
  EXPECT_EQ(key.sign_key_id(), new_id());
}

TEST_F(KeyCompromiseTest, RecordsAcceptedEarlierStayReadable) {
  ASSERT_OK_AND_ASSIGN(
      auto keys, view_->SigningKeysForAccepted("stockport-cs", kT0 + 10 * kDay,
                                               kT0 + 10 * kDay));
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].sign_key_id(), old_id());
}

TEST_F(KeyCompromiseTest, CheckNotCompromisedNamesOnlyTheCompromisedKey) {
  const absl::Status refused =
      view_->CheckNotCompromised("stockport-cs", old_id());
  EXPECT_EQ(refused.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(refused.message()),
              HasSubstr("is revoked: compromised since"));
  EXPECT_OK(view_->CheckNotCompromised("stockport-cs", new_id()));
  EXPECT_OK(view_->CheckNotCompromised("gmp", old_id()));
  EXPECT_OK(view_->CheckNotCompromised("nobody", old_id()));
}

TEST_F(KeyCompromiseTest, ListsTheCompromisedKeys) {
  std::vector<CompromisedKey> keys = view_->CompromisedKeys();
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].agency_id, "stockport-cs");
  EXPECT_EQ(keys[0].sign_key_id, old_id());
  EXPECT_EQ(keys[0].since, kT0 + 100 * kDay);
}

TEST_F(KeyCompromiseTest, ARevokedAgencysCompromiseCoversEveryKey) {
  v1::Agency* gmp = directory_.mutable_agencies(1);
  gmp->set_status(v1::AGENCY_STATUS_REVOKED);
  *gmp->mutable_revoked_at() = Ts(kT0 + 50 * kDay);
  *gmp->mutable_compromised_since() = Ts(kT0 + 40 * kDay);
  ASSERT_OK_AND_ASSIGN(auto view, DirectoryView::Create(directory_));
  std::vector<CompromisedKey> keys = view->CompromisedKeys();
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[1].agency_id, "gmp");
  EXPECT_EQ(keys[1].since, kT0 + 40 * kDay);
  // On an ACTIVE agency the agency-level field marks no key.
  *directory_.mutable_agencies(1) = ValidDirectory(8).agencies(1);
  *directory_.mutable_agencies(1)->mutable_compromised_since() =
      Ts(kT0 + 40 * kDay);
  ASSERT_OK_AND_ASSIGN(auto active, DirectoryView::Create(directory_));
  EXPECT_EQ(active->CompromisedKeys().size(), 1u);
}

TEST_F(KeyCompromiseTest, AnOutOfRangeCompromiseTimeIsInvalid) {
  directory_.mutable_agencies(0)
      ->mutable_keys(0)
      ->mutable_compromised_since()
      ->set_seconds(253402300800);  // year 10000
  const absl::Status invalid = ValidateDirectory(directory_);
  EXPECT_EQ(invalid.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(invalid.message()),
              HasSubstr("keys[0].compromised_since is outside years 0001 to "
                        "9999"));
}

}  // namespace
}  // namespace handover::directory

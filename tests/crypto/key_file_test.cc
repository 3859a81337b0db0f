#include "crypto/key_file.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "common/file_util.h"
#include "gtest/gtest.h"
#include "status_matchers.h"
#include "temp_dir.h"

namespace handover::crypto {
namespace {

class KeyFileTest : public ::testing::Test {
 protected:
  handover::testing::TempDir tmp_;
  std::string dir_ = tmp_.path() + "/keys";
};

TEST_F(KeyFileTest, WritesSecretAs0600AndLoadsBack) {
  ASSERT_OK_AND_ASSIGN(SecretIdentity id,
                       SecretIdentity::Generate("stockport-cs"));
  ASSERT_OK(WriteKeyDirectory(dir_, id));
  struct stat st;
  ASSERT_EQ(stat((dir_ + "/secret.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(stat(dir_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);

  ASSERT_OK_AND_ASSIGN(SecretIdentity loaded, LoadSecretIdentity(dir_));
  EXPECT_EQ(loaded.agency_id(), "stockport-cs");
  EXPECT_EQ(loaded.public_identity().sign_public_key,
            id.public_identity().sign_public_key);
  EXPECT_EQ(loaded.public_identity().box_public_key,
            id.public_identity().box_public_key);
  EXPECT_EQ(loaded.sign_secret_key().view(), id.sign_secret_key().view());

  ASSERT_OK_AND_ASSIGN(PublicIdentity pub,
                       LoadPublicIdentity(dir_ + "/public.key"));
  EXPECT_EQ(pub.agency_id, "stockport-cs");
  EXPECT_EQ(pub.sign_key_id(), id.public_identity().sign_key_id());
  // A directory path loads its public.key too.
  ASSERT_OK_AND_ASSIGN(PublicIdentity pub2, LoadPublicIdentity(dir_));
  EXPECT_EQ(pub2.box_public_key, pub.box_public_key);
}

TEST_F(KeyFileTest, RefusesToOverwriteASecretKey) {
  ASSERT_OK_AND_ASSIGN(SecretIdentity a, SecretIdentity::Generate("a"));
  ASSERT_OK_AND_ASSIGN(SecretIdentity b, SecretIdentity::Generate("b"));
  ASSERT_OK(WriteKeyDirectory(dir_, a));
  EXPECT_EQ(WriteKeyDirectory(dir_, b).code(),
            absl::StatusCode::kAlreadyExists);
  ASSERT_OK_AND_ASSIGN(SecretIdentity loaded, LoadSecretIdentity(dir_));
  EXPECT_EQ(loaded.agency_id(), "a");
}

TEST_F(KeyFileTest, LoosePermissionsAreRefused) {
  ASSERT_OK_AND_ASSIGN(SecretIdentity id, SecretIdentity::Generate("a"));
  ASSERT_OK(WriteKeyDirectory(dir_, id));
  for (mode_t mode : {0644, 0640, 0604, 0660}) {
    ASSERT_EQ(chmod((dir_ + "/secret.key").c_str(), mode), 0);
    auto loaded = LoadSecretIdentity(dir_);
    EXPECT_EQ(loaded.status().code(), absl::StatusCode::kPermissionDenied)
        << std::oct << mode;
    EXPECT_NE(loaded.status().message().find("0600"), absl::string_view::npos);
  }
  ASSERT_EQ(chmod((dir_ + "/secret.key").c_str(), 0400), 0);
  EXPECT_OK(LoadSecretIdentity(dir_).status());
}

TEST_F(KeyFileTest, SymlinkedSecretKeyIsRefused) {
  ASSERT_OK_AND_ASSIGN(SecretIdentity id, SecretIdentity::Generate("a"));
  ASSERT_OK(WriteKeyDirectory(dir_, id));
  const std::string link = tmp_.path() + "/link.key";
  ASSERT_EQ(symlink((dir_ + "/secret.key").c_str(), link.c_str()), 0);
  EXPECT_EQ(LoadSecretIdentity(link).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(KeyFileTest, CorruptSecretKeyIsDataLoss) {
  ASSERT_OK_AND_ASSIGN(SecretIdentity id, SecretIdentity::Generate("a"));
  ASSERT_OK(WriteKeyDirectory(dir_, id));
  const std::string path = dir_ + "/secret.key";
  ASSERT_OK_AND_ASSIGN(std::string bytes, ReadFileBounded(path, 4096));
  for (size_t pos : {size_t{0}, size_t{12}, bytes.size() - 1}) {
    std::string bad = bytes;
    bad[pos] ^= 0x20;
    ASSERT_OK(WriteFileAtomically(path, bad, 0600));
    auto loaded = LoadSecretIdentity(dir_);
    EXPECT_EQ(loaded.status().code(), absl::StatusCode::kDataLoss) << pos;
  }
  ASSERT_OK(WriteFileAtomically(path, bytes.substr(0, 20), 0600));
  EXPECT_EQ(LoadSecretIdentity(dir_).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST_F(KeyFileTest, InconsistentSigningKeyIsDataLoss) {
  // A well-formed file whose Ed25519 secret half disagrees with its stored
  // public half (checksum recomputed, so only the consistency check sees it).
  ASSERT_OK_AND_ASSIGN(SecretIdentity id, SecretIdentity::Generate("a"));
  std::string sign_sk(id.sign_secret_key().view());
  sign_sk[40] ^= 1;
  auto rebuilt =
      SecretIdentity::FromSecretKeys("a", sign_sk, id.box_secret_key().view());
  EXPECT_EQ(rebuilt.status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(KeyFileTest, PublicKeyFileRejectsJunk) {
  EXPECT_EQ(ParsePublicKeyFile("").status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(ParsePublicKeyFile(std::string(200, 'x')).status().code(),
            absl::StatusCode::kDataLoss);
  ASSERT_OK_AND_ASSIGN(SecretIdentity id, SecretIdentity::Generate("a"));
  std::string good = EncodePublicKeyFile(id.public_identity());
  ASSERT_OK(ParsePublicKeyFile(good).status());
  std::string bad = good;
  bad[20] ^= 1;
  EXPECT_EQ(ParsePublicKeyFile(bad).status().code(),
            absl::StatusCode::kDataLoss);
  // A secret key file is not a public key file, and vice versa.
  SecretBytes secret = EncodeSecretKeyFile(id);
  EXPECT_EQ(ParsePublicKeyFile(secret.view()).status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(ParseSecretKeyFile(good).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST_F(KeyFileTest, MissingFileIsNotFound) {
  EXPECT_EQ(LoadSecretIdentity(tmp_.path() + "/nope").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(LoadPublicIdentity(tmp_.path() + "/nope.pub").status().code(),
            absl::StatusCode::kNotFound);
}

TEST(AgencyId, Validation) {
  EXPECT_OK(ValidateAgencyId("stockport-cs"));
  EXPECT_OK(ValidateAgencyId("gmp.control-room"));
  EXPECT_OK(ValidateAgencyId(std::string(64, 'a')));
  for (const char* bad :
       {"", "-lead", ".lead", "Upper", "sp ace", "a/b", "a_b"}) {
    EXPECT_EQ(ValidateAgencyId(bad).code(), absl::StatusCode::kInvalidArgument)
        << bad;
  }
  EXPECT_EQ(ValidateAgencyId(std::string(65, 'a')).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(KeyIds, AreStableAndDistinct) {
  const std::string pk1(32, '\x01'), pk2(32, '\x02');
  EXPECT_EQ(KeyIdOf(pk1), KeyIdOf(pk1));
  EXPECT_NE(KeyIdOf(pk1), KeyIdOf(pk2));
  EXPECT_EQ(KeyIdOf(pk1).size(), kKeyIdBytes);
}

}  // namespace
}  // namespace handover::crypto

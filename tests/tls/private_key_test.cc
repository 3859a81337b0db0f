#include "tls/private_key.h"

#include <unistd.h>

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "status_matchers.h"
#include "temp_dir.h"
#include "tls/test_certs.h"

namespace handover::tls {
namespace {

using handover::testing::CopyTestFile;
using handover::testing::DemoCertsDir;
using handover::testing::ReadTestFile;
using handover::testing::RunOpenSsl;
using handover::testing::WriteTestFile;

class PrivateKeyTest : public ::testing::Test {
 protected:
  std::string Demo(const std::string& name) {
    return DemoCertsDir() + "/" + name;
  }
  std::string Path(const std::string& name) { return tmp_.path() + "/" + name; }
  handover::testing::TempDir tmp_;
};

TEST_F(PrivateKeyTest, LoadsAKeyThatMatchesItsCertificate) {
  for (const char* name : {"router", "stockport-cs", "control-room"}) {
    ASSERT_OK_AND_ASSIGN(crypto::SecretBytes key,
                         LoadPrivateKeyPem(Demo(std::string(name) + ".key")));
    std::string cert = ReadTestFile(Demo(std::string(name) + ".pem"));
    EXPECT_TRUE(CheckKeyMatchesCertificate(cert, key.view()).ok()) << name;
  }
}

TEST_F(PrivateKeyTest, AnotherKeyDoesNotMatch) {
  ASSERT_OK_AND_ASSIGN(crypto::SecretBytes key,
                       LoadPrivateKeyPem(Demo("birmingham-cs.key")));
  absl::Status s = CheckKeyMatchesCertificate(
      ReadTestFile(Demo("stockport-cs.pem")), key.view());
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(s.message()),
            "the certificate's public key does not match the private key");
}

TEST_F(PrivateKeyTest, AnRsaKeyDoesNotMatchAnEcCertificate) {
  RunOpenSsl({"genpkey", "-algorithm", "RSA", "-pkeyopt",
              "rsa_keygen_bits:2048", "-out", Path("rsa.key")});
  ASSERT_OK_AND_ASSIGN(crypto::SecretBytes key,
                       LoadPrivateKeyPem(Path("rsa.key")));
  EXPECT_EQ(
      CheckKeyMatchesCertificate(ReadTestFile(Demo("router.pem")), key.view())
          .code(),
      absl::StatusCode::kInvalidArgument);
}

TEST_F(PrivateKeyTest, OpenPermissionsAreRefused) {
  CopyTestFile(Demo("router.key"), Path("router.key"), 0644);
  absl::Status s = LoadPrivateKeyPem(Path("router.key")).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(std::string(s.message()),
            Path("router.key") +
                " has mode 0644; secret key files must be 0600 "
                "(run: chmod 600 " +
                Path("router.key") + ")");
}

TEST_F(PrivateKeyTest, SymbolicLinkIsRefused) {
  CopyTestFile(Demo("router.key"), Path("router.key"), 0600);
  ASSERT_EQ(symlink(Path("router.key").c_str(), Path("link.key").c_str()), 0);
  EXPECT_EQ(LoadPrivateKeyPem(Path("link.key")).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(PrivateKeyTest, ACertificateIsNotAKey) {
  CopyTestFile(Demo("router.pem"), Path("cert-as-key.pem"), 0600);
  absl::Status s = LoadPrivateKeyPem(Path("cert-as-key.pem")).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(s.message()),
            Path("cert-as-key.pem") + ": no PEM private key found");
}

TEST_F(PrivateKeyTest, EncryptedKeyIsRefusedWithoutPrompting) {
  RunOpenSsl({"pkcs8", "-topk8", "-in", Demo("router.key"), "-out",
              Path("enc.key"), "-v2", "aes-256-cbc", "-passout", "pass:demo"});
  ASSERT_EQ(chmod(Path("enc.key").c_str(), 0600), 0);
  absl::Status s = LoadPrivateKeyPem(Path("enc.key")).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()),
              ::testing::HasSubstr("the private key is encrypted"));
}

TEST_F(PrivateKeyTest, CorruptKeyIsRefusedOnOneLine) {
  absl::Status s = CheckPrivateKeyPem(
      "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()),
              ::testing::StartsWith("bad private key: "));
  EXPECT_EQ(std::string(s.message()).find('\n'), std::string::npos);
}

}  // namespace
}  // namespace handover::tls

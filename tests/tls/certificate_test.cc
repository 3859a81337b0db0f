#include "tls/certificate.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "status_matchers.h"
#include "temp_dir.h"
#include "tls/test_certs.h"

namespace handover::tls {
namespace {

using handover::testing::DemoCertsDir;
using handover::testing::ReadTestFile;
using handover::testing::RunOpenSsl;
using handover::testing::WriteTestFile;

class CertificateTest : public ::testing::Test {
 protected:
  std::string Demo(const std::string& name) {
    return DemoCertsDir() + "/" + name;
  }
  handover::testing::TempDir tmp_;
};

// `openssl x509 -noout -fingerprint -sha256` prints
// "sha256 Fingerprint=AB:CD:...\n"; config files use "abcd...".
std::string OpenSslFingerprint(const std::string& path) {
  std::string out =
      RunOpenSsl({"x509", "-in", path, "-noout", "-fingerprint", "-sha256"});
  std::string hex(absl::StripAsciiWhitespace(out.substr(out.find('=') + 1)));
  return absl::AsciiStrToLower(absl::StrReplaceAll(hex, {{":", ""}}));
}

TEST_F(CertificateTest, FingerprintMatchesTheOpensslCommand) {
  for (const char* name : {"ca", "router", "stockport-cs", "case-system"}) {
    std::string path = Demo(std::string(name) + ".pem");
    ASSERT_OK_AND_ASSIGN(std::string pem, LoadCertificateChainPem(path));
    ASSERT_OK_AND_ASSIGN(std::string hex, CertificateSha256Hex(pem));
    EXPECT_EQ(hex.size(), 64u);
    EXPECT_EQ(hex, OpenSslFingerprint(path)) << name;
  }
}

TEST_F(CertificateTest, FingerprintIsOfTheFirstCertificateOfAChain) {
  std::string leaf = ReadTestFile(Demo("router.pem"));
  std::string chain = leaf + ReadTestFile(Demo("ca.pem"));
  EXPECT_EQ(CertificateSha256Hex(chain).value(),
            CertificateSha256Hex(leaf).value());
  EXPECT_EQ(CountCertificates(chain).value(), 2);
  EXPECT_EQ(CountCertificates(leaf).value(), 1);
  EXPECT_EQ(CountCertificates("no PEM here").value(), 0);
}

TEST_F(CertificateTest, SubjectIsOneRfc2253Line) {
  ASSERT_OK_AND_ASSIGN(std::string pem,
                       LoadCertificateChainPem(Demo("stockport-cs.pem")));
  EXPECT_EQ(CertificateSubject(pem).value(),
            "CN=stockport-cs,O=Handover DEMO - not for real use");
  ASSERT_OK_AND_ASSIGN(std::string ca, LoadCertificateChainPem(Demo("ca.pem")));
  EXPECT_EQ(CertificateSubject(ca).value(),
            "CN=Handover DEMO CA — not for real use,"
            "O=Handover DEMO - not for real use");
}

TEST_F(CertificateTest, ValidityMatchesTheScript) {
  ASSERT_OK_AND_ASSIGN(std::string ca, LoadCertificateChainPem(Demo("ca.pem")));
  ASSERT_OK_AND_ASSIGN(CertificateValidity v, GetCertificateValidity(ca));
  EXPECT_EQ(v.not_after - v.not_before, absl::Hours(24 * 3650));
  EXPECT_LE(v.not_before, absl::Now());
  EXPECT_OK(CheckCertificateCurrent(ca, absl::Now()));
}

TEST_F(CertificateTest, ExpiredOrNotYetValidIsRefused) {
  std::string pem = ReadTestFile(Demo("router.pem"));
  ASSERT_OK_AND_ASSIGN(CertificateValidity v, GetCertificateValidity(pem));
  absl::Status late =
      CheckCertificateCurrent(pem, v.not_after + absl::Hours(1));
  EXPECT_EQ(late.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(std::string(late.message()),
            "the certificate expired on " +
                absl::FormatTime("%Y-%m-%d %H:%M:%S UTC", v.not_after,
                                 absl::UTCTimeZone()));
  absl::Status early =
      CheckCertificateCurrent(pem, v.not_before - absl::Seconds(1));
  EXPECT_EQ(early.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(early.message()),
              ::testing::StartsWith("the certificate is not valid until "));
}

TEST_F(CertificateTest, MissingFileIsNotFound) {
  EXPECT_EQ(LoadCertificateChainPem(tmp_.path() + "/nope.pem").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(CertificateTest, FileWithoutACertificateIsRefused) {
  std::string path = tmp_.path() + "/key-only.pem";
  WriteTestFile(path, ReadTestFile(Demo("ca.key")), 0600);
  absl::Status s = LoadCertificateChainPem(path).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(s.message()), path + ": no PEM certificate found");
  WriteTestFile(path, "", 0644);
  EXPECT_EQ(LoadCertificateChainPem(path).status().message(),
            path + ": no PEM certificate found");
}

TEST_F(CertificateTest, CorruptCertificateIsRefusedOnOneLine) {
  std::string path = tmp_.path() + "/bad.pem";
  WriteTestFile(
      path, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
      0644);
  absl::Status s = LoadCertificateChainPem(path).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()),
              ::testing::StartsWith(path + ": bad certificate: "));
  EXPECT_EQ(std::string(s.message()).find('\n'), std::string::npos);
  EXPECT_EQ(CertificateSha256Hex("junk").status().message(),
            "no PEM certificate found");
}

TEST_F(CertificateTest, OversizedFileIsRefusedBeforeReading) {
  std::string path = tmp_.path() + "/big.pem";
  WriteTestFile(path, std::string(kMaxPemFileBytes + 1, 'x'), 0644);
  EXPECT_EQ(LoadCertificateChainPem(path).status().code(),
            absl::StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace handover::tls

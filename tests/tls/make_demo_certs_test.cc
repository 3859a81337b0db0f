// certs-example/make-demo-certs, run as a subprocess.
#include <sys/stat.h>

#include <map>
#include <sstream>
#include <string>

#include "gtest/gtest.h"
#include "status_matchers.h"
#include "temp_dir.h"
#include "tls/certificate.h"
#include "tls/private_key.h"
#include "tls/test_certs.h"

namespace handover::tls {
namespace {

using handover::testing::CommandResult;
using handover::testing::DemoCertsDir;
using handover::testing::ReadTestFile;
using handover::testing::RunMakeDemoCerts;
using handover::testing::RunOpenSsl;

const char* const kNames[] = {"ca",
                              "router",
                              "stockport-cs",
                              "stockport-health",
                              "birmingham-cs",
                              "birmingham-health",
                              "greater-manchester-police",
                              "west-midlands-police",
                              "case-system",
                              "control-room"};

std::map<std::string, std::string> ReadFingerprints(const std::string& dir) {
  std::map<std::string, std::string> out;
  std::istringstream in(ReadTestFile(dir + "/fingerprints.txt"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string name, hex;
    fields >> name >> hex;
    out[name] = hex;
  }
  return out;
}

mode_t ModeOf(const std::string& path) {
  struct stat st;
  EXPECT_EQ(stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 0777;
}

TEST(MakeDemoCertsTest, HelpExitsZero) {
  CommandResult result = RunMakeDemoCerts({"--help"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_NE(result.out.find("DEMO ONLY"), std::string::npos);
  EXPECT_EQ(RunMakeDemoCerts({}).exit_code, 2);
  EXPECT_EQ(RunMakeDemoCerts({"--bogus", "x"}).exit_code, 2);
}

TEST(MakeDemoCertsTest, FingerprintsFileMatchesEveryCertificate) {
  const std::string& dir = DemoCertsDir();
  std::map<std::string, std::string> fingerprints = ReadFingerprints(dir);
  EXPECT_EQ(fingerprints.size(), std::size(kNames));
  for (const char* name : kNames) {
    std::string base = dir + "/" + name;
    ASSERT_OK_AND_ASSIGN(std::string pem,
                         LoadCertificateChainPem(base + ".pem"));
    EXPECT_EQ(fingerprints[name], CertificateSha256Hex(pem).value()) << name;
    EXPECT_EQ(ModeOf(base + ".key"), 0600u) << name;
    ASSERT_OK_AND_ASSIGN(crypto::SecretBytes key,
                         LoadPrivateKeyPem(base + ".key"));
    EXPECT_TRUE(CheckKeyMatchesCertificate(pem, key.view()).ok()) << name;
  }
}

TEST(MakeDemoCertsTest, CertificatesChainToTheCaAndNameLocalhost) {
  const std::string& dir = DemoCertsDir();
  for (const char* name : {"router", "stockport-cs", "west-midlands-police"}) {
    std::string pem = dir + "/" + name + ".pem";
    EXPECT_EQ(RunOpenSsl({"verify", "-CAfile", dir + "/ca.pem", pem}),
              pem + ": OK\n");
    std::string san =
        RunOpenSsl({"x509", "-in", pem, "-noout", "-ext", "subjectAltName"});
    EXPECT_NE(san.find("DNS:localhost, IP Address:127.0.0.1"),
              std::string::npos)
        << san;
  }
  // Agency certificates serve the local API and dial the router.
  std::string usage = RunOpenSsl({"x509", "-in", dir + "/stockport-cs.pem",
                                  "-noout", "-ext", "extendedKeyUsage"});
  EXPECT_NE(usage.find("TLS Web Server Authentication, TLS Web Client "
                       "Authentication"),
            std::string::npos)
      << usage;
}

TEST(MakeDemoCertsTest, KeepsACompleteSetAndRemakesOnlyWithForce) {
  handover::testing::TempDir tmp;
  std::string dir = tmp.path() + "/out";
  ASSERT_EQ(RunMakeDemoCerts({dir}).exit_code, 0);
  std::string before = ReadTestFile(dir + "/fingerprints.txt");

  CommandResult again = RunMakeDemoCerts({dir});
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_NE(again.out.find("leaving them"), std::string::npos);
  EXPECT_EQ(ReadTestFile(dir + "/fingerprints.txt"), before);

  ASSERT_EQ(unlink((dir + "/router.pem").c_str()), 0);
  CommandResult partial = RunMakeDemoCerts({dir});
  EXPECT_EQ(partial.exit_code, 1);
  EXPECT_NE(partial.err.find("--force"), std::string::npos);

  ASSERT_EQ(RunMakeDemoCerts({"--force", dir}).exit_code, 0);
  EXPECT_NE(ReadTestFile(dir + "/fingerprints.txt"), before);
}

}  // namespace
}  // namespace handover::tls

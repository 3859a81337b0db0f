#include "config/config_test_util.h"

#include <sys/stat.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "crypto/identity.h"
#include "crypto/key_file.h"
#include "gtest/gtest.h"
#include "tls/test_certs.h"

namespace handover::testing {
namespace {

void WriteKeys(const std::string& dir, const std::string& agency_id) {
  auto identity = crypto::SecretIdentity::Generate(agency_id);
  ASSERT_TRUE(identity.ok()) << identity.status();
  absl::Status written = crypto::WriteKeyDirectory(dir, *identity);
  ASSERT_TRUE(written.ok()) << written;
}

void CopyTls(const std::string& dir, const std::string& name) {
  mkdir((dir + "/tls").c_str(), 0700);
  const std::string& demo = DemoCertsDir();
  CopyTestFile(demo + "/" + name + ".pem", dir + "/tls/" + name + ".pem", 0644);
  CopyTestFile(demo + "/" + name + ".key", dir + "/tls/" + name + ".key", 0600);
  CopyTestFile(demo + "/ca.pem", dir + "/tls/ca.pem", 0644);
}

std::string CaseSystemFingerprint() {
  std::string all = ReadTestFile(DemoCertsDir() + "/fingerprints.txt");
  size_t at = all.find("\ncase-system ");
  return at == std::string::npos ? "" : all.substr(at + 13, 64);
}

}  // namespace

std::vector<std::string> StatusLines(const absl::Status& status) {
  if (status.ok()) return {};
  return absl::StrSplit(status.message(), '\n');
}

std::string WriteNodeSetup(const std::string& dir) {
  WriteKeys(dir + "/keys", "stockport-cs");
  WriteKeys(dir + "/authority", "directory-authority");
  CopyTls(dir, "stockport-cs");
  return absl::StrCat(R"([node]
agency_id = "stockport-cs"
key_dir = "keys"
data_dir = "data"
trust_root = "authority/public.key"

[listen]
address = "127.0.0.1:0"
tls_cert = "tls/stockport-cs.pem"
tls_key = "tls/stockport-cs.key"
client_ca = "tls/ca.pem"

[router]
address = "localhost:7443"
agency_id = "handover-router"
tls_cert = "tls/stockport-cs.pem"
tls_key = "tls/stockport-cs.key"
ca = "tls/ca.pem"

[[clients]]
name = "case-system"
role = "submitter"
cert_sha256 = ")",
                      CaseSystemFingerprint(), "\"\n");
}

std::string WriteRouterSetup(const std::string& dir) {
  WriteKeys(dir + "/keys", "handover-router");
  WriteKeys(dir + "/authority", "directory-authority");
  CopyTls(dir, "router");
  WriteTestFile(dir + "/directory.signed", "not checked yet", 0644);
  return R"([router]
agency_id = "handover-router"
key_dir = "keys"
listen = "127.0.0.1:0"
tls_cert = "tls/router.pem"
tls_key = "tls/router.key"
client_ca = "tls/ca.pem"
data_dir = "data"
directory = "directory.signed"
trust_root = "authority/public.key"
)";
}

}  // namespace handover::testing

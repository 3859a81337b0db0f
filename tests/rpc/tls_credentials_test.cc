// Credentials from PEM files: errors name the file, and the server speaks
// only TLS 1.2 or later.
#include "rpc/tls_credentials.h"

#include <string>

#include "gtest/gtest.h"
#include "rpc/rpc_test_env.h"
#include "temp_dir.h"
#include "tls/test_certs.h"

namespace handover::rpc {
namespace {

using testing::CertsDir;
using testing::DemoClientFiles;
using testing::DemoServerFiles;
using testing::TestServer;

TEST(TlsCredentialsTest, DemoFilesMakeCredentials) {
  EXPECT_TRUE(MakeServerCredentials(DemoServerFiles(),
                                    ClientCertPolicy::kRequireAndVerify)
                  .ok());
  EXPECT_TRUE(
      MakeChannelCredentials(DemoClientFiles(CertsDir(), "stockport-cs")).ok());
  EXPECT_TRUE(MakeChannelCredentials(DemoClientFiles(CertsDir(), "")).ok());
}

TEST(TlsCredentialsTest, MissingServerFilesAreNamed) {
  for (int which = 0; which < 3; ++which) {
    ServerTlsFiles files = DemoServerFiles();
    std::string* path = which == 0   ? &files.cert_path
                        : which == 1 ? &files.key_path
                                     : &files.client_ca_path;
    *path = CertsDir() + "/missing-" + std::to_string(which) + ".pem";
    auto credentials =
        MakeServerCredentials(files, ClientCertPolicy::kRequireAndVerify);
    ASSERT_FALSE(credentials.ok());
    EXPECT_EQ(credentials.status().code(), absl::StatusCode::kNotFound);
    EXPECT_NE(credentials.status().message().find(*path), std::string::npos)
        << credentials.status();
  }
}

TEST(TlsCredentialsTest, MissingClientFilesAreNamed) {
  ClientTlsFiles files = DemoClientFiles(CertsDir(), "stockport-cs");
  files.key_path = CertsDir() + "/no-such.key";
  auto credentials = MakeChannelCredentials(files);
  ASSERT_FALSE(credentials.ok());
  EXPECT_NE(credentials.status().message().find(files.key_path),
            std::string::npos);

  files = DemoClientFiles(CertsDir(), "");
  files.ca_path = CertsDir() + "/no-such-ca.pem";
  credentials = MakeChannelCredentials(files);
  ASSERT_FALSE(credentials.ok());
  EXPECT_NE(credentials.status().message().find(files.ca_path),
            std::string::npos);
}

TEST(TlsCredentialsTest, EmptyGarbageAndOversizeCertificatesAreRefused) {
  handover::testing::TempDir dir;
  const std::pair<std::string, std::string> bad_files[] = {
      {"empty.pem", ""},
      {"garbage.pem",
       "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n"
       "-----END CERTIFICATE-----\n"},
      {"huge.pem", std::string((1 << 20) + 1, 'A')},
  };
  for (const auto& [name, content] : bad_files) {
    const std::string path = dir.path() + "/" + name;
    handover::testing::WriteTestFile(path, content, 0600);
    ServerTlsFiles files = DemoServerFiles();
    files.cert_path = path;
    auto credentials =
        MakeServerCredentials(files, ClientCertPolicy::kRequireAndVerify);
    ASSERT_FALSE(credentials.ok()) << name;
    EXPECT_NE(credentials.status().message().find(path), std::string::npos)
        << credentials.status();
    EXPECT_EQ(credentials.status().code(),
              name == "huge.pem" ? absl::StatusCode::kResourceExhausted
                                 : absl::StatusCode::kInvalidArgument)
        << credentials.status();
  }
}

TEST(TlsCredentialsTest, KeyFileMustBeOwnerOnly) {
  handover::testing::TempDir dir;
  const std::string key = dir.path() + "/router.key";
  handover::testing::CopyTestFile(CertsDir() + "/router.key", key, 0644);
  ServerTlsFiles files = DemoServerFiles();
  files.key_path = key;
  auto credentials =
      MakeServerCredentials(files, ClientCertPolicy::kRequireAndVerify);
  ASSERT_FALSE(credentials.ok());
  EXPECT_EQ(credentials.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(credentials.status().message().find(key), std::string::npos)
      << credentials.status();
}

TEST(TlsCredentialsTest, KeyMustBelongToTheCertificate) {
  ServerTlsFiles files = DemoServerFiles();
  files.key_path = CertsDir() + "/stockport-cs.key";
  auto credentials =
      MakeServerCredentials(files, ClientCertPolicy::kRequireAndVerify);
  ASSERT_FALSE(credentials.ok());
  EXPECT_EQ(credentials.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(credentials.status().message().find(files.key_path),
            std::string::npos)
      << credentials.status();

  ClientTlsFiles client = DemoClientFiles(CertsDir(), "stockport-cs");
  client.key_path = CertsDir() + "/case-system.key";
  EXPECT_EQ(MakeChannelCredentials(client).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(TlsCredentialsTest, ClientCertificateNeedsItsKey) {
  ClientTlsFiles files = DemoClientFiles(CertsDir(), "stockport-cs");
  files.key_path.clear();
  EXPECT_EQ(MakeChannelCredentials(files).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// Runs `openssl s_client` against `server` with `extra` arguments.
handover::testing::CommandResult SClient(const TestServer& server,
                                         std::vector<std::string> extra) {
  const std::string& dir = CertsDir();
  std::vector<std::string> argv = {handover::testing::FindProgram("openssl"),
                                   "s_client",
                                   "-connect",
                                   server.address(),
                                   "-CAfile",
                                   dir + "/ca.pem",
                                   "-cert",
                                   dir + "/stockport-cs.pem",
                                   "-key",
                                   dir + "/stockport-cs.key",
                                   "-alpn",
                                   "h2"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return handover::testing::RunCommand(argv, "/");
}

TEST(TlsCredentialsTest, ServerRefusesTlsOlderThanOnePointTwo) {
  ASSERT_NE(handover::testing::FindProgram("openssl"), "");
  auto server =
      TestServer::Start(DemoServerFiles(), ClientCertPolicy::kRequireAndVerify);
  ASSERT_TRUE(server.ok()) << server.status();

  // The same client handshakes with TLS 1.2 and 1.3 ...
  const std::pair<const char*, const char*> versions[] = {
      {"-tls1_2", "New, TLSv1.2,"}, {"-tls1_3", "New, TLSv1.3,"}};
  for (const auto& [flag, negotiated] : versions) {
    handover::testing::CommandResult ok = SClient(**server, {flag});
    EXPECT_EQ(ok.exit_code, 0) << flag << ": " << ok.err;
    EXPECT_NE(ok.out.find(negotiated), std::string::npos) << ok.out;
    EXPECT_NE(ok.out.find("Verify return code: 0 (ok)"), std::string::npos)
        << ok.out;
  }
  // ... but not with TLS 1.1. The client's own security level is lowered so
  // that it does offer TLS 1.1; the server then ends the handshake.
  handover::testing::CommandResult old =
      SClient(**server, {"-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0"});
  EXPECT_NE(old.exit_code, 0);
  EXPECT_EQ(old.err.find("no protocols available"), std::string::npos)
      << "the client refused by itself: " << old.err;
  EXPECT_TRUE(old.err.find("alert protocol version") != std::string::npos ||
              old.err.find("unexpected eof") != std::string::npos)
      << old.err;
  EXPECT_NE(old.out.find("no peer certificate available"), std::string::npos)
      << old.out;
  EXPECT_EQ((*server)->service().calls(), 0);
}

}  // namespace
}  // namespace handover::rpc

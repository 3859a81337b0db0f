// LoadNodeConfig and LoadRouterConfig against real files: the start-up
// checks of everything a config names.
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "config/config_test_util.h"
#include "config/node_config.h"
#include "config/router_config.h"
#include "crypto/key_file.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "status_matchers.h"
#include "temp_dir.h"
#include "tls/test_certs.h"

namespace handover::config {
namespace {

using handover::testing::CopyTestFile;
using handover::testing::DemoCertsDir;
using handover::testing::StatusLines;
using handover::testing::WriteTestFile;
using ::testing::ElementsAre;

class NodeFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    text_ = handover::testing::WriteNodeSetup(dir());
    path_ = dir() + "/node.toml";
  }
  const std::string& dir() const { return tmp_.path(); }
  std::string At(const std::string& relative) const {
    return dir() + "/" + relative;
  }
  absl::StatusOr<NodeConfig> Load() {
    WriteTestFile(path_, text_, 0644);
    return LoadNodeConfig(path_);
  }
  // Writes a fresh key directory `relative` for `agency_id`.
  void WriteKeys(const std::string& relative, const std::string& agency_id) {
    absl::StatusOr<crypto::SecretIdentity> identity =
        crypto::SecretIdentity::Generate(agency_id);
    ASSERT_TRUE(identity.ok()) << identity.status();
    ASSERT_OK(crypto::WriteKeyDirectory(At(relative), *identity));
  }
  // Replaces the first `from` in the config text with `to`.
  void Edit(const std::string& from, const std::string& to) {
    size_t at = text_.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    text_.replace(at, from.size(), to);
  }

  handover::testing::TempDir tmp_;
  std::string text_;
  std::string path_;
};

TEST_F(NodeFilesTest, AGoodSetupLoadsWithPathsResolved) {
  ASSERT_OK_AND_ASSIGN(NodeConfig c, Load());
  EXPECT_EQ(c.source, path_);
  EXPECT_EQ(c.node.key_dir, At("keys"));
  EXPECT_EQ(c.node.data_dir, At("data"));
  EXPECT_EQ(c.node.trust_root, At("authority/public.key"));
  EXPECT_EQ(c.listen.tls_cert, At("tls/stockport-cs.pem"));
  EXPECT_EQ(c.listen.tls_key, At("tls/stockport-cs.key"));
  EXPECT_EQ(c.listen.client_ca, At("tls/ca.pem"));
  EXPECT_EQ(c.router.ca, At("tls/ca.pem"));
  ASSERT_EQ(c.clients.size(), 1u);
  EXPECT_EQ(c.clients[0].cert_sha256.size(), 64u);
  EXPECT_OK(CheckNodeConfigFiles(c));
}

TEST_F(NodeFilesTest, AbsolutePathsAreKept) {
  Edit("trust_root = \"authority/public.key\"",
       "trust_root = \"" + At("authority/public.key") + "\"");
  ASSERT_OK_AND_ASSIGN(NodeConfig c, Load());
  EXPECT_EQ(c.node.trust_root, At("authority/public.key"));
}

TEST_F(NodeFilesTest, MissingFilesAreEachNamed) {
  ASSERT_EQ(unlink(At("tls/ca.pem").c_str()), 0);
  ASSERT_EQ(unlink(At("authority/public.key").c_str()), 0);
  absl::Status s = Load().status();
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  std::string ca = At("tls/ca.pem");
  EXPECT_THAT(
      StatusLines(s),
      ElementsAre(path_ + ": [node] trust_root: " + At("authority/public.key") +
                      " does not exist",
                  path_ + ": [listen] client_ca: " + ca + " does not exist",
                  path_ + ": [router] ca: " + ca + " does not exist"));
}

TEST_F(NodeFilesTest, KeysReadableByOthersAreRefused) {
  ASSERT_EQ(chmod(At("tls/stockport-cs.key").c_str(), 0644), 0);
  ASSERT_EQ(chmod(At("keys/secret.key").c_str(), 0640), 0);
  absl::Status s = Load().status();
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  std::string tls_key = At("tls/stockport-cs.key");
  std::string secret = At("keys/secret.key");
  std::string tls_line = tls_key +
                         " has mode 0644; secret key files must be 0600 "
                         "(run: chmod 600 " +
                         tls_key + ")";
  EXPECT_THAT(StatusLines(s),
              ElementsAre(path_ + ": [node] key_dir: " + secret +
                              " has mode 0640; secret key files must be 0600 "
                              "(run: chmod 600 " +
                              secret + ")",
                          path_ + ": [listen] tls_key: " + tls_line,
                          path_ + ": [router] tls_key: " + tls_line));
}

TEST_F(NodeFilesTest, ACertificateThatDoesNotMatchItsKeyIsRefused) {
  CopyTestFile(DemoCertsDir() + "/birmingham-cs.key", At("tls/other.key"),
               0600);
  Edit("tls_key = \"tls/stockport-cs.key\"\nclient_ca",
       "tls_key = \"tls/other.key\"\nclient_ca");
  absl::Status s = Load().status();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(StatusLines(s),
              ElementsAre(path_ + ": [listen] tls_key " + At("tls/other.key") +
                          " does not match [listen] tls_cert " +
                          At("tls/stockport-cs.pem") +
                          ": the certificate's public key does not match the "
                          "private key"));
}

TEST_F(NodeFilesTest, ACaFileWithoutACertificateIsRefused) {
  WriteTestFile(At("tls/ca.pem"), "# nothing here\n", 0644);
  absl::Status s = Load().status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  std::string ca = At("tls/ca.pem");
  EXPECT_THAT(
      StatusLines(s),
      ElementsAre(
          path_ + ": [listen] client_ca: " + ca + ": no PEM certificate found",
          path_ + ": [router] ca: " + ca + ": no PEM certificate found"));
}

TEST_F(NodeFilesTest, AnotherAgencysKeyIsRefused) {
  Edit("agency_id = \"stockport-cs\"", "agency_id = \"birmingham-cs\"");
  EXPECT_THAT(StatusLines(Load().status()),
              ElementsAre(path_ + ": [node] key_dir: " + At("keys") +
                          " holds the key of agency \"stockport-cs\", not "
                          "\"birmingham-cs\""));
}

TEST_F(NodeFilesTest, PreviousKeyDirsAreResolvedAndChecked) {
  WriteKeys("keys-2025", "stockport-cs");
  Edit("key_dir = \"keys\"\n",
       "key_dir = \"keys\"\nprevious_key_dirs = [\"keys-2025\"]\n");
  ASSERT_OK_AND_ASSIGN(NodeConfig c, Load());
  EXPECT_THAT(c.node.previous_key_dirs, ElementsAre(At("keys-2025")));
  EXPECT_OK(CheckNodeConfigFiles(c));
}

TEST_F(NodeFilesTest, APreviousKeyReadableByOthersIsRefused) {
  WriteKeys("keys-2025", "stockport-cs");
  const std::string secret = At("keys-2025/secret.key");
  ASSERT_EQ(chmod(secret.c_str(), 0644), 0);
  Edit("key_dir = \"keys\"\n",
       "key_dir = \"keys\"\nprevious_key_dirs = [\"keys-2025\"]\n");
  absl::Status s = Load().status();
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(StatusLines(s),
              ElementsAre(path_ + ": [node] previous_key_dirs: " + secret +
                          " has mode 0644; secret key files must be 0600 "
                          "(run: chmod 600 " +
                          secret + ")"));
}

TEST_F(NodeFilesTest, PreviousKeysMustBeEarlierKeysOfThisAgency) {
  WriteKeys("keys-2025", "stockport-cs");
  WriteKeys("birmingham", "birmingham-cs");
  Edit("key_dir = \"keys\"\n",
       "key_dir = \"keys\"\nprevious_key_dirs = [\"keys-2025\", "
       "\"missing\", \"birmingham\", \"keys\", \"keys-2025\"]\n");
  absl::Status s = Load().status();
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  const std::string what = path_ + ": [node] previous_key_dirs: ";
  EXPECT_THAT(
      StatusLines(s),
      ElementsAre(what + At("missing") + " does not exist",
                  what + At("birmingham") +
                      " holds the key of agency \"birmingham-cs\", not "
                      "\"stockport-cs\"",
                  what + At("keys") +
                      " holds the same key as [node] key_dir; list only "
                      "earlier keys here",
                  what + At("keys-2025") + " holds the same key as " +
                      At("keys-2025") + ", listed before it"));
}

TEST_F(NodeFilesTest, DataDirMustBeAWritableDirectory) {
  WriteTestFile(At("data"), "a file", 0644);
  EXPECT_THAT(StatusLines(Load().status()),
              ElementsAre(path_ + ": [node] data_dir: " + At("data") +
                          " is not a directory"));
  Edit("data_dir = \"data\"", "data_dir = \"data/sub/dir\"");
  EXPECT_THAT(StatusLines(Load().status()),
              ElementsAre(path_ + ": [node] data_dir: " + At("data/sub/dir") +
                          " does not exist, and " + At("data") +
                          " is not a writable directory to create it in"));
}

TEST_F(NodeFilesTest, TextAndFileProblemsAreReportedTogether) {
  Edit("[listen]\n", "[listen]\nadress = \"x\"\n");
  ASSERT_EQ(unlink(At("tls/stockport-cs.pem").c_str()), 0);
  absl::Status s = Load().status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  std::string cert = At("tls/stockport-cs.pem");
  EXPECT_THAT(
      StatusLines(s),
      ElementsAre(path_ + ":8: unknown key \"adress\" in [listen]; did "
                          "you mean \"address\"?",
                  path_ + ": [listen] tls_cert: " + cert + " does not exist",
                  path_ + ": [router] tls_cert: " + cert + " does not exist"));
}

// The config library only checks that the policy file can be read; the
// node parses it (MoveSettings in node_config.h).
TEST_F(NodeFilesTest, APolicyFileIsResolvedAndMustBeReadable) {
  text_ += "\n[move]\npolicy_file = \"policy/view-policy.toml\"\n";
  absl::Status missing = Load().status();
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(StatusLines(missing),
              ElementsAre(path_ + ": [move] policy_file: " +
                          At("policy/view-policy.toml") + " does not exist"));

  ASSERT_EQ(mkdir(At("policy").c_str(), 0755), 0);
  ASSERT_EQ(mkdir(At("policy/view-policy.toml").c_str(), 0755), 0);
  EXPECT_EQ(Load().status().code(), absl::StatusCode::kInvalidArgument);
  ASSERT_EQ(rmdir(At("policy/view-policy.toml").c_str()), 0);

  WriteTestFile(At("policy/view-policy.toml"), "# not parsed here\n", 0644);
  ASSERT_OK_AND_ASSIGN(NodeConfig c, Load());
  EXPECT_EQ(c.move.policy_file, At("policy/view-policy.toml"));
  EXPECT_OK(CheckNodeConfigFiles(c));
}

TEST_F(NodeFilesTest, TheConfigFileItselfIsChecked) {
  EXPECT_EQ(LoadNodeConfig(At("missing.toml")).status().code(),
            absl::StatusCode::kNotFound);
  WriteTestFile(At("big.toml"), std::string((1 << 20) + 1, '#'), 0644);
  EXPECT_EQ(LoadNodeConfig(At("big.toml")).status().code(),
            absl::StatusCode::kResourceExhausted);
}

class RouterFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = tmp_.path() + "/router.toml";
    WriteTestFile(path_, handover::testing::WriteRouterSetup(tmp_.path()),
                  0644);
  }
  std::string At(const std::string& relative) const {
    return tmp_.path() + "/" + relative;
  }
  handover::testing::TempDir tmp_;
  std::string path_;
};

TEST_F(RouterFilesTest, AGoodSetupLoads) {
  ASSERT_OK_AND_ASSIGN(RouterConfig c, LoadRouterConfig(path_));
  EXPECT_EQ(c.router.agency_id, "handover-router");
  EXPECT_EQ(c.router.key_dir, At("keys"));
  EXPECT_EQ(c.router.tls_key, At("tls/router.key"));
  EXPECT_EQ(c.router.directory, At("directory.signed"));
  EXPECT_OK(CheckRouterConfigFiles(c));
}

TEST_F(RouterFilesTest, EveryFileIsChecked) {
  ASSERT_EQ(chmod(At("keys/secret.key").c_str(), 0640), 0);
  ASSERT_EQ(unlink(At("directory.signed").c_str()), 0);
  ASSERT_EQ(chmod(At("tls/router.key").c_str(), 0604), 0);
  WriteTestFile(At("authority/public.key"), "junk", 0644);
  absl::Status s = LoadRouterConfig(path_).status();
  std::string key = At("tls/router.key");
  std::string secret = At("keys/secret.key");
  EXPECT_THAT(
      StatusLines(s),
      ElementsAre(path_ + ": [router] key_dir: " + secret +
                      " has mode 0640; secret key files must be 0600 (run: "
                      "chmod 600 " +
                      secret + ")",
                  path_ + ": [router] tls_key: " + key +
                      " has mode 0604; secret key files must be 0600 (run: "
                      "chmod 600 " +
                      key + ")",
                  path_ + ": [router] directory: " + At("directory.signed") +
                      " does not exist",
                  ::testing::StartsWith(path_ + ": [router] trust_root: ")));
}

TEST_F(RouterFilesTest, TheKeyMustBeTheRouters) {
  std::string text = handover::testing::ReadTestFile(path_);
  text.replace(text.find("\"handover-router\""), 17, "\"stockport-cs\"");
  WriteTestFile(path_, text, 0644);
  EXPECT_THAT(StatusLines(LoadRouterConfig(path_).status()),
              ElementsAre(path_ + ": [router] key_dir: " + At("keys") +
                          " holds the key of agency \"handover-router\", not "
                          "\"stockport-cs\""));
}

}  // namespace
}  // namespace handover::config

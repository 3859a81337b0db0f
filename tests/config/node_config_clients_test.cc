// The [[clients]] entries of a node config.
#include <string>

#include "config/config_test_util.h"
#include "config/node_config.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "status_matchers.h"

namespace handover::config {
namespace {

using handover::testing::kDigestA;
using handover::testing::kDigestB;
using handover::testing::StatusLines;
using ::testing::ElementsAre;

// Lines 1-16; [[clients]] entries follow from line 17.
constexpr char kBase[] = R"([node]
agency_id = "stockport-cs"
key_dir = "keys"
data_dir = "data"
trust_root = "authority.pub"
[listen]
address = "127.0.0.1:7443"
tls_cert = "node.pem"
tls_key = "node.key"
client_ca = "clients-ca.pem"
[router]
address = "localhost:8443"
agency_id = "handover-router"
tls_cert = "node.pem"
tls_key = "node.key"
ca = "ca.pem"
)";

std::string Client(const std::string& name, const std::string& role,
                   const std::string& credential) {
  return "[[clients]]\nname = \"" + name + "\"\nrole = \"" + role + "\"\n" +
         credential + "\n";
}
std::string Cert(const std::string& hex) {
  return "cert_sha256 = \"" + hex + "\"";
}
std::string Token(const std::string& hex) {
  return "token_sha256 = \"" + hex + "\"";
}

TEST(NodeConfigClientsTest, EveryRoleIsAccepted) {
  std::string text = std::string(kBase) +
                     Client("a", "submitter", Cert(kDigestA)) +
                     Client("b", "receiver", Token(kDigestA)) +
                     Client("c", "alert-operator", Token(kDigestB)) +
                     Client("d.e_f-9", "admin", Cert(kDigestB));
  ASSERT_OK_AND_ASSIGN(NodeConfig c, ParseNodeConfig(text, "node.toml"));
  ASSERT_EQ(c.clients.size(), 4u);
  EXPECT_EQ(c.clients[0].role, ClientRole::kSubmitter);
  EXPECT_EQ(c.clients[1].role, ClientRole::kReceiver);
  EXPECT_EQ(c.clients[2].role, ClientRole::kAlertOperator);
  EXPECT_EQ(c.clients[3].role, ClientRole::kAdmin);
  EXPECT_EQ(c.clients[3].name, "d.e_f-9");
  EXPECT_EQ(ClientRoleName(ClientRole::kAlertOperator), "alert-operator");
}

TEST(NodeConfigClientsTest, EachEntryIsChecked) {
  std::string text =
      std::string(kBase) + Client("reader", "reader", Cert(kDigestA)) +
      Client("both", "receiver", Cert(kDigestB) + "\n" + Token(kDigestB)) +
      "[[clients]]\nname = \"neither\"\nrole = \"admin\"\n" +
      Client("bad hex", "admin", Token("xyz")) +
      "[[clients]]\nrole = \"admin\"\ntoken = \"secret\"\n";
  EXPECT_THAT(
      StatusLines(ParseNodeConfig(text, "node.toml").status()),
      ElementsAre(
          "node.toml:19: [[clients]] role: unknown role \"reader\"; expected "
          "submitter, receiver, alert-operator or admin",
          "node.toml:21: [[clients]] \"both\" has both cert_sha256 and "
          "token_sha256; give exactly one",
          "node.toml:26: [[clients]] \"neither\" has neither cert_sha256 nor "
          "token_sha256; give exactly one",
          "node.toml:30: [[clients]] name: \"bad hex\" is not a valid client "
          "name; use 1 to 64 of A-Z a-z 0-9 . _ -",
          "node.toml:32: [[clients]] token_sha256: \"xyz\" is not a SHA-256 "
          "digest; expected 64 hex digits (colons between pairs are "
          "allowed)",
          "node.toml:33: missing required key \"name\" in [[clients]]",
          "node.toml:33: [[clients]] entry has neither cert_sha256 nor "
          "token_sha256; give exactly one",
          "node.toml:35: unknown key \"token\" in [[clients]]"));
}

TEST(NodeConfigClientsTest, NamesCertificatesAndTokensAreUnique) {
  std::string text = std::string(kBase) +
                     Client("case-system", "submitter", Cert(kDigestA)) +
                     Client("case-system", "receiver", Token(kDigestA)) +
                     Client("other", "admin", Cert(kDigestA)) +
                     Client("third", "admin", Token(kDigestA));
  EXPECT_THAT(
      StatusLines(ParseNodeConfig(text, "node.toml").status()),
      ElementsAre(
          "node.toml:22: [[clients]] name: duplicate client name "
          "\"case-system\" (first at line 17)",
          "node.toml:28: [[clients]] cert_sha256: another client has the "
          "same certificate (first at line 17)",
          "node.toml:32: [[clients]] token_sha256: another client has the "
          "same token (first at line 21)"));
}

TEST(NodeConfigClientsTest, CertificateClientsNeedAClientCa) {
  std::string text = std::string(kBase) +
                     Client("case-system", "submitter", Cert(kDigestA)) +
                     Client("token-user", "receiver", Token(kDigestB));
  text.erase(text.find("client_ca = \"clients-ca.pem\"\n"), 29);
  EXPECT_THAT(StatusLines(ParseNodeConfig(text, "node.toml").status()),
              ElementsAre("node.toml:19: [[clients]] cert_sha256: client "
                          "\"case-system\" authenticates by certificate, but "
                          "[listen] client_ca is not set"));
}

TEST(NodeConfigClientsTest, ClientsMustBeAnArrayOfTables) {
  std::string text = std::string(kBase) + "[clients]\nname = \"x\"\n";
  EXPECT_THAT(StatusLines(ParseNodeConfig(text, "node.toml").status()),
              ElementsAre("node.toml:17: clients must be an array of tables "
                          "([[clients]]), not a table"));
}

}  // namespace
}  // namespace handover::config

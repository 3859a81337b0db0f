// `handover keygen`, and the key checks every command that loads a key makes.
#include <filesystem>
#include <string>

#include "cli_fixture.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace handover::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;

using CliKeygenTest = CliTest;

// Hex of `n` bytes of the secret key file starting at `offset`.
std::string HexAt(const std::string& bytes, size_t offset, size_t n) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = offset; i < offset + n && i < bytes.size(); ++i) {
    out.push_back(kHex[(bytes[i] >> 4) & 0xf]);
    out.push_back(kHex[bytes[i] & 0xf]);
  }
  return out;
}

TEST_F(CliKeygenTest, WritesPrivateSecretKeyAndPublicKey) {
  CommandResult r = Handover(
      {"keygen", "--agency", "stockport-cs", "--out", "keys/stockport-cs"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(ModeOf("keys/stockport-cs/secret.key"), 0600);
  EXPECT_EQ(ModeOf("keys/stockport-cs"), 0700);
  EXPECT_TRUE(Exists("keys/stockport-cs/public.key"));
  EXPECT_THAT(r.out, HasSubstr("agency id          stockport-cs\n"));
  EXPECT_THAT(r.out,
              MatchesRegex("(.|\n)*signing key id +[0-9a-f]{32}\n(.|\n)*"));
  EXPECT_THAT(r.out,
              MatchesRegex("(.|\n)*encryption key id +[0-9a-f]{32}\n(.|\n)*"));
  // "HANDOVSK" 0x01 len "stockport-cs" then 64 + 32 secret bytes.
  const std::string secret = ReadFile("keys/stockport-cs/secret.key");
  const size_t keys_at = 8 + 1 + 1 + std::string("stockport-cs").size();
  for (size_t off = keys_at; off + 16 <= keys_at + 96; off += 16) {
    EXPECT_THAT(r.out, Not(HasSubstr(HexAt(secret, off, 16))));
  }
}

TEST_F(CliKeygenTest, JsonOutputNamesKeysAndFiles) {
  CommandResult r = Handover({"keygen", "--agency", "birmingham-cs", "--out",
                              "k", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["agency_id"], "birmingham-cs");
  EXPECT_EQ(j["signing_key_id"].get<std::string>().size(), 32u);
  EXPECT_EQ(j["encryption_key_id"].get<std::string>().size(), 32u);
  EXPECT_NE(j["signing_key_id"], j["encryption_key_id"]);
  EXPECT_EQ(j["secret_key_file"], "k/secret.key");
  EXPECT_EQ(j["public_key_file"], "k/public.key");
}

TEST_F(CliKeygenTest, RefusesToOverwriteASecretKey) {
  Keygen("stockport-cs");
  const std::string before = ReadFile(SecretKey("stockport-cs"));
  CommandResult r = Handover(
      {"keygen", "--agency", "stockport-cs", "--out", KeyDir("stockport-cs")});
  ExpectOneErrorLine(r, 1,
                     "handover keygen: keys/stockport-cs/secret.key already "
                     "exists; refusing to overwrite a secret key\n");
  EXPECT_EQ(ReadFile(SecretKey("stockport-cs")), before);
}

TEST_F(CliKeygenTest, RejectsABadAgencyId) {
  CommandResult r = Handover({"keygen", "--agency", "Bad/Id", "--out", "k"});
  ExpectOneErrorLine(r, 1, "handover keygen: ");
  EXPECT_FALSE(Exists("k"));
}

class CliKeyCheckTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    Keygen("stockport-cs");
    Keygen("birmingham-cs");
    WriteBundle("bundle.json");
  }
  CommandResult Seal() {
    return Handover({"seal", "--key", KeyDir("stockport-cs"), "--to",
                     PublicKey("birmingham-cs"), "--in", "bundle.json", "--out",
                     "t.hov"});
  }
};

TEST_F(CliKeyCheckTest, LooseSecretKeyPermissionsFail) {
  std::filesystem::permissions(Path(SecretKey("stockport-cs")),
                               std::filesystem::perms(0644));
  CommandResult r = Seal();
  ExpectOneErrorLine(r, 1,
                     "handover seal: keys/stockport-cs/secret.key has mode "
                     "0644; secret key files must be 0600");
  EXPECT_FALSE(Exists("t.hov"));
}

TEST_F(CliKeyCheckTest, CorruptSecretKeyFails) {
  FlipByteFromEnd(SecretKey("stockport-cs"), 20);
  CommandResult r = Seal();
  ExpectOneErrorLine(r, 1, "handover seal: keys/stockport-cs/secret.key: ");
  EXPECT_THAT(r.err, HasSubstr("corrupt"));
  EXPECT_FALSE(Exists("t.hov"));
}

TEST_F(CliKeyCheckTest, CorruptPublicKeyFails) {
  FlipByteFromEnd(PublicKey("birmingham-cs"), 20);
  CommandResult r = Seal();
  ExpectOneErrorLine(r, 1, "handover seal: keys/birmingham-cs/public.key: ");
  EXPECT_THAT(r.err, HasSubstr("corrupt"));
  EXPECT_FALSE(Exists("t.hov"));
}

TEST_F(CliKeyCheckTest, MissingKeyNamesThePath) {
  CommandResult r =
      Handover({"seal", "--key", "nowhere", "--to", PublicKey("birmingham-cs"),
                "--in", "bundle.json", "--out", "t.hov"});
  ExpectOneErrorLine(r, 1, "handover seal: ");
  EXPECT_THAT(r.err, HasSubstr("nowhere"));
  EXPECT_THAT(r.err, HasSubstr("No such file or directory"));
}

}  // namespace
}  // namespace handover::testing

// `handover directory revoke`, run as the real binary: it marks keys
// compromised in directory.json, ends their validity, lists a replacement,
// raises the version, and the result signs; every error is one line and
// writes nothing.
#include <string>
#include <vector>

#include "cli_fixture.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace handover::testing {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;

constexpr char kSince[] = "2026-03-01T09:30:00Z";

class CliDirectoryRevokeTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    Keygen("directory-authority");
    Keygen("stockport-cs");
    Keygen("gmp");
    CommandResult r = Handover(
        {"keygen", "--agency", "stockport-cs", "--out", "keys/stockport-cs-2"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    Json agencies = Json::array();
    int n = 0;
    for (const char* id : {"stockport-cs", "gmp"}) {
      agencies.push_back({{"id", id},
                          {"name", std::string(id) + " agency"},
                          {"kind", "AGENCY_KIND_OTHER"},
                          {"keys",
                           {{{"public_key_file", PublicKey(id)},
                             {"not_before", "2026-01-01T00:00:00Z"},
                             {"not_after", "2099-01-01T00:00:00Z"}}}},
                          {"tls_cert_sha256", std::string(63, 'a') + "01"[n++]},
                          {"status", "AGENCY_STATUS_ACTIVE"}});
    }
    original_ = Json{{"version", 4}, {"agencies", agencies}}.dump(2);
    WriteFile("directory.json", original_);
  }

  CommandResult Revoke(std::vector<std::string> extra) {
    std::vector<std::string> args = {"directory", "revoke", "--in",
                                     "directory.json"};
    args.insert(args.end(), extra.begin(), extra.end());
    return Handover(args);
  }

  std::string original_;
};

TEST_F(CliDirectoryRevokeTest, MarksEveryKeyAndAddsTheReplacement) {
  CommandResult r =
      Revoke({"--agency", "stockport-cs", "--compromised-since", kSince,
              "--replacement-key", "keys/stockport-cs-2/public.key"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_THAT(r.out, HasSubstr("wrote directory.json (version 5)\n"));
  EXPECT_THAT(r.out, HasSubstr(": compromised since 2026-03-01T09:30:00Z, "
                               "not_after now "));
  EXPECT_THAT(r.out, HasSubstr(": added as replacement, valid from "));
  EXPECT_THAT(r.out, HasSubstr("next: handover directory sign"));

  Json j = Json::parse(ReadFile("directory.json"));
  EXPECT_EQ(j["version"], "5");  // proto3 JSON writes uint64 as a string
  const Json& keys = j["agencies"][0]["keys"];
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0]["compromised_since"], kSince);
  EXPECT_NE(keys[0]["not_after"], "2099-01-01T00:00:00Z");
  EXPECT_EQ(keys[1]["public_key_file"], "keys/stockport-cs-2/public.key");
  EXPECT_FALSE(keys[1].contains("compromised_since"));
  // gmp is untouched.
  EXPECT_FALSE(j["agencies"][1]["keys"][0].contains("compromised_since"));

  // It signs, and the signed directory carries the compromise.
  CommandResult s =
      Handover({"directory", "sign", "--authority-key",
                KeyDir("directory-authority"), "--in", "directory.json",
                "--out", "directory.signed", "--format", "json"});
  ASSERT_EQ(s.exit_code, 0) << s.err;
  EXPECT_EQ(Json::parse(s.out)["agencies"][0]["keys"].size(), 2u);
}

TEST_F(CliDirectoryRevokeTest, OnlyTheNamedKeyAndToAnotherFile) {
  CommandResult show =
      Revoke({"--agency", "stockport-cs", "--compromised-since", kSince,
              "--out", "first.json"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  // The id printed is the one --key takes.
  const std::string marker = "key ";
  const size_t at = show.out.find("\n" + marker);
  ASSERT_NE(at, std::string::npos) << show.out;
  const std::string key_id = show.out.substr(at + 1 + marker.size(), 32);
  EXPECT_EQ(ReadFile("directory.json"), original_);  // --in is untouched

  CommandResult r = Revoke({"--agency", "stockport-cs", "--compromised-since",
                            kSince, "--key", key_id, "--out", "second.json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Json j = Json::parse(ReadFile("second.json"));
  EXPECT_EQ(j["agencies"][0]["keys"][0]["compromised_since"], kSince);
  // No key left valid and no replacement: a warning, not a failure.
  EXPECT_THAT(r.err, HasSubstr("warning: agency \"stockport-cs\" has no valid "
                               "key left"));
}

TEST_F(CliDirectoryRevokeTest, ErrorsAreOneLineAndWriteNothing) {
  struct Case {
    std::vector<std::string> args;
    std::string says;
  };
  const std::vector<Case> cases = {
      {{"--agency", "nobody", "--compromised-since", kSince},
       "agency \"nobody\" is not in directory.json"},
      {{"--agency", "stockport-cs", "--compromised-since", kSince, "--key",
        std::string(32, '0')},
       "has no signing key"},
      {{"--agency", "stockport-cs", "--compromised-since",
        "2999-01-01T00:00:00Z"},
       "is in the future"},
      {{"--agency", "stockport-cs", "--compromised-since", "yesterday"},
       "is not an RFC 3339 time"},
      {{"--agency", "stockport-cs", "--compromised-since", kSince,
        "--replacement-key", PublicKey("gmp")},
       "is a key of agency \"gmp\""},
      {{"--agency", "stockport-cs", "--compromised-since", kSince,
        "--replacement-key", PublicKey("stockport-cs")},
       "is already listed"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.says);
    CommandResult r = Revoke(c.args);
    ExpectOneErrorLine(r, 1, "handover directory revoke: ");
    EXPECT_THAT(r.err, HasSubstr(c.says));
    EXPECT_EQ(ReadFile("directory.json"), original_);
  }
  CommandResult missing = Handover(
      {"directory", "revoke", "--in", "directory.json", "--agency", "gmp"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("--compromised-since"));
}

}  // namespace
}  // namespace handover::testing

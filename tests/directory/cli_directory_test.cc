// `handover directory sign|verify|show`, run as the real binary.
#include <string>
#include <vector>

#include "cli_fixture.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace handover::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using Json = nlohmann::json;

struct ExampleAgency {
  std::string id, name, kind;
  std::vector<std::string> areas;
};

const std::vector<ExampleAgency>& SixAgencies() {
  static const auto* agencies = new std::vector<ExampleAgency>{
      {"stockport-cs",
       "Stockport Children's Services",
       "AGENCY_KIND_LOCAL_AUTHORITY_CHILDRENS_SERVICES",
       {"E08000007"}},
      {"stockport-health",
       "Stockport Health Team",
       "AGENCY_KIND_HEALTH_TEAM",
       {"E08000007"}},
      {"birmingham-cs",
       "Birmingham Children's Services",
       "AGENCY_KIND_LOCAL_AUTHORITY_CHILDRENS_SERVICES",
       {"E08000025"}},
      {"birmingham-health",
       "Birmingham Health Team",
       "AGENCY_KIND_HEALTH_TEAM",
       {"E08000025"}},
      {"greater-manchester-police",
       "Greater Manchester Police",
       "AGENCY_KIND_POLICE_FORCE",
       {"E08000001", "E08000003", "E08000007"}},
      {"west-midlands-police",
       "West Midlands Police",
       "AGENCY_KIND_POLICE_FORCE",
       {"E08000025", "E08000026"}},
  };
  return *agencies;
}

class CliDirectoryTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    Keygen("directory-authority");
    for (const auto& a : SixAgencies()) Keygen(a.id);
  }

  // directory.json for the six agencies, as a script would write it.
  Json SourceJson(int version) {
    Json agencies = Json::array();
    int n = 0;
    for (const auto& a : SixAgencies()) {
      agencies.push_back(
          {{"id", a.id},
           {"name", a.name},
           {"kind", a.kind},
           {"areas", a.areas},
           {"keys",
            {{{"public_key_file", PublicKey(a.id)},
              {"not_before", "2026-01-01T00:00:00Z"},
              {"not_after", "2027-01-01T00:00:00Z"}}}},
           {"tls_cert_sha256", std::string(63, 'a') + "0123456789"[n++]},
           {"status", "AGENCY_STATUS_ACTIVE"}});
    }
    return {{"version", version}, {"agencies", agencies}};
  }

  CommandResult Sign(const Json& source,
                     const std::string& out = "directory.signed") {
    WriteFile("directory.json", source.dump(2));
    return Handover({"directory", "sign", "--authority-key",
                     KeyDir("directory-authority"), "--in", "directory.json",
                     "--out", out});
  }
  CommandResult Verify(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {
        "directory",    "verify",
        "--trust-root", PublicKey("directory-authority"),
        "--in",         "directory.signed"};
    args.insert(args.end(), extra.begin(), extra.end());
    return Handover(args);
  }
};

TEST_F(CliDirectoryTest, SignThenVerifySixAgencies) {
  CommandResult s = Sign(SourceJson(1));
  ASSERT_EQ(s.exit_code, 0) << s.err;
  EXPECT_EQ(s.err, "");
  EXPECT_THAT(s.out, HasSubstr("signed            directory.signed\n"));
  EXPECT_THAT(s.out, HasSubstr("version           1\n"));
  EXPECT_THAT(s.out, HasSubstr("agencies          6 (6 active, 0 revoked)\n"));
  EXPECT_THAT(s.out, MatchesRegex("(.|\n)*authority key id +[0-9a-f]{32}\n"
                                  "(.|\n)*"));
  EXPECT_EQ(ModeOf("directory.signed"), 0644);

  CommandResult v = Verify({"--min-version", "1"});
  ASSERT_EQ(v.exit_code, 0) << v.err;
  EXPECT_THAT(v.out, HasSubstr("signature         valid, by the trust root "
                               "in keys/directory-authority/public.key\n"));
  EXPECT_THAT(v.out, HasSubstr("west-midlands-police: West Midlands Police; "
                               "police force; active; areas E08000025 "
                               "E08000026; 1 key\n"));
}

TEST_F(CliDirectoryTest, VerifyJsonIsForScripts) {
  ASSERT_EQ(Sign(SourceJson(4)).exit_code, 0);
  CommandResult v = Verify({"--format", "json"});
  ASSERT_EQ(v.exit_code, 0) << v.err;
  Json j = Json::parse(v.out);
  EXPECT_EQ(j["verified"], true);
  EXPECT_EQ(j["version"], 4);
  EXPECT_EQ(j["agency_count"], 6);
  EXPECT_EQ(j["agencies"][0]["id"], "stockport-cs");
  EXPECT_EQ(j["agencies"][0]["status"], "AGENCY_STATUS_ACTIVE");
  EXPECT_EQ(j["agencies"][0]["keys"][0]["not_after"], "2027-01-01T00:00:00Z");
  EXPECT_EQ(
      j["agencies"][0]["keys"][0]["signing_key_id"].get<std::string>().size(),
      32u);
}

TEST_F(CliDirectoryTest, ShowSaysItDoesNotVerify) {
  ASSERT_EQ(Sign(SourceJson(2)).exit_code, 0);
  CommandResult r = Handover({"directory", "show", "--in", "directory.signed"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("signature         NOT VERIFIED"));
  EXPECT_THAT(r.out, HasSubstr("version           2\n"));
  CommandResult j = Handover(
      {"directory", "show", "--in", "directory.signed", "--format", "json"});
  ASSERT_EQ(j.exit_code, 0) << j.err;
  EXPECT_EQ(Json::parse(j.out)["verified"], false);
}

TEST_F(CliDirectoryTest, WrongTrustRootFailsWithOneLine) {
  ASSERT_EQ(Sign(SourceJson(1)).exit_code, 0);
  CommandResult r =
      Handover({"directory", "verify", "--trust-root",
                PublicKey("stockport-cs"), "--in", "directory.signed"});
  ExpectOneErrorLine(r, 1,
                     "handover directory verify: directory.signed: directory "
                     "is signed by authority key ");
}

TEST_F(CliDirectoryTest, TamperedFileFailsWithOneLine) {
  ASSERT_EQ(Sign(SourceJson(1)).exit_code, 0);
  // The directory bytes come first; flip one in the middle of them.
  std::string bytes = ReadFile("directory.signed");
  bytes[bytes.size() / 2] ^= 0x01;
  WriteFile("directory.signed", bytes);
  CommandResult r = Verify();
  ExpectOneErrorLine(r, 1, "handover directory verify: directory.signed: ");
  EXPECT_THAT(r.err, HasSubstr("does not verify"));
}

TEST_F(CliDirectoryTest, OlderThanMinVersionIsARollback) {
  ASSERT_EQ(Sign(SourceJson(3)).exit_code, 0);
  CommandResult r = Verify({"--min-version", "4"});
  ExpectOneErrorLine(r, 1,
                     "handover directory verify: directory.signed: directory "
                     "version 3 is older than version 4");
}

TEST_F(CliDirectoryTest, NegativeMinVersionIsAUsageError) {
  ASSERT_EQ(Sign(SourceJson(3)).exit_code, 0);
  ExpectOneErrorLine(Verify({"--min-version", "-1"}), 2, "handover directory");
}

TEST_F(CliDirectoryTest, SignRefusesAVersionThatDoesNotRise) {
  ASSERT_EQ(Sign(SourceJson(5)).exit_code, 0);
  const std::string before = ReadFile("directory.signed");
  ExpectOneErrorLine(Sign(SourceJson(5)), 1,
                     "handover directory sign: directory.signed holds "
                     "directory version 5; the new directory has version 5");
  EXPECT_EQ(ReadFile("directory.signed"), before);
  ASSERT_EQ(Sign(SourceJson(6)).exit_code, 0);
  EXPECT_EQ(Verify({"--min-version", "6"}).exit_code, 0);
}

TEST_F(CliDirectoryTest, SignRefusesToOverwriteAnotherKindOfFile) {
  WriteFile("notes.txt", "not a directory");
  ExpectOneErrorLine(Sign(SourceJson(1), "notes.txt"), 1,
                     "handover directory sign: notes.txt exists and is not a "
                     "signed directory; refusing to overwrite it\n");
  EXPECT_EQ(ReadFile("notes.txt"), "not a directory");
}

TEST_F(CliDirectoryTest, SignRefusesAnInvalidDirectory) {
  Json source = SourceJson(1);
  source["agencies"][2]["areas"] = {"Birmingham"};
  ExpectOneErrorLine(Sign(source), 1,
                     "handover directory sign: directory.json: directory is "
                     "invalid: agency \"birmingham-cs\": areas[0] is not an "
                     "ONS GSS code");
  EXPECT_FALSE(Exists("directory.signed"));
}

TEST_F(CliDirectoryTest, SignRefusesAnUnknownField) {
  Json source = SourceJson(1);
  source["agencies"][0]["revoked"] = true;
  ExpectOneErrorLine(Sign(source), 1,
                     "handover directory sign: directory.json: ");
  EXPECT_FALSE(Exists("directory.signed"));
}

TEST_F(CliDirectoryTest, RevokingAnAgency) {
  Json source = SourceJson(1);
  source["agencies"][5]["status"] = "AGENCY_STATUS_REVOKED";
  source["agencies"][5]["revoked_at"] = "2026-03-01T12:00:00Z";
  CommandResult s = Sign(source);
  ASSERT_EQ(s.exit_code, 0) << s.err;
  CommandResult v = Verify();
  ASSERT_EQ(v.exit_code, 0) << v.err;
  EXPECT_THAT(v.out, HasSubstr("agencies          6 (5 active, 1 revoked)\n"));
  EXPECT_THAT(v.out, HasSubstr("West Midlands Police; police force; revoked "
                               "2026-03-01T12:00:00Z;"));
}

TEST_F(CliDirectoryTest, RotationListsTheNextKey) {
  Keygen("stockport-cs-next");  // directory name only; the id must match
  CommandResult bad = Sign([&] {
    Json source = SourceJson(1);
    source["agencies"][0]["keys"].push_back(
        {{"public_key_file", PublicKey("stockport-cs-next")},
         {"not_before", "2026-12-01T00:00:00Z"},
         {"not_after", "2027-12-01T00:00:00Z"}});
    return source;
  }());
  ExpectOneErrorLine(bad, 1,
                     "handover directory sign: directory.json: agency "
                     "\"stockport-cs\": keys[1].public_key_file: ");
  EXPECT_THAT(bad.err, HasSubstr("is a key of agency \"stockport-cs-next\""));

  ASSERT_EQ(Handover({"keygen", "--agency", "stockport-cs", "--out",
                      "keys/stockport-cs-2027"})
                .exit_code,
            0);
  Json source = SourceJson(1);
  source["agencies"][0]["keys"].push_back(
      {{"public_key_file", "keys/stockport-cs-2027"},
       {"not_before", "2026-12-01T00:00:00Z"},
       {"not_after", "2027-12-01T00:00:00Z"}});
  ASSERT_EQ(Sign(source).exit_code, 0);
  CommandResult v = Verify();
  ASSERT_EQ(v.exit_code, 0) << v.err;
  EXPECT_THAT(v.out, HasSubstr("areas E08000007; 2 keys\n"));
}

TEST_F(CliDirectoryTest, MissingAuthorityKeyNamesTheFile) {
  WriteFile("directory.json", SourceJson(1).dump());
  CommandResult r =
      Handover({"directory", "sign", "--authority-key", "keys/nobody", "--in",
                "directory.json", "--out", "directory.signed"});
  ExpectOneErrorLine(r, 1, "handover directory sign: ");
  EXPECT_THAT(r.err, HasSubstr("keys/nobody"));
}

class CliDirectoryHelpTest : public CliTest,
                             public ::testing::WithParamInterface<std::string> {
};

TEST_P(CliDirectoryHelpTest, PrintsUsageAndExample) {
  CommandResult r = Handover({"directory", GetParam(), "--help"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Usage: handover directory " + GetParam()));
  EXPECT_THAT(r.out, HasSubstr("Example"));
  EXPECT_THAT(r.out, HasSubstr("handover directory " + GetParam() + " --"));
}

INSTANTIATE_TEST_SUITE_P(Directory, CliDirectoryHelpTest,
                         ::testing::Values("sign", "verify", "show"));

TEST_F(CliDirectoryTest, GroupWithoutSubcommandIsAUsageError) {
  ExpectOneErrorLine(Handover({"directory"}), 2, "handover directory: ");
}

}  // namespace
}  // namespace handover::testing

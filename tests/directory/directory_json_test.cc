// directory.json: strict parsing, key files, and the AgencySource mirror.
#include "directory/directory_json.h"

#include <google/protobuf/descriptor.h>

#include <filesystem>
#include <string>

#include "common/file_util.h"
#include "crypto/key_file.h"
#include "directory/directory_validate.h"
#include "directory_test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "status_matchers.h"
#include "temp_dir.h"

namespace handover::directory {
namespace {

namespace v1 = handover::v1;
using ::testing::HasSubstr;
using testing::kT0;
using testing::NewIdentity;
using ::testing::StartsWith;

constexpr char kAgency[] = R"({
  "id": "stockport-cs",
  "name": "Stockport Children's Services",
  "kind": "AGENCY_KIND_LOCAL_AUTHORITY_CHILDRENS_SERVICES",
  "areas": ["E08000007"],
  "keys": [{"public_key_file": "keys/stockport-cs",
            "not_before": "2026-01-01T00:00:00Z",
            "notAfter": "2027-01-01T00:00:00Z"}],
  "tls_cert_sha256": "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
  "status": "AGENCY_STATUS_ACTIVE"
})";

std::string Source(const std::string& agency = kAgency) {
  return R"({"version": "3", "agencies": [)" + agency + "]}";
}

class DirectoryJsonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK(crypto::WriteKeyDirectory(dir_.path() + "/keys/stockport-cs",
                                        stockport_));
  }
  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = dir_.path() + "/" + name;
    EXPECT_OK(MakeDirectories(
        std::filesystem::path(path).parent_path().string(), 0700));
    EXPECT_OK(WriteFileAtomically(path, text, 0644));
    return path;
  }

  handover::testing::TempDir dir_;
  crypto::SecretIdentity stockport_ = NewIdentity("stockport-cs");
};

TEST_F(DirectoryJsonTest, BuildsASignableDirectoryFromKeyFiles) {
  const std::string path = Write("directory.json", Source());
  ASSERT_OK_AND_ASSIGN(const v1::Directory d, ReadDirectoryJsonFile(path, kT0));
  EXPECT_EQ(d.version(), 3u);
  EXPECT_EQ(d.issued_at().seconds(), absl::ToUnixSeconds(kT0));
  ASSERT_EQ(d.agencies_size(), 1);
  const v1::Agency& a = d.agencies(0);
  EXPECT_EQ(a.name(), "Stockport Children's Services");
  EXPECT_EQ(a.status(), v1::AGENCY_STATUS_ACTIVE);
  ASSERT_EQ(a.keys_size(), 1);
  EXPECT_EQ(a.keys(0).sign_public_key(),
            stockport_.public_identity().sign_public_key);
  EXPECT_EQ(a.keys(0).box_public_key(),
            stockport_.public_identity().box_public_key);
  EXPECT_EQ(a.keys(0).not_after().seconds(), 1798761600);
  EXPECT_OK(ValidateDirectory(d));
}

TEST_F(DirectoryJsonTest, CarriesAKeysCompromiseTime) {
  std::string agency = kAgency;
  const std::string after = R"("notAfter": "2027-01-01T00:00:00Z")";
  agency.replace(agency.find(after), after.size(),
                 after + R"(, "compromised_since": "2026-06-01T12:00:00Z")");
  const std::string path = Write("directory.json", Source(agency));
  ASSERT_OK_AND_ASSIGN(const v1::Directory d, ReadDirectoryJsonFile(path, kT0));
  ASSERT_EQ(d.agencies(0).keys_size(), 1);
  ASSERT_TRUE(d.agencies(0).keys(0).has_compromised_since());
  EXPECT_EQ(d.agencies(0).keys(0).compromised_since().seconds(), 1780315200);
  EXPECT_OK(ValidateDirectory(d));
}

// The key source's time fields are AgencyKey's, by name and type.
TEST(DirectorySourceSchemaTest, AgencyKeySourceCarriesEveryKeyTime) {
  const auto* key = v1::AgencyKey::descriptor();
  const auto* source = v1::AgencyKeySource::descriptor();
  for (const char* name : {"not_before", "not_after", "compromised_since"}) {
    const auto* field = key->FindFieldByName(name);
    const auto* twin = source->FindFieldByName(name);
    ASSERT_NE(field, nullptr) << name;
    ASSERT_NE(twin, nullptr) << name;
    EXPECT_EQ(twin->message_type(), field->message_type()) << name;
  }
}

TEST_F(DirectoryJsonTest, KeyPathsAreRelativeToTheJsonFile) {
  const std::string path = Write("sub/directory.json", "");
  std::string agency = kAgency;
  agency.replace(agency.find("keys/stockport-cs"), 17,
                 "../keys/stockport-cs/public.key");
  ASSERT_OK(WriteFileAtomically(path, Source(agency), 0644));
  EXPECT_OK(ReadDirectoryJsonFile(path, kT0).status());
}

TEST_F(DirectoryJsonTest, KeyFileOfAnotherAgencyIsRefused) {
  ASSERT_OK(
      crypto::WriteKeyDirectory(dir_.path() + "/keys/gmp", NewIdentity("gmp")));
  std::string agency = kAgency;
  agency.replace(agency.find("keys/stockport-cs"), 17, "keys/gmp");
  const std::string path = Write("directory.json", Source(agency));
  const auto d = ReadDirectoryJsonFile(path, kT0);
  EXPECT_EQ(d.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(d.status().message()),
              StartsWith(path + ": agency "
                                "\"stockport-cs\": keys[0]."
                                "public_key_file: "));
  EXPECT_THAT(std::string(d.status().message()),
              HasSubstr("is a key of agency \"gmp\", not of this one"));
}

TEST_F(DirectoryJsonTest, MissingKeyFileIsNotFound) {
  std::string agency = kAgency;
  agency.replace(agency.find("keys/stockport-cs"), 17, "keys/nobody.key");
  const auto d =
      ReadDirectoryJsonFile(Write("directory.json", Source(agency)), kT0);
  EXPECT_EQ(d.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(d.status().message()), HasSubstr("keys/nobody.key"));
}

TEST_F(DirectoryJsonTest, KeyWithoutFileIsInvalid) {
  std::string agency = kAgency;
  const std::string entry = R"("public_key_file": "keys/stockport-cs",)";
  agency.replace(agency.find(entry), entry.size(), "");
  const auto d =
      ReadDirectoryJsonFile(Write("directory.json", Source(agency)), kT0);
  EXPECT_EQ(d.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(d.status().message()),
              HasSubstr("public_key_file is missing"));
}

TEST_F(DirectoryJsonTest, OversizedFileIsResourceExhausted) {
  const std::string path =
      Write("big.json", std::string(kMaxDirectoryJsonBytes + 1, ' '));
  EXPECT_EQ(ReadDirectoryJsonFile(path, kT0).status().code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(
      ParseDirectorySourceJson(std::string(kMaxDirectoryJsonBytes + 1, ' '))
          .status()
          .code(),
      absl::StatusCode::kResourceExhausted);
}

struct BadJson {
  std::string name;
  std::string json;
  std::string message;
};

class DirectoryJsonStrictTest : public ::testing::TestWithParam<BadJson> {};

TEST_P(DirectoryJsonStrictTest, IsInvalidArgument) {
  const auto parsed = ParseDirectorySourceJson(GetParam().json);
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument)
      << parsed.status();
  EXPECT_THAT(std::string(parsed.status().message()),
              HasSubstr(GetParam().message));
}

INSTANTIATE_TEST_SUITE_P(
    Directory, DirectoryJsonStrictTest,
    ::testing::Values(
        BadJson{"UnknownField", R"({"version": 1, "agencys": []})", "agencys"},
        BadJson{"UnknownNestedField",
                R"({"agencies": [{"id": "a", "revoked": true}]})", "revoked"},
        BadJson{"RepeatedKey",
                R"({"agencies": [{"status": "AGENCY_STATUS_REVOKED",
                                  "status": "AGENCY_STATUS_ACTIVE"}]})",
                "field \"status\" appears more than once"},
        BadJson{
            "RepeatedKeyInTwoSpellings",
            R"({"agencies": [{"tls_cert_sha256": "", "tlsCertSha256": ""}]})",
            "field \"tlsCertSha256\" appears more than once"},
        BadJson{"TrailingComma", R"({"version": 1,})", "not valid JSON"},
        BadJson{"SingleQuotes", R"({'version': 1})", "not valid JSON"},
        BadJson{"UnquotedKey", R"({version: 1})", "not valid JSON"},
        BadJson{"Comment", "{/* v */ \"version\": 1}", "not valid JSON"},
        BadJson{"TrailingData", R"({"version": 1} {})", "not valid JSON"},
        BadJson{"Null", R"({"version": null})", "null is not allowed"},
        BadJson{"NullInArray", R"({"agencies": [null]})",
                "null is not allowed"},
        BadJson{"ByteOrderMark", "\xef\xbb\xbf{}", "byte order mark"},
        BadJson{"InvalidUtf8", "{\"agencies\": [{\"name\": \"\xff\"}]}",
                "not valid JSON"},
        BadJson{"TooDeep",
                R"({"agencies": [{"keys": [{"not_before": [[[[]]]]}]}]})",
                "nested more than 8 deep"},
        BadJson{"UnknownEnumName",
                R"({"agencies": [{"kind": "AGENCY_KIND_SCHOOL"}]})", "kind"},
        BadJson{"LowerCaseEnumName",
                R"({"agencies": [{"status": "agency_status_active"}]})",
                "status"},
        BadJson{"NegativeVersion", R"({"version": -1})", "version"},
        BadJson{"BadTimestamp",
                R"({"agencies": [{"keys": [{"not_before": "yesterday"}]}]})",
                "not_before"},
        BadJson{"NotAnObject", R"([])", ""}),
    [](const auto& info) { return info.param.name; });

// AgencySource is copied to Agency through the wire format, so every Agency
// field but `keys` needs a twin with the same name, number and type.
TEST(DirectorySourceSchemaTest, AgencySourceMirrorsAgency) {
  const auto* agency = v1::Agency::descriptor();
  const auto* source = v1::AgencySource::descriptor();
  for (int i = 0; i < agency->field_count(); ++i) {
    const auto* field = agency->field(i);
    if (field->name() == "keys") continue;
    const auto* twin = source->FindFieldByName(field->name());
    ASSERT_NE(twin, nullptr) << field->name();
    EXPECT_EQ(twin->number(), field->number()) << field->name();
    EXPECT_EQ(twin->type(), field->type()) << field->name();
    EXPECT_EQ(twin->is_repeated(), field->is_repeated()) << field->name();
    if (field->message_type() != nullptr) {
      EXPECT_EQ(twin->message_type(), field->message_type()) << field->name();
    }
    if (field->enum_type() != nullptr) {
      EXPECT_EQ(twin->enum_type(), field->enum_type()) << field->name();
    }
  }
  EXPECT_EQ(
      source->FindFieldByNumber(agency->FindFieldByName("keys")->number()),
      nullptr);
}

TEST(DirectorySourceSchemaTest, EveryAgencyFieldIsCopied) {
  v1::DirectorySource source;
  v1::AgencySource* a = source.add_agencies();
  a->set_id("x");
  a->set_name("X");
  a->set_kind(v1::AGENCY_KIND_OTHER);
  a->add_areas("E08000001");
  a->set_tls_cert_sha256("ab");
  a->set_status(v1::AGENCY_STATUS_REVOKED);
  a->mutable_revoked_at()->set_seconds(5);
  a->mutable_compromised_since()->set_seconds(4);
  ASSERT_OK_AND_ASSIGN(const v1::Directory d, BuildDirectory(source, "", kT0));
  v1::Agency expected;
  expected.set_id("x");
  expected.set_name("X");
  expected.set_kind(v1::AGENCY_KIND_OTHER);
  expected.add_areas("E08000001");
  expected.set_tls_cert_sha256("ab");
  expected.set_status(v1::AGENCY_STATUS_REVOKED);
  expected.mutable_revoked_at()->set_seconds(5);
  expected.mutable_compromised_since()->set_seconds(4);
  EXPECT_EQ(d.agencies(0).SerializeAsString(), expected.SerializeAsString());
}

}  // namespace
}  // namespace handover::directory

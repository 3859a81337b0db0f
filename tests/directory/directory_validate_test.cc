// Every ValidateDirectory rule, one broken at a time on a valid directory.
#include "directory/directory_validate.h"

#include <functional>
#include <string>
#include <vector>

#include "directory_test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "status_matchers.h"

namespace handover::directory {
namespace {

namespace v1 = handover::v1;
using ::testing::HasSubstr;
using testing::kT0;
using testing::NewIdentity;
using testing::Ts;
using testing::ValidDirectory;

struct RuleCase {
  std::string name;
  std::function<void(v1::Directory*)> mutate;
  std::string message;  // a substring of the expected error
};

v1::Agency* First(v1::Directory* d) { return d->mutable_agencies(0); }
v1::AgencyKey* FirstKey(v1::Directory* d) { return First(d)->mutable_keys(0); }

// A second key for `id`, valid for the second year after kT0.
v1::AgencyKey KeyOfNew(const std::string& id) {
  return testing::KeyOf(NewIdentity(id).public_identity(),
                        kT0 + absl::Hours(24 * 300),
                        kT0 + absl::Hours(24 * 700));
}

void Revoke(v1::Agency* a) {
  a->set_status(v1::AGENCY_STATUS_REVOKED);
  *a->mutable_revoked_at() = Ts(kT0);
}

std::vector<RuleCase> DirectoryCases() {
  return {
      {"VersionZero", [](v1::Directory* d) { d->set_version(0); },
       "directory is invalid: version must be at least 1"},
      {"IssuedAtMissing", [](v1::Directory* d) { d->clear_issued_at(); },
       "directory is invalid: issued_at is missing"},
      {"IssuedAtOutOfRange",
       [](v1::Directory* d) {
         d->mutable_issued_at()->set_seconds(253402300800);
       },
       "issued_at is outside years 0001 to 9999"},
      {"TooManyAgencies",
       [](v1::Directory* d) {
         for (int i = 0; i < kMaxAgencies; ++i) d->add_agencies();
       },
       "agencies; the limit is 10000"},
      {"BadId", [](v1::Directory* d) { First(d)->set_id("Stockport CS"); },
       "directory is invalid: agencies[0].id: agency id may hold only"},
      {"DuplicateId", [](v1::Directory* d) { First(d)->set_id("gmp"); },
       "agency \"gmp\": id is listed more than once"},
  };
}

std::vector<RuleCase> AgencyCases() {
  return {
      {"NameMissing", [](v1::Directory* d) { First(d)->set_name("  "); },
       "agency \"stockport-cs\": name is missing"},
      {"NameTooLong",
       [](v1::Directory* d) { First(d)->set_name(std::string(201, 'n')); },
       "agency \"stockport-cs\": name is 201 bytes; the limit is 200"},
      {"NameControlCharacter",
       [](v1::Directory* d) { First(d)->set_name("Stockport\nCS"); },
       "agency \"stockport-cs\": name holds a control character"},
      {"KindMissing",
       [](v1::Directory* d) {
         First(d)->set_kind(v1::AGENCY_KIND_UNSPECIFIED);
       },
       "agency \"stockport-cs\": kind is missing"},
      {"KindUnknown",
       [](v1::Directory* d) {
         First(d)->set_kind(static_cast<v1::AgencyKind>(42));
       },
       "agency \"stockport-cs\": kind 42 is not known"},
      {"StatusMissing",
       [](v1::Directory* d) {
         First(d)->set_status(v1::AGENCY_STATUS_UNSPECIFIED);
       },
       "agency \"stockport-cs\": status is missing"},
      {"StatusUnknown",
       [](v1::Directory* d) {
         First(d)->set_status(static_cast<v1::AgencyStatus>(7));
       },
       "agency \"stockport-cs\": status 7 is not known"},
      {"AreaLowerCase",
       [](v1::Directory* d) { First(d)->set_areas(0, "e08000007"); },
       "agency \"stockport-cs\": areas[0] is not an ONS GSS code"},
      {"AreaTooShort",
       [](v1::Directory* d) { First(d)->add_areas("E0800000"); },
       "agency \"stockport-cs\": areas[1] is not an ONS GSS code"},
      {"AreaNotDigits",
       [](v1::Directory* d) { First(d)->add_areas("E08O00007"); },
       "areas[1] is not an ONS GSS code"},
      {"AreaTwice", [](v1::Directory* d) { First(d)->add_areas("E08000007"); },
       "agency \"stockport-cs\": areas[1] E08000007 is listed more than once"},
      {"TooManyAreas",
       [](v1::Directory* d) {
         for (int i = 0; i < kMaxAreasPerAgency; ++i) {
           First(d)->add_areas("E08000007");
         }
       },
       "lists 1025 areas; the limit is 1024"},
  };
}

std::vector<RuleCase> KeyCases() {
  return {
      {"ActiveWithoutKeys", [](v1::Directory* d) { First(d)->clear_keys(); },
       "agency \"stockport-cs\": an active agency needs at least one key"},
      {"TooManyKeys",
       [](v1::Directory* d) {
         for (int i = 0; i < kMaxKeysPerAgency; ++i) {
           *First(d)->add_keys() = First(d)->keys(0);
         }
       },
       "lists 9 keys; the limit is 8"},
      {"SignKeyShort",
       [](v1::Directory* d) {
         FirstKey(d)->mutable_sign_public_key()->pop_back();
       },
       "keys[0].sign_public_key must be 32 bytes, got 31"},
      {"BoxKeyLong",
       [](v1::Directory* d) {
         FirstKey(d)->mutable_box_public_key()->push_back('x');
       },
       "keys[0].box_public_key must be 32 bytes, got 33"},
      {"NotBeforeMissing",
       [](v1::Directory* d) { FirstKey(d)->clear_not_before(); },
       "agency \"stockport-cs\": keys[0].not_before is missing"},
      {"NotAfterMissing",
       [](v1::Directory* d) { FirstKey(d)->clear_not_after(); },
       "agency \"stockport-cs\": keys[0].not_after is missing"},
      {"NotAfterEqualsNotBefore",
       [](v1::Directory* d) {
         *FirstKey(d)->mutable_not_after() = FirstKey(d)->not_before();
       },
       "keys[0]: not_before must be before not_after"},
      {"NotAfterBeforeNotBefore",
       [](v1::Directory* d) {
         *FirstKey(d)->mutable_not_after() = Ts(kT0 - absl::Seconds(1));
       },
       "keys[0]: not_before must be before not_after"},
      {"BadNanos",
       [](v1::Directory* d) {
         FirstKey(d)->mutable_not_after()->set_nanos(1000000000);
       },
       "keys[0].not_after is outside years 0001 to 9999"},
      {"SignKeyOfAnotherAgency",
       [](v1::Directory* d) {
         FirstKey(d)->set_sign_public_key(
             d->agencies(1).keys(0).sign_public_key());
       },
       "agency \"gmp\": keys[0].sign_public_key is already listed for agency "
       "\"stockport-cs\""},
      {"BoxKeyTwiceInOneAgency",
       [](v1::Directory* d) {
         v1::AgencyKey next = KeyOfNew("stockport-cs");
         next.set_box_public_key(FirstKey(d)->box_public_key());
         *First(d)->add_keys() = next;
       },
       "agency \"stockport-cs\": keys[1].box_public_key is already listed "
       "for agency \"stockport-cs\""},
  };
}

std::vector<RuleCase> StatusCases() {
  return {
      {"ActiveWithoutCert",
       [](v1::Directory* d) { First(d)->clear_tls_cert_sha256(); },
       "agency \"stockport-cs\": tls_cert_sha256 is missing (required for an "
       "active agency)"},
      {"CertUpperCase",
       [](v1::Directory* d) {
         First(d)->set_tls_cert_sha256(std::string(64, 'A'));
       },
       "agency \"stockport-cs\": tls_cert_sha256 must be 64 lower-case hex"},
      {"CertShort",
       [](v1::Directory* d) {
         First(d)->set_tls_cert_sha256(std::string(63, 'a'));
       },
       "tls_cert_sha256 must be 64 lower-case hex"},
      {"CertOfAnotherAgency",
       [](v1::Directory* d) {
         First(d)->set_tls_cert_sha256(d->agencies(1).tls_cert_sha256());
       },
       "agency \"gmp\": tls_cert_sha256 is already listed for agency "
       "\"stockport-cs\""},
      {"RevokedWithoutRevokedAt",
       [](v1::Directory* d) {
         First(d)->set_status(v1::AGENCY_STATUS_REVOKED);
       },
       "agency \"stockport-cs\": revoked_at is missing"},
      {"ActiveWithRevokedAt",
       [](v1::Directory* d) { *First(d)->mutable_revoked_at() = Ts(kT0); },
       "agency \"stockport-cs\": revoked_at is set but status is ACTIVE"},
      {"CompromisedSinceOutOfRange",
       [](v1::Directory* d) {
         First(d)->mutable_compromised_since()->set_seconds(-62135596801);
       },
       "agency \"stockport-cs\": compromised_since is outside years"},
  };
}

class DirectoryRuleTest : public ::testing::TestWithParam<RuleCase> {};

TEST_P(DirectoryRuleTest, BreakingTheRuleIsInvalidArgument) {
  v1::Directory directory = ValidDirectory();
  ASSERT_OK(ValidateDirectory(directory));
  GetParam().mutate(&directory);
  const absl::Status status = ValidateDirectory(directory);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr(GetParam().message));
}

std::string CaseName(const ::testing::TestParamInfo<RuleCase>& info) {
  return info.param.name;
}

INSTANTIATE_TEST_SUITE_P(Directory, DirectoryRuleTest,
                         ::testing::ValuesIn(DirectoryCases()), CaseName);
INSTANTIATE_TEST_SUITE_P(Agency, DirectoryRuleTest,
                         ::testing::ValuesIn(AgencyCases()), CaseName);
INSTANTIATE_TEST_SUITE_P(Key, DirectoryRuleTest,
                         ::testing::ValuesIn(KeyCases()), CaseName);
INSTANTIATE_TEST_SUITE_P(Status, DirectoryRuleTest,
                         ::testing::ValuesIn(StatusCases()), CaseName);

TEST(DirectoryValidateTest, RevokedAgencyNeedsNeitherKeysNorCertificate) {
  v1::Directory directory = ValidDirectory();
  Revoke(First(&directory));
  First(&directory)->clear_keys();
  First(&directory)->clear_tls_cert_sha256();
  *First(&directory)->mutable_compromised_since() = Ts(kT0);
  EXPECT_OK(ValidateDirectory(directory));
}

TEST(DirectoryValidateTest, RotationListsTwoKeysOfOneAgency) {
  v1::Directory directory = ValidDirectory();
  *First(&directory)->add_keys() = KeyOfNew("stockport-cs");
  EXPECT_OK(ValidateDirectory(directory));
}

TEST(DirectoryValidateTest, EmptyDirectoryIsValid) {
  v1::Directory directory = ValidDirectory();
  directory.clear_agencies();
  EXPECT_OK(ValidateDirectory(directory));
}

TEST(DirectoryValidateTest, GssCodesAndFingerprints) {
  EXPECT_TRUE(IsValidGssCode("E08000025"));
  EXPECT_TRUE(IsValidGssCode("W06000015"));
  EXPECT_FALSE(IsValidGssCode("E0800002"));
  EXPECT_FALSE(IsValidGssCode("E080000250"));
  EXPECT_FALSE(IsValidGssCode("808000025"));
  EXPECT_TRUE(IsValidCertSha256(std::string(64, 'f')));
  EXPECT_FALSE(IsValidCertSha256(std::string(64, 'g')));
  EXPECT_FALSE(IsValidCertSha256(""));
}

}  // namespace
}  // namespace handover::directory

#include "bundle/bundle_validate.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "bundle/bundle_json.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "status_matchers.h"

namespace handover::bundle {
namespace {

using ::handover::v1::CaseBundle;
using ::testing::HasSubstr;
using ::testing::Not;

// A small valid bundle for tests to break one rule at a time.
CaseBundle MinimalBundle() {
  CaseBundle b;
  b.mutable_metadata()->set_schema_version(kBundleSchemaVersion);
  b.mutable_metadata()->mutable_created_time()->set_seconds(1710754200);
  b.mutable_identity()->set_given_names("Sample");
  b.mutable_identity()->set_family_name("Child");
  return b;
}

v1::CarePlanAction* AddOwnedAction(CaseBundle& b) {
  v1::CarePlanAction* a = b.add_care_plan_actions();
  a->set_description("Share the grab pack with the local police force");
  a->set_owning_agency_id("stockport-childrens-services");
  a->set_owner_role("Allocated social worker");
  a->set_due_date("2024-03-18");
  return a;
}

v1::Attachment* AddAttachment(CaseBundle& b, const std::string& name) {
  v1::Attachment* a = b.add_attachments();
  a->set_name(name);
  a->set_label("care-plan");
  a->set_media_type("application/pdf");
  a->set_size_bytes(1024);
  return a;
}

void ExpectInvalid(const CaseBundle& b, const std::string& why) {
  const absl::Status status = ValidateBundle(b);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr(why));
}

TEST(ValidateBundleTest, MinimalBundleIsValid) {
  EXPECT_OK(ValidateBundle(MinimalBundle()));
}

TEST(ValidateBundleTest, MetadataIsRequired) {
  CaseBundle b = MinimalBundle();
  b.clear_metadata();
  ExpectInvalid(b, "bundle: metadata is missing");
  b = MinimalBundle();
  b.mutable_metadata()->set_schema_version(2);
  ExpectInvalid(b, "metadata.schema_version: is 2; this reader supports 1");
  b = MinimalBundle();
  b.mutable_metadata()->clear_created_time();
  ExpectInvalid(b, "metadata: created time is missing");
}

TEST(ValidateBundleTest, NameIsRequired) {
  CaseBundle b = MinimalBundle();
  b.mutable_identity()->set_given_names(" ");
  b.mutable_identity()->clear_family_name();
  ExpectInvalid(b, "identity: a given name or a family name is required");
  b.mutable_identity()->set_family_name("Child");
  EXPECT_OK(ValidateBundle(b));
}

TEST(NhsNumberTest, CheckDigit) {
  EXPECT_TRUE(IsValidNhsNumber("9434765919"));
  EXPECT_TRUE(IsValidNhsNumber("9997654323"));
  EXPECT_FALSE(IsValidNhsNumber("9434765918"));  // Wrong check digit.
  EXPECT_FALSE(IsValidNhsNumber("9990000000"));  // Check digit would be 10.
  EXPECT_FALSE(IsValidNhsNumber("943 476 5919"));
  EXPECT_FALSE(IsValidNhsNumber("943476591"));
  EXPECT_FALSE(IsValidNhsNumber("94347659190"));
  EXPECT_FALSE(IsValidNhsNumber("943476591a"));
  EXPECT_FALSE(IsValidNhsNumber(""));
  // Placeholders that pass the modulus-11 check.
  EXPECT_FALSE(IsValidNhsNumber("0000000000"));
  EXPECT_FALSE(IsValidNhsNumber("1111111111"));
}

TEST(NhsNumberTest, BundleMessages) {
  CaseBundle b = MinimalBundle();
  b.mutable_identity()->set_nhs_number("9434765918");
  ExpectInvalid(b, "identity.nhs_number: check digit is wrong");
  b.mutable_identity()->set_nhs_number("943 476 5919");
  ExpectInvalid(b, "identity.nhs_number: must be exactly 10 digits");
  b.mutable_identity()->set_nhs_number("9434765919");
  EXPECT_OK(ValidateBundle(b));
}

TEST(DateTest, RealDatesOnly) {
  EXPECT_TRUE(IsValidDate("2007-04-12"));
  EXPECT_TRUE(IsValidDate("2024-02-29"));
  EXPECT_TRUE(IsValidDate("2000-02-29"));
  EXPECT_FALSE(IsValidDate("1900-02-29"));
  EXPECT_FALSE(IsValidDate("2023-02-29"));
  EXPECT_FALSE(IsValidDate("2024-04-31"));
  EXPECT_FALSE(IsValidDate("2024-13-01"));
  EXPECT_FALSE(IsValidDate("2024-00-10"));
  EXPECT_FALSE(IsValidDate("2024-01-00"));
  EXPECT_FALSE(IsValidDate("2024-1-05"));
  EXPECT_FALSE(IsValidDate("12/04/2007"));
  EXPECT_FALSE(IsValidDate("2024-03-18T00:00:00Z"));
  EXPECT_FALSE(IsValidDate("1899-12-31"));
  EXPECT_FALSE(IsValidDate("2101-01-01"));
  EXPECT_FALSE(IsValidDate("+024-01-01"));
}

TEST(DateTest, BundleMessagesAndOrder) {
  CaseBundle b = MinimalBundle();
  b.mutable_identity()->set_date_of_birth("2007-02-30");
  ExpectInvalid(b,
                "identity.date_of_birth: not a real date written YYYY-MM-DD");
  b = MinimalBundle();
  v1::Placement* p = b.add_placements();
  p->set_local_authority_area("E08000025");
  p->set_start_date("2024-03-18");
  p->set_end_date("2024-03-01");
  p->set_reason_for_move("Placement broke down");
  ExpectInvalid(b, "placements[0]: end_date is before start_date");
}

TEST(GssCodeTest, Format) {
  EXPECT_TRUE(IsValidGssCode("E08000025"));
  EXPECT_TRUE(IsValidGssCode("W06000015"));
  EXPECT_FALSE(IsValidGssCode("e08000025"));
  EXPECT_FALSE(IsValidGssCode("E0800002"));
  EXPECT_FALSE(IsValidGssCode("E080000255"));
  EXPECT_FALSE(IsValidGssCode("EE8000025"));
  EXPECT_FALSE(IsValidGssCode("Birmingham"));
}

TEST(PostcodeDistrictTest, Format) {
  for (const char* good : {"B23", "SK4", "M1", "EC1A", "W1D", "M60"}) {
    EXPECT_TRUE(IsValidPostcodeDistrict(good)) << good;
  }
  for (const char* bad : {"", "b23", "B", "123", "SK4 1AA", "ABC1", "B234"}) {
    EXPECT_FALSE(IsValidPostcodeDistrict(bad)) << bad;
  }
}

TEST(PlacementTest, NeedsAreaStartAndReasonOnceEnded) {
  CaseBundle b = MinimalBundle();
  v1::Placement* p = b.add_placements();
  ExpectInvalid(b, "placements[0]: local authority area is missing");
  ExpectInvalid(b, "placements[0]: start date is missing");
  p->set_local_authority_area("Birmingham");
  ExpectInvalid(b, "placements[0].local_authority_area: not a GSS code");
  p->set_local_authority_area("E08000025");
  p->set_start_date("2024-03-18");
  EXPECT_OK(ValidateBundle(b));
  p->set_end_date("2024-03-20");
  ExpectInvalid(b, "placements[0]: reason for move is missing");
}

TEST(CarePlanActionTest, ActionWithoutOwnerIsRejectedWithItsIndex) {
  CaseBundle b = MinimalBundle();
  AddOwnedAction(b);
  AddOwnedAction(b);
  AddOwnedAction(b)->clear_owning_agency_id();
  ExpectInvalid(b, "care_plan_actions[2]: owning agency is missing");
  EXPECT_THAT(std::string(ValidateBundle(b).message()),
              Not(HasSubstr("care_plan_actions[0]")));

  b = MinimalBundle();
  AddOwnedAction(b)->set_owner_role("  ");
  ExpectInvalid(b, "care_plan_actions[0]: owner role is missing");
  b = MinimalBundle();
  AddOwnedAction(b)->clear_due_date();
  ExpectInvalid(b, "care_plan_actions[0]: due date is missing");
  b = MinimalBundle();
  AddOwnedAction(b)->set_due_date("next week");
  ExpectInvalid(b, "care_plan_actions[0].due_date: not a real date");
}

TEST(DeprivationOfLibertyTest, NeedsCourtStartAndRestrictions) {
  CaseBundle b = MinimalBundle();
  v1::DeprivationOfLiberty* d =
      b.mutable_legal_status()->mutable_deprivation_of_liberty();
  ExpectInvalid(
      b, "legal_status.deprivation_of_liberty: authorising court is missing");
  ExpectInvalid(b,
                "legal_status.deprivation_of_liberty: start date is missing");
  ExpectInvalid(b,
                "legal_status.deprivation_of_liberty: at least one "
                "restriction is required");
  d->set_authorised_by("High Court, Family Division");
  d->set_start_date("2024-02-26");
  d->add_restrictions("2:1 staffing at all times");
  EXPECT_OK(ValidateBundle(b));
  d->add_restrictions("");
  ExpectInvalid(
      b, "legal_status.deprivation_of_liberty.restrictions[1]: is empty");
}

TEST(AttachmentTest, DuplicateNamesAreRejected) {
  CaseBundle b = MinimalBundle();
  AddAttachment(b, "photo.jpg");
  AddAttachment(b, "care-plan.pdf");
  AddAttachment(b, "photo.jpg");
  ExpectInvalid(b, "attachments[2].name: same name as attachments[0]");
}

TEST(AttachmentTest, UnsafeNameLabelAndMediaType) {
  CaseBundle b = MinimalBundle();
  AddAttachment(b, "../photo.jpg");
  ExpectInvalid(b, "attachments[0].name: attachment name contains '/'");
  b = MinimalBundle();
  AddAttachment(b, "a.pdf")->set_label("Care Plan");
  ExpectInvalid(b, "attachments[0].label: must be 1 to 32 lower-case");
  b = MinimalBundle();
  AddAttachment(b, "a.pdf")->set_media_type("pdf");
  ExpectInvalid(b, "attachments[0].media_type: not a media type");
  b = MinimalBundle();
  AddAttachment(b, "a.pdf")->set_media_type("text/plain; charset=utf-8");
  EXPECT_OK(ValidateBundle(b));
}

TEST(AttachmentTest, PhotoMustNameAnAttachment) {
  CaseBundle b = MinimalBundle();
  b.mutable_identity()->set_photo_attachment("photo.jpg");
  ExpectInvalid(b, "identity.photo_attachment: names no attachment");
  AddAttachment(b, "photo.jpg")->set_label("photo");
  EXPECT_OK(ValidateBundle(b));
}

TEST(AttachmentTest, CountIsBounded) {
  CaseBundle b = MinimalBundle();
  for (int i = 0; i <= kMaxRepeatedCount; ++i) {
    AddAttachment(b, absl::StrCat("file-", i, ".pdf"));
  }
  ExpectInvalid(b, "attachments: has 1025 items; the limit is 1024");
  b.mutable_attachments()->RemoveLast();
  EXPECT_OK(ValidateBundle(b));
}

TEST(GenericRulesTest, ControlCharactersAndLengthAndEnums) {
  CaseBundle b = MinimalBundle();
  b.mutable_identity()->set_preferred_name(std::string("Sa\0m", 4));
  ExpectInvalid(b, "identity.preferred_name: contains a control character");
  b = MinimalBundle();
  b.mutable_health()->add_needs()->set_description("line one\nline two\tok");
  EXPECT_OK(ValidateBundle(b));
  b.mutable_health()->mutable_needs(0)->set_description(
      std::string(kMaxTextBytes + 1, 'x'));
  ExpectInvalid(b, "health.needs[0].description: is 65537 bytes");
  b = MinimalBundle();
  b.mutable_legal_status()->set_kind(static_cast<v1::LegalStatusKind>(99));
  ExpectInvalid(b, "legal_status.kind: not a known LegalStatusKind value");
}

TEST(ContactTest, NeedsRoleAndAWayToReachThem) {
  CaseBundle b = MinimalBundle();
  b.add_contacts()->set_agency("Stockport children's services");
  ExpectInvalid(b, "contacts[0]: role is missing");
  ExpectInvalid(b, "contacts[0]: a phone number or email address is missing");
}

TEST(ValidateBundleTest, ManyProblemsAreReportedTogetherAndCapped) {
  CaseBundle b = MinimalBundle();
  for (int i = 0; i < 40; ++i) b.add_care_plan_actions();
  const absl::Status status = ValidateBundle(b);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("care_plan_actions[0]: description"));
  EXPECT_THAT(std::string(status.message()), HasSubstr("and 144 more"));
}

TEST(ValidateBundleTest, MessagesNeverEchoCaseContent) {
  CaseBundle b = MinimalBundle();
  b.mutable_identity()->set_given_names("Zebedee");
  b.mutable_identity()->set_family_name("Quixotic");
  b.mutable_identity()->set_nhs_number("9434765918");
  b.mutable_identity()->set_date_of_birth("2007-13-45");
  b.mutable_identity()->set_photo_attachment("Zebedee-Quixotic.jpg");
  b.mutable_identity()->add_aliases()->set_name(std::string("Zeb\x01", 4));
  AddAttachment(b, "Zebedee/Quixotic.pdf");
  AddAttachment(b, "Quixotic .pdf")->set_label("Zebedee");
  AddOwnedAction(b)->set_due_date("Zebedee's birthday");
  b.add_placements()->set_local_authority_area("Quixotic");
  const absl::Status status = ValidateBundle(b);
  ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  const std::string message(status.message());
  EXPECT_THAT(message, Not(HasSubstr("Zebedee")));
  EXPECT_THAT(message, Not(HasSubstr("Zeb")));
  EXPECT_THAT(message, Not(HasSubstr("Quixotic")));
  EXPECT_THAT(message, Not(HasSubstr("9434765918")));
  EXPECT_THAT(message, Not(HasSubstr("2007-13-45")));
  EXPECT_THAT(message, HasSubstr("identity.nhs_number"));
}

TEST(ValidateBundleTest, SampleBundleErrorsDoNotEchoItsContent) {
  ASSERT_OK_AND_ASSIGN(CaseBundle b,
                       ReadBundleJsonFile(HANDOVER_SOURCE_DIR
                                          "/docs/examples/child-bundle.json"));
  const std::string nhs = b.identity().nhs_number();
  b.mutable_identity()->set_nhs_number(nhs.substr(0, 9) + "0");
  b.mutable_care_plan_actions(1)->clear_owner_role();
  const absl::Status status = ValidateBundle(b);
  ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("care_plan_actions[1]: owner role"));
  EXPECT_THAT(std::string(status.message()), Not(HasSubstr("Sample")));
  EXPECT_THAT(std::string(status.message()), Not(HasSubstr(nhs.substr(0, 9))));
}

}  // namespace
}  // namespace handover::bundle

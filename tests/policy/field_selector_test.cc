// Field selectors: what parses, what does not, and what the messages say.
#include "policy/field_selector.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "handover/v1/bundle.pb.h"
#include "status_matchers.h"

namespace handover::policy {
namespace {

namespace v1 = handover::v1;
using ::testing::HasSubstr;

std::string ErrorOf(absl::string_view text) {
  absl::StatusOr<FieldSelector> s = ParseFieldSelector(text);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument) << text;
  return std::string(s.status().message());
}

TEST(FieldSelectorTest, WholeSection) {
  ASSERT_OK_AND_ASSIGN(FieldSelector s, ParseFieldSelector("identity"));
  EXPECT_EQ(s.section->number(), v1::CaseBundle::kIdentityFieldNumber);
  EXPECT_EQ(s.field, nullptr);
  EXPECT_EQ(s.Path(), "identity");
}

TEST(FieldSelectorTest, FieldInsideASection) {
  ASSERT_OK_AND_ASSIGN(
      FieldSelector s,
      ParseFieldSelector("legal_status.deprivation_of_liberty"));
  EXPECT_EQ(s.section->name(), "legal_status");
  EXPECT_EQ(s.field->number(),
            v1::LegalStatus::kDeprivationOfLibertyFieldNumber);
  EXPECT_EQ(s.Path(), "legal_status.deprivation_of_liberty");
}

TEST(FieldSelectorTest, EverySectionButMetadataAndAttachmentsParses) {
  const auto* bundle = v1::CaseBundle::descriptor();
  for (int i = 0; i < bundle->field_count(); ++i) {
    const std::string name = bundle->field(i)->name();
    EXPECT_EQ(ParseFieldSelector(name).ok(),
              name != "metadata" && name != "attachments")
        << name;
  }
}

TEST(FieldSelectorTest, UnknownSectionIsNamedWithTheValidOnes) {
  const std::string message = ErrorOf("identty");
  EXPECT_THAT(message, HasSubstr("no section \"identty\""));
  EXPECT_THAT(message, HasSubstr("identity, health, legal_status"));
  EXPECT_THAT(message, ::testing::Not(HasSubstr("metadata")));
}

TEST(FieldSelectorTest, UnknownFieldIsNamedWithTheValidOnes) {
  const std::string message = ErrorOf("risk.self_harn");
  EXPECT_THAT(message, HasSubstr("risk has no field \"self_harn\""));
  EXPECT_THAT(message, HasSubstr("self_harm"));
}

TEST(FieldSelectorTest, OnlyProtoSpellingsAreAccepted) {
  EXPECT_THAT(ErrorOf("legalStatus"), HasSubstr("no section \"legalStatus\""));
  EXPECT_THAT(ErrorOf("Identity"), HasSubstr("no section"));
  EXPECT_THAT(ErrorOf("risk.selfHarm"), HasSubstr("no field \"selfHarm\""));
}

TEST(FieldSelectorTest, ListsAreNamedWhole) {
  EXPECT_THAT(ErrorOf("contacts.phone"),
              HasSubstr("contacts is a list, so it can only be named whole"));
  EXPECT_THAT(ErrorOf("placements.reason_for_move"), HasSubstr("is a list"));
}

TEST(FieldSelectorTest, MetadataAndAttachmentsCannotBeNamed) {
  EXPECT_THAT(ErrorOf("metadata"), HasSubstr("always sent"));
  EXPECT_THAT(ErrorOf("metadata.source_system"), HasSubstr("always sent"));
  EXPECT_THAT(ErrorOf("attachments"), HasSubstr("attachment_labels"));
}

TEST(FieldSelectorTest, ShapeErrors) {
  EXPECT_THAT(ErrorOf(""), HasSubstr("empty name"));
  EXPECT_THAT(ErrorOf("risk."), HasSubstr("empty name"));
  EXPECT_THAT(ErrorOf(".risk"), HasSubstr("empty name"));
  EXPECT_THAT(ErrorOf("risk.self_harm.level"), HasSubstr("more than one '.'"));
  EXPECT_THAT(ErrorOf(" identity"), HasSubstr("no section"));
}

TEST(FieldSelectorTest, CoversAndOrder) {
  ASSERT_OK_AND_ASSIGN(FieldSelector risk, ParseFieldSelector("risk"));
  ASSERT_OK_AND_ASSIGN(FieldSelector self_harm,
                       ParseFieldSelector("risk.self_harm"));
  ASSERT_OK_AND_ASSIGN(FieldSelector sexual,
                       ParseFieldSelector("risk.sexual_exploitation"));
  ASSERT_OK_AND_ASSIGN(FieldSelector identity, ParseFieldSelector("identity"));
  EXPECT_TRUE(risk.Covers(self_harm));
  EXPECT_FALSE(self_harm.Covers(risk));
  EXPECT_FALSE(self_harm.Covers(sexual));
  EXPECT_FALSE(identity.Covers(self_harm));
  EXPECT_TRUE(identity < risk);
  EXPECT_TRUE(risk < sexual);
  EXPECT_TRUE(sexual < self_harm);
}

}  // namespace
}  // namespace handover::policy

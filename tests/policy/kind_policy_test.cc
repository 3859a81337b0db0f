// KindPolicy: adding selectors and labels, the checks between them, and
// which attachments go.
#include "policy/kind_policy.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "status_matchers.h"

namespace handover::policy {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::string> Paths(const KindPolicy& policy) {
  std::vector<std::string> paths;
  for (const FieldSelector& s : policy.fields()) paths.push_back(s.Path());
  return paths;
}

TEST(KindPolicyTest, FieldsAreKeptInSchemaOrder) {
  KindPolicy policy;
  ASSERT_OK(policy.AddField("contacts"));
  ASSERT_OK(policy.AddField("risk.self_harm"));
  ASSERT_OK(policy.AddField("identity"));
  ASSERT_OK(policy.AddField("risk.sexual_exploitation"));
  EXPECT_THAT(Paths(policy), ElementsAre("identity", "risk.sexual_exploitation",
                                         "risk.self_harm", "contacts"));
  EXPECT_OK(policy.CheckComplete());
}

TEST(KindPolicyTest, TheSameSetInAnyOrderIsEqual) {
  KindPolicy a, b;
  ASSERT_OK(a.AddField("identity"));
  ASSERT_OK(a.AddField("cetr"));
  ASSERT_OK(a.AddAttachmentLabel("photo"));
  ASSERT_OK(a.AddAttachmentLabel("care-plan"));
  ASSERT_OK(b.AddField("cetr"));
  ASSERT_OK(b.AddField("identity"));
  ASSERT_OK(b.AddAttachmentLabel("care-plan"));
  ASSERT_OK(b.AddAttachmentLabel("photo"));
  EXPECT_EQ(a, b);
  ASSERT_OK(b.AddField("contacts"));
  EXPECT_FALSE(a == b);
}

TEST(KindPolicyTest, DuplicatesAndOverlapsAreRefused) {
  KindPolicy policy;
  ASSERT_OK(policy.AddField("risk.self_harm"));
  EXPECT_THAT(std::string(policy.AddField("risk.self_harm").message()),
              HasSubstr("listed twice"));
  const absl::Status whole = policy.AddField("risk");
  EXPECT_EQ(whole.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(whole.message()),
              HasSubstr("overlaps \"risk.self_harm\""));
  ASSERT_OK(policy.AddField("grab_pack"));
  EXPECT_THAT(std::string(policy.AddField("grab_pack.places_may_go").message()),
              HasSubstr("overlaps \"grab_pack\""));
  EXPECT_THAT(Paths(policy), ElementsAre("risk.self_harm", "grab_pack"));
}

TEST(KindPolicyTest, IdentityIsRequiredWhole) {
  KindPolicy policy;
  EXPECT_THAT(std::string(policy.CheckComplete().message()),
              HasSubstr("must include \"identity\""));
  ASSERT_OK(policy.AddField("identity.given_names"));
  EXPECT_EQ(policy.CheckComplete().code(), absl::StatusCode::kInvalidArgument);
}

TEST(KindPolicyTest, LabelChecks) {
  KindPolicy policy;
  ASSERT_OK(policy.AddAttachmentLabel("grab-pack"));
  ASSERT_OK(policy.AddAttachmentLabel("photo"));
  EXPECT_THAT(policy.attachment_labels(), ElementsAre("grab-pack", "photo"));
  EXPECT_THAT(std::string(policy.AddAttachmentLabel("photo").message()),
              HasSubstr("listed twice"));
  for (const char* bad : {"", "Photo", "care plan", "photo.jpg", "*.pdf",
                          "a-label-that-is-far-too-long-to-be-valid"}) {
    EXPECT_THAT(std::string(policy.AddAttachmentLabel(bad).message()),
                HasSubstr("not an attachment label"))
        << bad;
  }
  EXPECT_THAT(std::string(policy.AddAttachmentLabel("*").message()),
              HasSubstr("must be listed alone"));
}

TEST(KindPolicyTest, EveryAttachmentStandsAlone) {
  KindPolicy policy;
  ASSERT_OK(policy.AddAttachmentLabel("*"));
  EXPECT_THAT(std::string(policy.AddAttachmentLabel("photo").message()),
              HasSubstr("must be listed alone"));
  EXPECT_TRUE(policy.KeepsAttachment("medical", false));
  EXPECT_TRUE(policy.KeepsAttachment("photo", true));
}

TEST(KindPolicyTest, AttachmentsGoByLabelAndThePhotoAsPhoto) {
  KindPolicy none;
  EXPECT_FALSE(none.KeepsAttachment("photo", true));
  EXPECT_FALSE(none.KeepsAttachment("medical", false));

  KindPolicy photo;
  ASSERT_OK(photo.AddAttachmentLabel("photo"));
  EXPECT_TRUE(photo.KeepsAttachment("photo", false));
  // The attachment identity.photo_attachment names, whatever its label.
  EXPECT_TRUE(photo.KeepsAttachment("identity", true));
  EXPECT_FALSE(photo.KeepsAttachment("care-plan", false));

  KindPolicy medical;
  ASSERT_OK(medical.AddAttachmentLabel("medical"));
  EXPECT_TRUE(medical.KeepsAttachment("medical", false));
  EXPECT_FALSE(medical.KeepsAttachment("photo", true));
}

}  // namespace
}  // namespace handover::policy

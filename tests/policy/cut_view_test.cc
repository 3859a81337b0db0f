// CutView beyond the defaults: the allow-list against fields this build
// does not know, partial sections, attachments and the photo, and errors.
#include "policy/cut_view.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "policy/agency_kind_name.h"
#include "policy/default_policy.h"
#include "policy/policy_file.h"
#include "policy/policy_test_util.h"
#include "status_matchers.h"

namespace handover::policy {
namespace {

namespace v1 = handover::v1;
using google::protobuf::util::MessageDifferencer;
using handover::testing::FullBundle;
using handover::testing::SetFieldPaths;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

KindPolicy Kind(std::vector<std::string> fields,
                std::vector<std::string> labels = {}) {
  KindPolicy policy;
  for (const std::string& f : fields) {
    const absl::Status s = policy.AddField(f);
    EXPECT_TRUE(s.ok()) << f << ": " << s;
  }
  for (const std::string& l : labels) EXPECT_OK(policy.AddAttachmentLabel(l));
  return policy;
}

// The default policy with one kind's entry replaced.
ViewPolicy With(v1::AgencyKind kind, KindPolicy replacement) {
  ViewPolicy defaults = *DefaultViewPolicy();
  ViewPolicy::KindMap kinds;
  for (v1::AgencyKind k : PolicyAgencyKinds()) {
    kinds.emplace(k, k == kind ? replacement : *defaults.ForKind(k));
  }
  return *ViewPolicy::Create(std::move(kinds));
}

constexpr v1::AgencyKind kOther = v1::AGENCY_KIND_OTHER;

class CutViewTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_OK_AND_ASSIGN(bundle_, FullBundle()); }
  v1::CaseBundle bundle_;
};

TEST_F(CutViewTest, OnlyIdentityMeansOnlyMetadataIdentityAndMove) {
  ASSERT_OK_AND_ASSIGN(
      View view, CutView(bundle_, kOther, With(kOther, Kind({"identity"}))));
  std::vector<std::string> sections;
  for (const std::string& path : SetFieldPaths(view.bundle)) {
    sections.push_back(path.substr(0, path.find('.')));
  }
  sections.erase(std::unique(sections.begin(), sections.end()), sections.end());
  EXPECT_THAT(sections, ElementsAre("metadata", "identity", "move"));
  EXPECT_THAT(view.kept_fields, ElementsAre("metadata", "identity", "move"));
  EXPECT_EQ(view.kind, kOther);
}

// A bundle may carry fields this build's schema lacks (from a newer case
// system). No policy has reviewed them, so no view may pass them on: the
// bundle is refused whole, before anything is cut.
TEST_F(CutViewTest, FieldsThisBuildDoesNotKnowAreRefused) {
  bundle_.GetReflection()->MutableUnknownFields(&bundle_)->AddLengthDelimited(
      40, "a future section");
  v1::Identity* identity = bundle_.mutable_identity();
  identity->GetReflection()->MutableUnknownFields(identity)->AddVarint(99, 1);
  v1::Contact* contact = bundle_.mutable_contacts(0);
  contact->GetReflection()->MutableUnknownFields(contact)->AddFixed32(50, 7);
  for (v1::AgencyKind kind : PolicyAgencyKinds()) {
    absl::StatusOr<View> view = CutView(bundle_, kind, *DefaultViewPolicy());
    EXPECT_EQ(view.status().code(), absl::StatusCode::kInvalidArgument)
        << AgencyKindName(kind);
    EXPECT_THAT(std::string(view.status().message()),
                HasSubstr("unknown field number 40"))
        << AgencyKindName(kind);
  }
}

TEST_F(CutViewTest, APartialSectionKeepsOnlyItsNamedFields) {
  const ViewPolicy policy = With(
      kOther, Kind({"identity", "legal_status.kind", "legal_status.description",
                    "grab_pack.phone_numbers"}));
  ASSERT_OK_AND_ASSIGN(View view, CutView(bundle_, kOther, policy));
  v1::LegalStatus expected_legal;
  expected_legal.set_kind(bundle_.legal_status().kind());
  expected_legal.set_description(bundle_.legal_status().description());
  EXPECT_EQ(view.bundle.legal_status().SerializeAsString(),
            expected_legal.SerializeAsString());
  EXPECT_THAT(view.bundle.grab_pack().phone_numbers(),
              ElementsAre("07700 900123"));
  EXPECT_TRUE(view.bundle.grab_pack().physical_description().empty());
  EXPECT_THAT(view.kept_fields,
              ElementsAre("metadata", "identity", "legal_status.kind",
                          "legal_status.description", "grab_pack.phone_numbers",
                          "move"));
}

TEST_F(CutViewTest, ANamedFieldThatIsEmptySendsNoEmptySection) {
  bundle_.mutable_risk()->clear_self_harm();
  bundle_.clear_dynamic_support_register();
  const ViewPolicy policy = With(
      kOther, Kind({"identity", "risk.self_harm", "dynamic_support_register"}));
  ASSERT_OK_AND_ASSIGN(View view, CutView(bundle_, kOther, policy));
  EXPECT_FALSE(view.bundle.has_risk());
  EXPECT_FALSE(view.bundle.has_dynamic_support_register());
  EXPECT_THAT(view.kept_fields, ElementsAre("metadata", "identity", "move"));
}

TEST_F(CutViewTest, ThePhotoGoesAsPhotoWhateverItsLabel) {
  bundle_.mutable_attachments(0)->set_label("identity-photo");
  const ViewPolicy policy = With(kOther, Kind({"identity"}, {"photo"}));
  ASSERT_OK_AND_ASSIGN(View view, CutView(bundle_, kOther, policy));
  EXPECT_THAT(view.kept_attachments, ElementsAre("photo.jpg"));
  EXPECT_EQ(view.bundle.identity().photo_attachment(), "photo.jpg");
}

TEST_F(CutViewTest, WithoutThePhotoTheViewNamesNone) {
  const ViewPolicy policy = With(kOther, Kind({"identity"}, {"care-plan"}));
  ASSERT_OK_AND_ASSIGN(View view, CutView(bundle_, kOther, policy));
  EXPECT_THAT(view.kept_attachments, ElementsAre("care-plan.pdf"));
  EXPECT_TRUE(view.bundle.identity().photo_attachment().empty());
  ASSERT_EQ(view.bundle.attachments_size(), 1);
  EXPECT_EQ(view.bundle.attachments(0).label(), "care-plan");
}

TEST_F(CutViewTest, AttachmentsGoByLabelInBundleOrder) {
  const ViewPolicy policy =
      With(kOther, Kind({"identity"}, {"medical", "grab-pack", "photo"}));
  ASSERT_OK_AND_ASSIGN(View view, CutView(bundle_, kOther, policy));
  EXPECT_THAT(view.kept_attachments,
              ElementsAre("photo.jpg", "grab-pack.pdf", "clinic-letter.pdf"));
  for (const v1::Attachment& a : view.bundle.attachments()) {
    EXPECT_NE(a.label(), "care-plan");
  }
}

TEST_F(CutViewTest, EveryAttachment) {
  const ViewPolicy policy = With(kOther, Kind({"identity"}, {"*"}));
  ASSERT_OK_AND_ASSIGN(View view, CutView(bundle_, kOther, policy));
  EXPECT_EQ(view.bundle.attachments_size(), bundle_.attachments_size());
  EXPECT_EQ(view.kept_attachments.size(), 4u);
}

TEST_F(CutViewTest, ABundleWithoutAttachments) {
  bundle_.clear_attachments();
  bundle_.mutable_identity()->clear_photo_attachment();
  ASSERT_OK_AND_ASSIGN(View view, CutView(bundle_, v1::AGENCY_KIND_POLICE_FORCE,
                                          *DefaultViewPolicy()));
  EXPECT_THAT(view.kept_attachments, IsEmpty());
  EXPECT_EQ(view.bundle.attachments_size(), 0);
}

TEST_F(CutViewTest, AKindWithoutAPolicyIsRefused) {
  const ViewPolicy policy = *DefaultViewPolicy();
  absl::StatusOr<View> view =
      CutView(bundle_, v1::AGENCY_KIND_UNSPECIFIED, policy);
  EXPECT_EQ(view.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(view.status().message()),
              HasSubstr("AGENCY_KIND_UNSPECIFIED"));
  view = CutView(bundle_, static_cast<v1::AgencyKind>(99), policy);
  EXPECT_EQ(view.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(view.status().message()),
              HasSubstr("agency kind 99"));
}

TEST_F(CutViewTest, AnInvalidBundleIsRefusedWithoutEchoingIt) {
  bundle_.mutable_identity()->set_nhs_number("1234567890");
  absl::StatusOr<View> view =
      CutView(bundle_, v1::AGENCY_KIND_POLICE_FORCE, *DefaultViewPolicy());
  EXPECT_EQ(view.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(view.status().message()),
              HasSubstr("identity.nhs_number"));
  EXPECT_THAT(std::string(view.status().message()),
              Not(HasSubstr("1234567890")));
}

// The one way a valid bundle can give an invalid view: a policy that keeps
// a field whose rule depends on another field it drops.
TEST_F(CutViewTest, AViewThatWouldBeInvalidIsRefused) {
  bundle_.mutable_legal_status()->set_kind(v1::LEGAL_STATUS_KIND_OTHER);
  const ViewPolicy policy =
      With(kOther, Kind({"identity", "legal_status.kind"}));
  absl::StatusOr<View> view = CutView(bundle_, kOther, policy);
  EXPECT_EQ(view.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(view.status().message()),
              HasSubstr("view policy for other"));
  EXPECT_THAT(std::string(view.status().message()), HasSubstr("legal_status"));
  EXPECT_THAT(std::string(view.status().message()), Not(HasSubstr("Sample")));
}

// The receiver needs the move notice to act on the move, so every kind's
// view carries it exactly as the node set it.
TEST_F(CutViewTest, EveryDefaultKindKeepsTheMoveUnchanged) {
  for (v1::AgencyKind kind : PolicyAgencyKinds()) {
    ASSERT_OK_AND_ASSIGN(View view,
                         CutView(bundle_, kind, *DefaultViewPolicy()));
    EXPECT_TRUE(MessageDifferencer::Equals(view.bundle.move(), bundle_.move()))
        << AgencyKindName(kind);
    EXPECT_THAT(view.kept_fields, Contains("move")) << AgencyKindName(kind);
  }
}

TEST_F(CutViewTest, WithoutAMoveNoticeNoneIsSentOrLogged) {
  bundle_.clear_move();
  for (v1::AgencyKind kind : PolicyAgencyKinds()) {
    ASSERT_OK_AND_ASSIGN(View view,
                         CutView(bundle_, kind, *DefaultViewPolicy()));
    EXPECT_FALSE(view.bundle.has_move()) << AgencyKindName(kind);
    EXPECT_THAT(view.kept_fields, Not(Contains("move")))
        << AgencyKindName(kind);
  }
}

// A policy file cannot remove the notice: not by leaving it out, and not by
// naming one field of it, which keeps the whole notice all the same.
TEST_F(CutViewTest, APolicyFileCannotRemoveOrNarrowTheMove) {
  ASSERT_OK_AND_ASSIGN(
      std::string text,
      ReadFileBounded(HANDOVER_SOURCE_DIR "/docs/examples/view-policy.toml",
                      1 << 20));
  const size_t from = text.find("[police_force]");
  const size_t to = text.find("\n[", from + 1);
  ASSERT_NE(to, std::string::npos);
  for (const char* fields :
       {R"(["identity"])", R"(["identity", "move.kind"])"}) {
    std::string edited = text;
    edited.replace(from, to + 1 - from,
                   absl::StrCat("[police_force]\nfields = ", fields,
                                "\nattachment_labels = []\n"));
    ASSERT_OK_AND_ASSIGN(ViewPolicy policy, ParseViewPolicy(edited, "p.toml"));
    ASSERT_OK_AND_ASSIGN(
        View view, CutView(bundle_, v1::AGENCY_KIND_POLICE_FORCE, policy));
    EXPECT_TRUE(MessageDifferencer::Equals(view.bundle.move(), bundle_.move()))
        << fields;
    EXPECT_THAT(view.kept_fields, ElementsAre("metadata", "identity", "move"))
        << fields;
  }
}

TEST_F(CutViewTest, TheInputIsNotChanged) {
  const std::string before = bundle_.SerializeAsString();
  for (v1::AgencyKind kind : PolicyAgencyKinds()) {
    ASSERT_OK(CutView(bundle_, kind, *DefaultViewPolicy()).status());
  }
  EXPECT_EQ(bundle_.SerializeAsString(), before);
}

}  // namespace
}  // namespace handover::policy

// The built-in policy: exactly what each kind of agency receives, proved on
// a bundle with every field set by walking each view through reflection,
// and pinned against the schema so that a new field is a decision.
#include "policy/default_policy.h"

#include <optional>
#include <set>

#include "bundle/bundle_validate.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "policy/agency_kind_name.h"
#include "policy/cut_view.h"
#include "policy/policy_test_util.h"
#include "status_matchers.h"

namespace handover::policy {
namespace {

namespace v1 = handover::v1;
using google::protobuf::util::MessageDifferencer;
using handover::testing::FullBundle;
using handover::testing::HasUnknownFields;
using handover::testing::NeverSetFields;
using handover::testing::PolicyAllowsPath;
using handover::testing::ReachableFields;
using handover::testing::SetFieldPaths;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> Paths(const KindPolicy& policy) {
  std::vector<std::string> paths;
  for (const FieldSelector& s : policy.fields()) paths.push_back(s.Path());
  return paths;
}

class DefaultPolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(policy_, DefaultViewPolicy());
    ASSERT_OK_AND_ASSIGN(bundle_, FullBundle());
  }

  View Cut(v1::AgencyKind kind) {
    absl::StatusOr<View> view = CutView(bundle_, kind, *policy_);
    EXPECT_OK(view.status());
    return view.ok() ? *std::move(view) : View{};
  }

  // Every set field of the view is one the policy names, nothing unknown
  // came along, every attachment is one the policy lets go, and the view
  // is a valid bundle.
  void ExpectOnlyWhatThePolicyNames(v1::AgencyKind kind, const View& view) {
    const KindPolicy& kind_policy = *policy_->ForKind(kind);
    for (const std::string& path : SetFieldPaths(view.bundle)) {
      if (path == "attachments") continue;
      EXPECT_TRUE(PolicyAllowsPath(kind_policy, path))
          << AgencyKindName(kind) << " received " << path;
    }
    const std::string& photo = view.bundle.identity().photo_attachment();
    for (const v1::Attachment& a : view.bundle.attachments()) {
      EXPECT_TRUE(kind_policy.KeepsAttachment(a.label(), a.name() == photo))
          << AgencyKindName(kind) << " received attachment " << a.name();
    }
    EXPECT_FALSE(HasUnknownFields(view.bundle));
    EXPECT_OK(bundle::ValidateBundle(view.bundle));
  }

  std::optional<ViewPolicy> policy_;
  v1::CaseBundle bundle_;
};

TEST_F(DefaultPolicyTest, TheFixtureSetsEveryFieldOfTheSchema) {
  EXPECT_THAT(NeverSetFields(bundle_), IsEmpty());
  EXPECT_OK(bundle::ValidateBundle(bundle_));
}

TEST_F(DefaultPolicyTest, SelectorsPerKind) {
  EXPECT_THAT(
      Paths(*policy_->ForKind(v1::AGENCY_KIND_POLICE_FORCE)),
      ElementsAre("identity", "legal_status.deprivation_of_liberty",
                  "risk.sexual_exploitation", "risk.criminal_exploitation",
                  "risk.self_harm", "risk.other_risks",
                  "risk.known_risk_persons", "grab_pack.physical_description",
                  "grab_pack.places_may_go", "grab_pack.people_may_be_with",
                  "contacts"));
  EXPECT_THAT(
      policy_->ForKind(v1::AGENCY_KIND_POLICE_FORCE)->attachment_labels(),
      ElementsAre("photo"));
  EXPECT_THAT(Paths(*policy_->ForKind(v1::AGENCY_KIND_HEALTH_TEAM)),
              ElementsAre("identity", "health.needs", "health.diagnoses",
                          "health.medications", "dynamic_support_register",
                          "cetr", "contacts"));
  EXPECT_THAT(
      policy_->ForKind(v1::AGENCY_KIND_HEALTH_TEAM)->attachment_labels(),
      IsEmpty());
  EXPECT_THAT(Paths(*policy_->ForKind(
                  v1::AGENCY_KIND_LOCAL_AUTHORITY_CHILDRENS_SERVICES)),
              ElementsAre("identity", "health", "legal_status", "risk",
                          "grab_pack", "placements", "care_plan_actions",
                          "dynamic_support_register", "cetr", "contacts"));
  EXPECT_THAT(
      policy_->ForKind(v1::AGENCY_KIND_LOCAL_AUTHORITY_CHILDRENS_SERVICES)
          ->attachment_labels(),
      ElementsAre("*"));
  EXPECT_THAT(Paths(*policy_->ForKind(v1::AGENCY_KIND_OTHER)),
              ElementsAre("identity", "contacts"));
  EXPECT_THAT(policy_->ForKind(v1::AGENCY_KIND_OTHER)->attachment_labels(),
              IsEmpty());
}

TEST_F(DefaultPolicyTest, PoliceForce) {
  const View view = Cut(v1::AGENCY_KIND_POLICE_FORCE);
  ExpectOnlyWhatThePolicyNames(v1::AGENCY_KIND_POLICE_FORCE, view);

  // Written out by hand, as a reviewer would read the policy.
  v1::CaseBundle expected;
  *expected.mutable_metadata() = bundle_.metadata();
  *expected.mutable_identity() = bundle_.identity();
  *expected.mutable_legal_status()->mutable_deprivation_of_liberty() =
      bundle_.legal_status().deprivation_of_liberty();
  const v1::RiskProfile& risk = bundle_.risk();
  v1::RiskProfile* r = expected.mutable_risk();
  *r->mutable_sexual_exploitation() = risk.sexual_exploitation();
  *r->mutable_criminal_exploitation() = risk.criminal_exploitation();
  *r->mutable_self_harm() = risk.self_harm();
  *r->mutable_other_risks() = risk.other_risks();
  *r->mutable_known_risk_persons() = risk.known_risk_persons();
  const v1::MissingFromCareGrabPack& pack = bundle_.grab_pack();
  v1::MissingFromCareGrabPack* g = expected.mutable_grab_pack();
  g->set_physical_description(pack.physical_description());
  *g->mutable_places_may_go() = pack.places_may_go();
  *g->mutable_people_may_be_with() = pack.people_may_be_with();
  *expected.mutable_contacts() = bundle_.contacts();
  *expected.add_attachments() = bundle_.attachments(0);  // photo.jpg
  *expected.mutable_move() = bundle_.move();
  std::string diff;
  MessageDifferencer differ;
  differ.ReportDifferencesToString(&diff);
  EXPECT_TRUE(differ.Compare(expected, view.bundle)) << diff;

  EXPECT_THAT(
      view.kept_fields,
      ElementsAre("metadata", "identity", "legal_status.deprivation_of_liberty",
                  "risk.sexual_exploitation", "risk.criminal_exploitation",
                  "risk.self_harm", "risk.other_risks",
                  "risk.known_risk_persons", "grab_pack.physical_description",
                  "grab_pack.places_may_go", "grab_pack.people_may_be_with",
                  "contacts", "move"));
  EXPECT_THAT(view.kept_attachments, ElementsAre("photo.jpg"));
  // Not sent: missing history, phone numbers, social media, placements,
  // care plan, health, registers, the rest of legal status.
  EXPECT_EQ(view.bundle.risk().missing_episodes_size(), 0);
  EXPECT_EQ(view.bundle.grab_pack().phone_numbers_size(), 0);
  EXPECT_FALSE(view.bundle.has_health());
  EXPECT_EQ(view.bundle.legal_status().kind(),
            v1::LEGAL_STATUS_KIND_UNSPECIFIED);
}

TEST_F(DefaultPolicyTest, HealthTeam) {
  const View view = Cut(v1::AGENCY_KIND_HEALTH_TEAM);
  ExpectOnlyWhatThePolicyNames(v1::AGENCY_KIND_HEALTH_TEAM, view);

  v1::CaseBundle expected;
  *expected.mutable_metadata() = bundle_.metadata();
  *expected.mutable_identity() = bundle_.identity();
  // No photo goes, so the view names none.
  expected.mutable_identity()->clear_photo_attachment();
  *expected.mutable_health() = bundle_.health();
  *expected.mutable_dynamic_support_register() =
      bundle_.dynamic_support_register();
  *expected.mutable_cetr() = bundle_.cetr();
  *expected.mutable_contacts() = bundle_.contacts();
  *expected.mutable_move() = bundle_.move();
  std::string diff;
  MessageDifferencer differ;
  differ.ReportDifferencesToString(&diff);
  EXPECT_TRUE(differ.Compare(expected, view.bundle)) << diff;

  EXPECT_THAT(
      view.kept_fields,
      ElementsAre("metadata", "identity", "health.needs", "health.diagnoses",
                  "health.medications", "dynamic_support_register", "cetr",
                  "contacts", "move"));
  EXPECT_THAT(view.kept_attachments, IsEmpty());
}

TEST_F(DefaultPolicyTest, ChildrensServicesReceiveEverything) {
  const v1::AgencyKind kind =
      v1::AGENCY_KIND_LOCAL_AUTHORITY_CHILDRENS_SERVICES;
  const View view = Cut(kind);
  ExpectOnlyWhatThePolicyNames(kind, view);
  EXPECT_TRUE(MessageDifferencer::Equals(bundle_, view.bundle));
  EXPECT_THAT(view.kept_attachments,
              ElementsAre("photo.jpg", "care-plan.pdf", "grab-pack.pdf",
                          "clinic-letter.pdf"));
  // metadata, ten sections and the move notice
  EXPECT_EQ(view.kept_fields.size(), 12u);
  EXPECT_EQ(view.kept_fields.back(), "move");
}

TEST_F(DefaultPolicyTest, OtherAgenciesReceiveIdentityAndContacts) {
  const View view = Cut(v1::AGENCY_KIND_OTHER);
  ExpectOnlyWhatThePolicyNames(v1::AGENCY_KIND_OTHER, view);
  v1::CaseBundle expected;
  *expected.mutable_metadata() = bundle_.metadata();
  *expected.mutable_identity() = bundle_.identity();
  expected.mutable_identity()->clear_photo_attachment();
  *expected.mutable_contacts() = bundle_.contacts();
  *expected.mutable_move() = bundle_.move();
  EXPECT_TRUE(MessageDifferencer::Equals(expected, view.bundle));
  EXPECT_THAT(view.kept_fields,
              ElementsAre("metadata", "identity", "contacts", "move"));
  EXPECT_THAT(view.kept_attachments, IsEmpty());
}

// The sections a view carries whole are sent with every field they have. If
// this test fails, a field was added to one of them: decide whether police,
// health and other agencies should receive it (docs/POLICY.md), then update
// the list.
TEST_F(DefaultPolicyTest, WhatPoliceHealthAndOtherMayReceiveIsPinned) {
  std::set<std::string> reachable;
  for (v1::AgencyKind kind :
       {v1::AGENCY_KIND_POLICE_FORCE, v1::AGENCY_KIND_HEALTH_TEAM,
        v1::AGENCY_KIND_OTHER}) {
    const std::set<std::string> more = ReachableFields(*policy_->ForKind(kind));
    reachable.insert(more.begin(), more.end());
  }
  const std::set<std::string> expected = {
      // Always.
      "CaseBundle.metadata",
      "BundleMetadata.schema_version",
      "BundleMetadata.source_system",
      "BundleMetadata.sender_reference",
      "BundleMetadata.created_time",
      "CaseBundle.move",
      "MoveNotice.kind",
      "MoveNotice.from_area",
      "MoveNotice.to_area",
      "MoveNotice.placement_address",
      "MoveNotice.placement_postcode",
      "MoveNotice.effective_time",
      "MoveNotice.urgency",
      "MoveNotice.move_id",
      "MoveNotice.priority_reasons",
      // identity
      "CaseBundle.identity",
      "Identity.given_names",
      "Identity.family_name",
      "Identity.preferred_name",
      "Identity.aliases",
      "Alias.name",
      "Alias.context",
      "Identity.date_of_birth",
      "Identity.nhs_number",
      "Identity.local_case_ids",
      "LocalCaseId.system",
      "LocalCaseId.id",
      "Identity.gender",
      "Identity.gender_description",
      "Identity.photo_attachment",
      // health (part)
      "CaseBundle.health",
      "Health.needs",
      "Need.description",
      "Need.identified_by",
      "Need.date",
      "Health.diagnoses",
      "Diagnosis.description",
      "Diagnosis.diagnosed_by",
      "Diagnosis.date",
      "Health.medications",
      "Medication.name",
      "Medication.dose",
      "Medication.frequency",
      "Medication.prescribed_by",
      "Medication.notes",
      // legal_status (part)
      "CaseBundle.legal_status",
      "LegalStatus.deprivation_of_liberty",
      "DeprivationOfLiberty.authorised_by",
      "DeprivationOfLiberty.start_date",
      "DeprivationOfLiberty.end_date",
      "DeprivationOfLiberty.restrictions",
      "DeprivationOfLiberty.review_date",
      // risk (part)
      "CaseBundle.risk",
      "RiskProfile.sexual_exploitation",
      "RiskProfile.criminal_exploitation",
      "RiskProfile.self_harm",
      "RiskAssessment.level",
      "RiskAssessment.assessed_date",
      "RiskAssessment.assessed_by",
      "RiskAssessment.summary",
      "RiskProfile.other_risks",
      "OtherRisk.name",
      "OtherRisk.assessment",
      "RiskProfile.known_risk_persons",
      "KnownRiskPerson.description",
      "KnownRiskPerson.relationship",
      "KnownRiskPerson.area_description",
      "KnownRiskPerson.postcode_district",
      "KnownRiskPerson.proximity_note",
      // grab_pack (part)
      "CaseBundle.grab_pack",
      "MissingFromCareGrabPack.physical_description",
      "MissingFromCareGrabPack.places_may_go",
      "Place.description",
      "Place.postcode_district",
      "MissingFromCareGrabPack.people_may_be_with",
      "Associate.description",
      "Associate.relationship",
      // registers
      "CaseBundle.dynamic_support_register",
      "DynamicSupportRegister.status",
      "DynamicSupportRegister.rating",
      "DynamicSupportRegister.status_date",
      "DynamicSupportRegister.held_by",
      "CaseBundle.cetr",
      "CareEducationTreatmentReview.status",
      "CareEducationTreatmentReview.last_review_date",
      "CareEducationTreatmentReview.next_review_date",
      "CareEducationTreatmentReview.held_by",
      // contacts
      "CaseBundle.contacts",
      "Contact.role",
      "Contact.agency",
      "Contact.phone",
      "Contact.email",
      "Contact.out_of_hours",
      "Contact.availability",
  };
  EXPECT_EQ(reachable, expected);
}

// Children's services name every section but metadata, attachments and
// move, which every view carries by other rules; a new section reaches
// nobody until a policy names it. If this fails, a section was added:
// decide who receives it and add it to default_policy.cc and
// view-policy.toml.
TEST_F(DefaultPolicyTest, TheSectionsArePinned) {
  std::vector<std::string> sections;
  const auto* d = v1::CaseBundle::descriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    sections.push_back(d->field(i)->name());
  }
  EXPECT_THAT(sections,
              ElementsAre("metadata", "identity", "health", "legal_status",
                          "risk", "grab_pack", "placements",
                          "care_plan_actions", "dynamic_support_register",
                          "cetr", "contacts", "attachments", "move"));
}

}  // namespace
}  // namespace handover::policy

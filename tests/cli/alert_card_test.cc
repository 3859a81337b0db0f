// The control room's alert card (client/alert_card.h), as a pure function
// of an AlertEvent: what a raised, escalated and acknowledged event shows,
// and how a view with parts missing (no photo, no risks, not opened) reads.
#include "alert_card.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "handover/v1/node.pb.h"

namespace handover::cli {
namespace {

namespace v1 = handover::v1;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr int64_t kRaised = 1796379302;  // 2026-12-04T10:15:02Z
constexpr char kAlertId[] = "A-1f2e3d4c5b6a79881f2e3d4c5b6a7988";

v1::CaseBundle FullView() {
  v1::CaseBundle view;
  v1::Identity* id = view.mutable_identity();
  id->set_given_names("Jamie Lee");
  id->set_family_name("Example");
  id->set_preferred_name("JJ");
  id->set_date_of_birth("2011-03-09");
  id->set_photo_attachment("photo.jpg");
  v1::MoveNotice* move = view.mutable_move();
  move->set_kind(v1::MOVE_NOTICE_KIND_MOVE);
  move->set_from_area("E08000007");
  move->set_to_area("E08000025");
  move->set_placement_address("12 Example Road, Birmingham");
  move->set_placement_postcode("B15 2TT");
  move->mutable_effective_time()->set_seconds(kRaised - 3600);
  move->set_urgency(v1::MOVE_URGENCY_EMERGENCY);
  v1::RiskProfile* risk = view.mutable_risk();
  risk->mutable_sexual_exploitation()->set_level(v1::RISK_LEVEL_HIGH);
  v1::KnownRiskPerson* person = risk->add_known_risk_persons();
  person->set_area_description("Erdington area");
  person->set_postcode_district("B23");
  risk->add_missing_episodes()->mutable_start_time()->set_seconds(kRaised -
                                                                  86400);
  v1::DeprivationOfLiberty* dol =
      view.mutable_legal_status()->mutable_deprivation_of_liberty();
  dol->add_restrictions("2:1 staffing at all times");
  dol->add_restrictions("no phone after 22:00");
  dol->set_authorised_by("High Court, Family Division");
  v1::MissingFromCareGrabPack* grab = view.mutable_grab_pack();
  grab->set_physical_description("slim, 5ft 2, dark hair");
  v1::Place* place = grab->add_places_may_go();
  place->set_description("Stockport bus station");
  place->set_postcode_district("SK1");
  v1::Associate* with = grab->add_people_may_be_with();
  with->set_description("older male peer");
  with->set_relationship("friend");
  v1::Contact* contact = view.add_contacts();
  contact->set_role("emergency duty team");
  contact->set_agency("Stockport children's services");
  contact->set_phone("0161 000 0000");
  contact->set_out_of_hours(true);
  return view;
}

v1::AlertEvent Raised(v1::CaseBundle view) {
  v1::AlertEvent event;
  event.set_cursor(7);
  event.set_kind(v1::ALERT_EVENT_KIND_RAISED);
  event.set_priority(v1::ALERT_PRIORITY_HIGH);
  event.mutable_at()->set_seconds(kRaised);
  v1::Alert* alert = event.mutable_alert();
  alert->set_alert_id(kAlertId);
  alert->set_transfer_id("1f2e3d4c5b6a79881f2e3d4c5b6a7988");
  alert->set_sender_id("stockport-cs");
  alert->set_priority(v1::ALERT_PRIORITY_HIGH);
  alert->set_raised_priority(v1::ALERT_PRIORITY_HIGH);
  alert->add_reasons("deprivation_of_liberty");
  alert->add_reasons("missing_episodes");
  alert->mutable_raised_at()->set_seconds(kRaised);
  *alert->mutable_view() = std::move(view);
  return event;
}

TEST(AlertCardTest, RaisedEventShowsTheWholeCard) {
  EXPECT_EQ(
      FormatAlertCard(Raised(FullView())),
      "==== HIGH  ALERT A-1f2e3d4c5b6a79881f2e3d4c5b6a7988  (raised "
      "2026-12-04T10:15:02Z, cursor 7) ====\n"
      "Child:      Jamie Lee Example (\"JJ\"), born 2011-03-09, photo: "
      "photo.jpg\n"
      "Move:       MOVE to E08000025 from E08000007, effective "
      "2026-12-04T09:15:02Z, urgency EMERGENCY\n"
      "Placement:  12 Example Road, Birmingham, B15 2TT\n"
      "Why high:   deprivation_of_liberty, missing_episodes\n"
      "Risks:      sexual exploitation HIGH; known risk persons: 1 (Erdington "
      "area B23); missing episodes: 1 (MISSING NOW, since "
      "2026-12-03T10:15:02Z)\n"
      "DoL:        restrictions: 2:1 staffing at all times; no phone after "
      "22:00; authorised by High Court, Family Division\n"
      "Grab pack:  slim, 5ft 2, dark hair; may go to Stockport bus station "
      "SK1; may be with older male peer (friend)\n"
      "Contacts:   emergency duty team Stockport children's services 0161 000 "
      "0000 (out of hours)\n"
      "From:       stockport-cs, transfer 1f2e3d4c5b6a79881f2e3d4c5b6a7988\n"
      "Ack:        not acknowledged\n"
      "\n");
}

TEST(AlertCardTest, EscalatedEventSaysSoFirst) {
  v1::AlertEvent event = Raised(FullView());
  event.set_kind(v1::ALERT_EVENT_KIND_ESCALATED);
  event.set_priority(v1::ALERT_PRIORITY_URGENT);
  event.set_cursor(9);
  event.mutable_at()->set_seconds(kRaised + 1800);
  event.mutable_alert()->set_priority(v1::ALERT_PRIORITY_URGENT);
  event.mutable_alert()->set_escalations(2);
  const std::string card = FormatAlertCard(event);
  EXPECT_THAT(card, StartsWith("==== ESCALATED to URGENT (escalation 2)  ALERT "
                               "A-1f2e3d4c5b6a79881f2e3d4c5b6a7988  (at "
                               "2026-12-04T10:45:02Z, cursor 9) ====\n"
                               "Escalated:  not acknowledged since raised at "
                               "2026-12-04T10:15:02Z as HIGH\n"
                               "Child:      Jamie Lee Example"));
  // The reasons line names the priority the alert now has.
  EXPECT_THAT(card, HasSubstr("\nWhy urgent: deprivation_of_liberty"));
  EXPECT_THAT(card, HasSubstr("\nAck:        not acknowledged\n"));
}

TEST(AlertCardTest, AcknowledgedEventIsShort) {
  v1::AlertEvent event = Raised(FullView());
  event.set_kind(v1::ALERT_EVENT_KIND_ACKNOWLEDGED);
  event.set_cursor(11);
  event.mutable_at()->set_seconds(kRaised + 600);
  v1::Alert* alert = event.mutable_alert();
  alert->set_acknowledged_by("PC-4471");
  alert->mutable_acknowledged_at()->set_seconds(kRaised + 600);
  alert->set_acknowledgement_note("patrol briefed");
  EXPECT_EQ(FormatAlertCard(event),
            "==== ACKNOWLEDGED  ALERT A-1f2e3d4c5b6a79881f2e3d4c5b6a7988  (at "
            "2026-12-04T10:25:02Z, cursor 11) ====\n"
            "Ack:        acknowledged by PC-4471 at 2026-12-04T10:25:02Z: "
            "patrol briefed\n"
            "Child:      Jamie Lee Example (\"JJ\"), born 2011-03-09, photo: "
            "photo.jpg\n"
            "From:       stockport-cs, transfer "
            "1f2e3d4c5b6a79881f2e3d4c5b6a7988\n"
            "\n");
}

TEST(AlertCardTest, MissingPartsSayNoneInsteadOfVanishing) {
  v1::CaseBundle view;
  view.mutable_identity()->set_family_name("Example");
  v1::AlertEvent event = Raised(view);
  event.mutable_alert()->clear_reasons();
  const std::string card = FormatAlertCard(event);
  EXPECT_THAT(card, HasSubstr("\nChild:      Example, born not recorded, "
                              "photo: none\n"));
  EXPECT_THAT(card, HasSubstr("\nMove:       none in this view\n"));
  EXPECT_THAT(card, HasSubstr("\nWhy high:   no reasons given\n"));
  EXPECT_THAT(card, HasSubstr("\nRisks:      none in this view\n"));
  EXPECT_THAT(card, HasSubstr("\nDoL:        none in this view\n"));
  EXPECT_THAT(card, HasSubstr("\nGrab pack:  none in this view\n"));
  EXPECT_THAT(card, HasSubstr("\nContacts:   none in this view\n"));
  EXPECT_THAT(card, Not(HasSubstr("Placement:")));
}

TEST(AlertCardTest, ViewThatCouldNotBeOpenedSaysWhy) {
  v1::AlertEvent event = Raised(FullView());
  event.mutable_alert()->clear_view();
  event.mutable_alert()->set_view_error("the envelope did not verify");
  const std::string card = FormatAlertCard(event);
  EXPECT_THAT(card, HasSubstr("\nView:       could not be opened: the "
                              "envelope did not verify\nFrom:"));
  EXPECT_THAT(card, Not(HasSubstr("Child:")));
}

TEST(AlertCardTest, RecordTextCannotRedrawTheTerminal) {
  v1::CaseBundle view = FullView();
  view.mutable_identity()->set_given_names("Jamie\x1b[2J\nLee");
  const std::string card = FormatAlertCard(Raised(view));
  EXPECT_THAT(card, Not(HasSubstr("\x1b")));
  EXPECT_THAT(card, HasSubstr("Child:      Jamie?[2J Lee Example"));
}

TEST(AlertCardTest, JsonCarriesTheEventAndTheView) {
  v1::AlertEvent event = Raised(FullView());
  Json j = AlertEventJson(event);
  EXPECT_EQ(j["cursor"], 7);
  EXPECT_EQ(j["kind"], "raised");
  EXPECT_EQ(j["priority"], "HIGH");
  EXPECT_EQ(j["at"], "2026-12-04T10:15:02Z");
  EXPECT_EQ(j["alert"]["alert_id"], kAlertId);
  EXPECT_EQ(j["alert"]["acknowledged_by"], nullptr);
  EXPECT_EQ(j["alert"]["view"]["identity"]["family_name"], "Example");
  EXPECT_EQ(j["alert"]["view"]["move"]["to_area"], "E08000025");
  EXPECT_EQ(j.dump().find('\n'), std::string::npos);  // one line per event

  event.mutable_alert()->clear_view();
  EXPECT_EQ(AlertEventJson(event)["alert"]["view"], nullptr);
}

}  // namespace
}  // namespace handover::cli

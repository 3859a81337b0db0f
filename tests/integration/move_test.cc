// A child moves, across the real network: the destination area's
// children's services, health team and police force (and the always-copy
// home force) each receive their own view, sealed on its own; the police
// control room gets an alert it can resume and acknowledge; the signed
// acknowledgement reaches the sender; an unacknowledged alert escalates and
// the sender sees it overdue; and a later move supersedes an undelivered
// one. Real daemons, real TLS, real SQLite.
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "gtest/gtest.h"
#include "harness/move_calls.h"
#include "harness/network_test.h"
#include "policy/cut_view.h"
#include "policy/default_policy.h"

namespace handover::integration {
namespace {

namespace v1 = handover::v1;

constexpr char kBirminghamHealth[] = "birmingham-health";
constexpr char kWestMidlandsPolice[] = "west-midlands-police";
constexpr char kStockportHealth[] = "stockport-health";

NetworkOptions MoveNetwork() {
  NetworkOptions options;
  options.nodes = {kStockport, kBirmingham, kBirminghamHealth,
                   kWestMidlandsPolice, kPolice};
  return options;
}

class MoveTest : public NetworkTest {
 protected:
  // Stockport always copies its home force, Greater Manchester Police.
  void StartMoveNetwork(NetworkOptions options = MoveNetwork(),
                        const std::string& stockport_toml = "") {
    ASSERT_NO_FATAL_FAILURE(CreateNetwork(std::move(options)));
    net().node_settings(kStockport).extra_toml = absl::StrCat(
        "[move]\nalways_copy = [\"", kPolice, "\"]\n", stockport_toml);
    ASSERT_OK(net().StartAll());
  }

  std::vector<AttachmentFile> Attachments() {
    std::vector<AttachmentFile> files;
    int seed = 1;
    for (const auto& [name, type] :
         std::vector<std::pair<std::string, std::string>>{
             {"photo.jpg", "image/jpeg"},
             {"care-plan.pdf", "application/pdf"},
             {"medical.pdf", "application/pdf"}}) {
      const std::string path = Scratch(name);
      EXPECT_OK(WriteTestFile(path, 20 * 1024 + seed, seed));
      files.push_back({path, name, type});
      ++seed;
    }
    return files;
  }

  const v1::MoveView* ViewOfKind(const v1::SubmitMoveResponse& move,
                                 v1::AgencyKind kind) {
    for (const v1::MoveView& view : move.views()) {
      if (view.kind() == kind) return &view;
    }
    ADD_FAILURE() << "no view of kind " << v1::AgencyKind_Name(kind);
    return nullptr;
  }
};

TEST_F(MoveTest, EachAgencyReceivesExactlyItsPolicyView) {
  ASSERT_NO_FATAL_FAILURE(StartMoveNetwork());
  MoveRequest request;
  request.idempotency_key = "move-views-1";
  request.bundle = RichBundle("REF-MOVE-VIEWS", /*with_attachments=*/true);
  request.attachments = Attachments();
  auto sender = net().Client(kStockport, Role::kSubmitter);
  ASSERT_OK_AND_ASSIGN(v1::SubmitMoveResponse move,
                       SubmitMove(*sender, request));
  ASSERT_EQ(move.views_size(), 3) << move.DebugString();
  EXPECT_FALSE(move.duplicate());

  // Who gets which view.
  const std::vector<std::pair<v1::AgencyKind, std::set<std::string>>> expected =
      {{v1::AGENCY_KIND_LOCAL_AUTHORITY_CHILDRENS_SERVICES, {kBirmingham}},
       {v1::AGENCY_KIND_HEALTH_TEAM, {kBirminghamHealth}},
       {v1::AGENCY_KIND_POLICE_FORCE, {kWestMidlandsPolice, kPolice}}};
  ASSERT_OK_AND_ASSIGN(policy::ViewPolicy default_policy,
                       policy::DefaultViewPolicy());
  for (const auto& [kind, agencies] : expected) {
    SCOPED_TRACE(v1::AgencyKind_Name(kind));
    const v1::MoveView* view = ViewOfKind(move, kind);
    ASSERT_NE(view, nullptr);
    EXPECT_EQ(std::set<std::string>(view->recipients().begin(),
                                    view->recipients().end()),
              agencies);
    ASSERT_OK_AND_ASSIGN(
        v1::TransferStatusResponse status,
        sender->WaitForState(view->transfer_id(), v1::DELIVERY_STATE_DELIVERED,
                             Wait()));
    EXPECT_EQ(status.move_id(), move.move_id());
    EXPECT_EQ(status.kept_fields_size(), view->kept_fields_size());

    // Every recipient decrypts its view, and it is exactly the policy's
    // cut of the whole record: no field outside the policy leaked.
    for (const std::string& agency : agencies) {
      SCOPED_TRACE(agency);
      auto receiver = net().Client(agency, Role::kReceiver);
      ASSERT_OK_AND_ASSIGN(
          FetchedTransfer fetched,
          receiver->Fetch(view->transfer_id(), Scratch("fetch-" + agency)));
      ASSERT_TRUE(fetched.ended);
      const v1::CaseBundle& got = fetched.header.bundle();
      ASSERT_TRUE(got.has_move());
      EXPECT_EQ(got.move().to_area(), kBirminghamArea);
      EXPECT_EQ(got.move().move_id(), move.move_id());
      v1::CaseBundle whole = request.bundle;
      for (v1::Attachment& a : *whole.mutable_attachments()) {
        for (const v1::Attachment& sent : got.attachments()) {
          if (sent.name() == a.name()) a.set_size_bytes(sent.size_bytes());
        }
      }
      for (const AttachmentFile& f : request.attachments) {
        for (v1::Attachment& a : *whole.mutable_attachments()) {
          if (a.name() == f.name) {
            ASSERT_OK_AND_ASSIGN(std::unique_ptr<InputFile> in,
                                 InputFile::Open(f.path));
            a.set_size_bytes(in->size());
          }
        }
      }
      *whole.mutable_move() = got.move();
      ASSERT_OK_AND_ASSIGN(policy::View cut,
                           policy::CutView(whole, kind, default_policy));
      EXPECT_EQ(got.SerializeAsString(), cut.bundle.SerializeAsString())
          << "got:\n"
          << got.DebugString() << "\nwant:\n"
          << cut.bundle.DebugString();
      EXPECT_EQ(fetched.attachment_paths.size(), cut.kept_attachments.size());
    }
  }
  // Spot checks of the default policy on what arrived.
  const v1::MoveView* police = ViewOfKind(move, v1::AGENCY_KIND_POLICE_FORCE);
  const v1::MoveView* health = ViewOfKind(move, v1::AGENCY_KIND_HEALTH_TEAM);
  ASSERT_NE(police, nullptr);
  ASSERT_NE(health, nullptr);
  auto has_section = [](const v1::MoveView& view, const std::string& name) {
    for (const std::string& f : view.kept_fields()) {
      if (f == name || absl::StartsWith(f, name + ".")) return true;
    }
    return false;
  };
  EXPECT_FALSE(has_section(*police, "health"));
  EXPECT_TRUE(has_section(*police, "grab_pack"));
  EXPECT_FALSE(has_section(*health, "grab_pack"));
  EXPECT_TRUE(has_section(*health, "health"));
}

TEST_F(MoveTest, PoliceAlertResumesFromItsCursorAndAcknowledgementReturns) {
  ASSERT_NO_FATAL_FAILURE(StartMoveNetwork());
  MoveRequest request;
  request.idempotency_key = "move-alert-1";
  request.bundle = RichBundle("REF-MOVE-ALERT");
  auto sender = net().Client(kStockport, Role::kSubmitter);
  ASSERT_OK_AND_ASSIGN(v1::SubmitMoveResponse move,
                       SubmitMove(*sender, request));
  const v1::MoveView* police = ViewOfKind(move, v1::AGENCY_KIND_POLICE_FORCE);
  ASSERT_NE(police, nullptr);

  auto control_room = net().Client(kWestMidlandsPolice, Role::kAlertOperator);
  ASSERT_OK_AND_ASSIGN(
      v1::AlertEvent raised,
      WaitForAlertEvent(*control_room, 0, v1::ALERT_EVENT_KIND_RAISED, Wait()));
  const v1::Alert& alert = raised.alert();
  EXPECT_EQ(alert.transfer_id(), police->transfer_id());
  EXPECT_EQ(alert.alert_id(), "A-" + police->transfer_id());
  EXPECT_EQ(alert.sender_id(), kStockport);
  EXPECT_EQ(alert.priority(), v1::ALERT_PRIORITY_HIGH);
  const std::set<std::string> reasons(alert.reasons().begin(),
                                      alert.reasons().end());
  for (const char* reason : {"deprivation_of_liberty", "sexual_exploitation",
                             "known_risk_person_near_placement",
                             "missing_episodes", "emergency_move"}) {
    EXPECT_TRUE(reasons.contains(reason)) << reason;
  }
  // The card carries the police view, and nothing of the health record.
  ASSERT_TRUE(alert.has_view()) << alert.view_error();
  EXPECT_EQ(alert.view().identity().family_name(), "Child");
  EXPECT_EQ(alert.view().move().placement_postcode(), "B15 2TT");
  EXPECT_FALSE(alert.view().has_health());

  // A control room that reconnects with its cursor sees nothing twice.
  ASSERT_OK_AND_ASSIGN(std::vector<v1::AlertEvent> after,
                       AlertEventsAfter(*control_room, raised.cursor()));
  EXPECT_TRUE(after.empty());
  ASSERT_OK_AND_ASSIGN(std::vector<v1::AlertEvent> again,
                       AlertEventsAfter(*control_room, 0));
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].cursor(), raised.cursor());
  EXPECT_EQ(again[0].alert().alert_id(), alert.alert_id());

  // An alert-operator acknowledges; the second attempt is refused.
  ASSERT_OK_AND_ASSIGN(v1::AckAlertResponse acked,
                       AckAlert(*control_room, alert.alert_id(), "WMP-CR-4471",
                                "Patrol briefed; placement visit booked"));
  EXPECT_EQ(acked.alert().acknowledged_by(), "WMP-CR-4471");
  absl::StatusOr<v1::AckAlertResponse> twice =
      AckAlert(*control_room, alert.alert_id(), "WMP-CR-9999", "");
  EXPECT_EQ(twice.status().code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_OK_AND_ASSIGN(
      v1::AlertEvent ack_event,
      WaitForAlertEvent(*control_room, raised.cursor(),
                        v1::ALERT_EVENT_KIND_ACKNOWLEDGED, Wait()));
  EXPECT_GT(ack_event.cursor(), raised.cursor());

  // Other roles cannot watch or acknowledge.
  auto receiver = net().Client(kWestMidlandsPolice, Role::kReceiver);
  EXPECT_EQ(AlertEventsAfter(*receiver, 0).status().code(),
            absl::StatusCode::kPermissionDenied);

  // The signed acknowledgement travels back to Stockport.
  const absl::Time deadline = absl::Now() + Wait();
  v1::RecipientStatus wmp;
  while (true) {
    ASSERT_OK_AND_ASSIGN(v1::TransferStatusResponse status,
                         sender->Status(police->transfer_id()));
    for (const v1::RecipientStatus& r : status.recipients()) {
      if (r.agency_id() == kWestMidlandsPolice) wmp = r;
    }
    if (!wmp.acknowledged_by().empty()) break;
    ASSERT_LT(absl::Now(), deadline) << status.DebugString();
    absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_EQ(wmp.acknowledged_by(), "WMP-CR-4471");
  EXPECT_EQ(wmp.kind(), v1::AGENCY_KIND_POLICE_FORCE);
  EXPECT_FALSE(wmp.overdue());
  ASSERT_OK_AND_ASSIGN(
      v1::Notice notice,
      net().VerifyNoticeFrom(wmp.acknowledgement(), kWestMidlandsPolice));
  ASSERT_TRUE(notice.has_acknowledgement());
  EXPECT_EQ(notice.acknowledgement().operator_id(), "WMP-CR-4471");
  EXPECT_EQ(notice.acknowledgement().alert_id(), alert.alert_id());
  // The note stays with the police: notices carry no case content.
  EXPECT_EQ(notice.SerializeAsString().find("Patrol"), std::string::npos);
}

TEST_F(MoveTest, AMissingEpisodeRaisesAHighAlertWhateverTheRecord) {
  ASSERT_NO_FATAL_FAILURE(StartMoveNetwork());
  MoveRequest request;
  request.idempotency_key = "missing-1";
  request.kind = v1::MOVE_NOTICE_KIND_MISSING_EPISODE;
  request.from_area = kBirminghamArea;
  request.urgency = v1::MOVE_URGENCY_URGENT;
  // A record with no risks recorded at all: the report alone is enough.
  request.bundle = RichBundle("REF-MISSING");
  request.bundle.clear_risk();
  request.bundle.clear_legal_status();
  auto sender = net().Client(kStockport, Role::kSubmitter);
  ASSERT_OK_AND_ASSIGN(v1::SubmitMoveResponse move,
                       SubmitMove(*sender, request));
  auto control_room = net().Client(kWestMidlandsPolice, Role::kAlertOperator);
  ASSERT_OK_AND_ASSIGN(
      v1::AlertEvent raised,
      WaitForAlertEvent(*control_room, 0, v1::ALERT_EVENT_KIND_RAISED, Wait()));
  EXPECT_EQ(raised.alert().priority(), v1::ALERT_PRIORITY_HIGH);
  EXPECT_EQ(std::vector<std::string>(raised.alert().reasons().begin(),
                                     raised.alert().reasons().end()),
            std::vector<std::string>{"reported_missing"});
  EXPECT_EQ(raised.alert().view().move().kind(),
            v1::MOVE_NOTICE_KIND_MISSING_EPISODE);
}

TEST_F(MoveTest, UnacknowledgedAlertEscalatesAndTheSenderSeesItOverdue) {
  ASSERT_NO_FATAL_FAILURE(CreateNetwork(MoveNetwork()));
  net().node_settings(kStockport).extra_toml =
      "[acknowledgement]\npolice_force = \"1s\"\n";
  net().node_settings(kWestMidlandsPolice).extra_toml =
      "[alerts]\nescalate_after = \"2s\"\n";
  ASSERT_OK(net().StartAll());
  MoveRequest request;
  request.idempotency_key = "move-escalate-1";
  request.bundle = RichBundle("REF-MOVE-ESCALATE");
  auto sender = net().Client(kStockport, Role::kSubmitter);
  ASSERT_OK_AND_ASSIGN(v1::SubmitMoveResponse move,
                       SubmitMove(*sender, request));
  const v1::MoveView* police = ViewOfKind(move, v1::AGENCY_KIND_POLICE_FORCE);
  ASSERT_NE(police, nullptr);

  auto control_room = net().Client(kWestMidlandsPolice, Role::kAlertOperator);
  ASSERT_OK_AND_ASSIGN(
      v1::AlertEvent escalated,
      WaitForAlertEvent(*control_room, 0, v1::ALERT_EVENT_KIND_ESCALATED,
                        Wait()));
  EXPECT_EQ(escalated.priority(), v1::ALERT_PRIORITY_URGENT);
  EXPECT_EQ(escalated.alert().escalations(), 1u);
  EXPECT_EQ(escalated.alert().raised_priority(), v1::ALERT_PRIORITY_HIGH);

  // Nobody acknowledged within a second: Stockport lists the police copy.
  ASSERT_OK_AND_ASSIGN(v1::ListOverdueResponse overdue, ListOverdue(*sender));
  std::set<std::string> late;
  for (const v1::OverdueItem& item : overdue.items()) {
    EXPECT_EQ(item.move_id(), move.move_id());
    if (item.transfer_id() == police->transfer_id())
      late.insert(item.agency_id());
  }
  EXPECT_TRUE(late.contains(kWestMidlandsPolice)) << overdue.DebugString();
  ASSERT_OK_AND_ASSIGN(v1::TransferStatusResponse status,
                       sender->Status(police->transfer_id()));
  for (const v1::RecipientStatus& r : status.recipients()) {
    EXPECT_TRUE(r.overdue()) << r.agency_id();
    EXPECT_TRUE(r.has_acknowledgement_due_at());
  }
}

TEST_F(MoveTest, RepeatedKeyReturnsTheSameMoveAndSendsNothingTwice) {
  ASSERT_NO_FATAL_FAILURE(StartMoveNetwork());
  MoveRequest request;
  request.idempotency_key = "move-repeat-1";
  request.bundle = RichBundle("REF-MOVE-REPEAT");
  auto sender = net().Client(kStockport, Role::kSubmitter);
  ASSERT_OK_AND_ASSIGN(v1::SubmitMoveResponse first,
                       SubmitMove(*sender, request));
  ASSERT_OK_AND_ASSIGN(v1::SubmitMoveResponse second,
                       SubmitMove(*sender, request));
  EXPECT_TRUE(second.duplicate());
  EXPECT_EQ(second.move_id(), first.move_id());
  ASSERT_EQ(second.views_size(), first.views_size());
  for (int i = 0; i < first.views_size(); ++i) {
    EXPECT_EQ(second.views(i).transfer_id(), first.views(i).transfer_id());
  }
  const v1::MoveView* cs =
      ViewOfKind(first, v1::AGENCY_KIND_LOCAL_AUTHORITY_CHILDRENS_SERVICES);
  ASSERT_NE(cs, nullptr);
  ASSERT_OK(sender
                ->WaitForState(cs->transfer_id(), v1::DELIVERY_STATE_DELIVERED,
                               Wait())
                .status());
  EXPECT_EQ(InboxCount(kBirmingham, cs->transfer_id()), 1);
  ASSERT_OK_AND_ASSIGN(std::vector<v1::InboxEntry> inbox,
                       net().Client(kBirmingham, Role::kReceiver)->ListInbox());
  EXPECT_EQ(inbox.size(), 1u);
}

TEST_F(MoveTest, UnknownAreaOrMissingKindIsRefusedWithNothingSent) {
  NetworkOptions options = MoveNetwork();
  // Birmingham without a health team.
  options.nodes = {kStockport, kBirmingham, kWestMidlandsPolice, kPolice};
  ASSERT_NO_FATAL_FAILURE(StartMoveNetwork(options));
  auto sender = net().Client(kStockport, Role::kSubmitter);
  MoveRequest request;
  request.idempotency_key = "move-nowhere-1";
  request.bundle = RichBundle("REF-MOVE-NOWHERE");
  request.to_area = "E06000001";  // no agency serves it here
  absl::StatusOr<v1::SubmitMoveResponse> unknown = SubmitMove(*sender, request);
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound)
      << unknown.status();
  EXPECT_TRUE(absl::StrContains(unknown.status().message(), "E06000001"));

  request.idempotency_key = "move-nohealth-1";
  request.to_area = kBirminghamArea;
  absl::StatusOr<v1::SubmitMoveResponse> no_health =
      SubmitMove(*sender, request);
  EXPECT_EQ(no_health.status().code(), absl::StatusCode::kFailedPrecondition)
      << no_health.status();
  EXPECT_TRUE(absl::StrContains(no_health.status().message(), "health"))
      << no_health.status();

  request.to_area = "Birmingham";
  EXPECT_EQ(SubmitMove(*sender, request).status().code(),
            absl::StatusCode::kInvalidArgument);
  request.to_area = kBirminghamArea;
  request.bundle.mutable_move()->set_to_area(kBirminghamArea);
  EXPECT_EQ(SubmitMove(*sender, request).status().code(),
            absl::StatusCode::kInvalidArgument);

  // Nothing was queued or sent half-way.
  ASSERT_OK_AND_ASSIGN(v1::NodeInfo info,
                       net().Client(kStockport, Role::kAdmin)->GetNodeInfo());
  EXPECT_EQ(info.outbox_queued(), 0u);
  absl::SleepFor(absl::Milliseconds(500));
  ASSERT_OK_AND_ASSIGN(std::vector<v1::InboxEntry> inbox,
                       net().Client(kBirmingham, Role::kReceiver)->ListInbox());
  EXPECT_TRUE(inbox.empty());
}

TEST_F(MoveTest, LaterMoveWithdrawsTheUndeliveredOneAndTellsTheFirstArea) {
  NetworkOptions options = MoveNetwork();
  options.nodes = {kStockport,          kBirmingham, kBirminghamHealth,
                   kWestMidlandsPolice, kPolice,     kStockportHealth};
  ASSERT_NO_FATAL_FAILURE(CreateNetwork(options));
  ASSERT_OK(net().StartAll());
  // The first area's agencies are offline, so the first move waits at the
  // router.
  ASSERT_OK(net().StopNode(kStockportHealth));
  ASSERT_OK(net().StopNode(kPolice));
  auto sender = net().Client(kStockport, Role::kSubmitter);
  MoveRequest first_request;
  first_request.idempotency_key = "move-first";
  first_request.bundle = RichBundle("REF-FOLLOW");
  first_request.to_area = kStockportArea;
  first_request.placement_postcode = "SK1 3XE";
  first_request.placement_address = "Foster placement, Stockport";
  ASSERT_OK_AND_ASSIGN(v1::SubmitMoveResponse first,
                       SubmitMove(*sender, first_request));
  ASSERT_EQ(first.views_size(), 2) << first.DebugString();  // health, police
  for (const v1::MoveView& view : first.views()) {
    ASSERT_OK(sender
                  ->WaitForState(view.transfer_id(),
                                 v1::DELIVERY_STATE_AT_ROUTER, Wait())
                  .status());
  }

  // Before it is delivered, the child moves on to Birmingham.
  MoveRequest second_request;
  second_request.idempotency_key = "move-second";
  second_request.bundle = RichBundle("REF-FOLLOW");
  ASSERT_OK_AND_ASSIGN(v1::SubmitMoveResponse second,
                       SubmitMove(*sender, second_request));
  ASSERT_EQ(second.superseded_move_ids_size(), 1);
  EXPECT_EQ(second.superseded_move_ids(0), first.move_id());
  ASSERT_EQ(second.views_size(), 3);
  std::set<std::string> told;
  for (const v1::MoveView& view : second.moved_on_views()) {
    told.insert(view.recipients().begin(), view.recipients().end());
  }
  EXPECT_EQ(told, (std::set<std::string>{kStockportHealth, kPolice}));

  // The first move's copies are withdrawn at the router.
  for (const v1::MoveView& view : first.views()) {
    ASSERT_OK_AND_ASSIGN(
        v1::TransferStatusResponse status,
        sender->WaitForState(view.transfer_id(), v1::DELIVERY_STATE_WITHDRAWN,
                             Wait()));
    for (const v1::RecipientStatus& r : status.recipients()) {
      EXPECT_EQ(r.state(), v1::DELIVERY_STATE_WITHDRAWN) << r.agency_id();
      EXPECT_FALSE(r.overdue());
    }
  }
  // The first area comes back: it gets the moved-on notice, never the
  // withdrawn record.
  ASSERT_OK(net().StartNode(kStockportHealth));
  ASSERT_OK(net().StartNode(kPolice));
  for (const v1::MoveView& view : second.moved_on_views()) {
    ASSERT_OK(sender
                  ->WaitForState(view.transfer_id(),
                                 v1::DELIVERY_STATE_DELIVERED, Wait())
                  .status());
    for (const std::string& agency : view.recipients()) {
      auto receiver = net().Client(agency, Role::kReceiver);
      ASSERT_OK_AND_ASSIGN(std::vector<v1::InboxEntry> inbox,
                           receiver->ListInbox());
      ASSERT_EQ(inbox.size(), 1u) << agency;
      EXPECT_EQ(inbox[0].transfer_id(), view.transfer_id());
      ASSERT_OK_AND_ASSIGN(
          FetchedTransfer fetched,
          receiver->Fetch(view.transfer_id(), Scratch("moved-on-" + agency)));
      const v1::CaseBundle& notice = fetched.header.bundle();
      EXPECT_EQ(notice.move().kind(), v1::MOVE_NOTICE_KIND_MOVED_ON);
      EXPECT_EQ(notice.move().to_area(), kBirminghamArea);
      EXPECT_TRUE(notice.move().placement_address().empty());
      EXPECT_FALSE(notice.has_risk());
    }
  }
  // And Birmingham's agencies have the latest record.
  for (const v1::MoveView& view : second.views()) {
    ASSERT_OK(sender
                  ->WaitForState(view.transfer_id(),
                                 v1::DELIVERY_STATE_DELIVERED, Wait())
                  .status());
  }
}

TEST_F(MoveTest, PolicyFileThatWillNotParseStopsTheNodeStarting) {
  ASSERT_NO_FATAL_FAILURE(CreateNetwork(MoveNetwork()));
  const std::string policy = Scratch("bad-policy.toml");
  ASSERT_OK(WriteTestFile(policy, 0, 1));
  {
    FILE* f = fopen(policy.c_str(), "w");
    ASSERT_NE(f, nullptr);
    fputs("[police_force]\nfields = [\"identity\",\n", f);
    fclose(f);
  }
  net().node_settings(kStockport).extra_toml =
      absl::StrCat("[move]\npolicy_file = \"", policy, "\"\n");
  ASSERT_OK(net().StartRouter());
  absl::Status started = net().StartNode(kStockport);
  EXPECT_FALSE(started.ok());
  EXPECT_TRUE(absl::StrContains(net().node_process(kStockport).ReadLog(),
                                "bad-policy.toml"))
      << net().node_process(kStockport).ReadLog();
}

}  // namespace
}  // namespace handover::integration

#include "harness/move_calls.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "common/status_macros.h"

namespace handover::integration {

namespace v1 = handover::v1;

namespace {
constexpr size_t kChunkBytes = 1 << 20;
}  // namespace

absl::StatusOr<v1::SubmitMoveResponse> SubmitMove(NodeClient& client,
                                                  const MoveRequest& request) {
  std::unique_ptr<grpc::ClientContext> context = client.NewContext();
  v1::SubmitMoveResponse response;
  std::unique_ptr<grpc::ClientWriter<v1::SubmitMoveRequest>> writer =
      client.stub().SubmitMove(context.get(), &response);
  v1::SubmitMoveRequest message;
  v1::SubmitMoveStart* start = message.mutable_start();
  start->set_idempotency_key(request.idempotency_key);
  *start->mutable_bundle() = request.bundle;
  start->set_kind(request.kind);
  start->set_from_area(request.from_area);
  start->set_to_area(request.to_area);
  start->set_placement_address(request.placement_address);
  start->set_placement_postcode(request.placement_postcode);
  start->mutable_effective_time()->set_seconds(
      absl::ToUnixSeconds(absl::Now()));
  start->set_urgency(request.urgency);
  std::vector<std::unique_ptr<InputFile>> files;
  for (const AttachmentFile& a : request.attachments) {
    ASSIGN_OR_RETURN(std::unique_ptr<InputFile> file, InputFile::Open(a.path));
    v1::AttachmentDescriptor* d = start->add_attachments();
    d->set_name(a.name);
    d->set_media_type(a.media_type);
    d->set_size(file->size());
    files.push_back(std::move(file));
  }
  bool open = writer->Write(message);
  std::string buffer(kChunkBytes, '\0');
  for (size_t i = 0; open && i < files.size(); ++i) {
    while (open) {
      ASSIGN_OR_RETURN(size_t n, files[i]->Read(buffer.data(), buffer.size()));
      if (n == 0) break;
      v1::SubmitMoveRequest data;
      data.mutable_attachment_data()->set_data(buffer.data(), n);
      open = writer->Write(data);
      if (n < buffer.size()) break;
    }
  }
  if (open) writer->WritesDone();
  RETURN_IF_ERROR(FromGrpc(writer->Finish()));
  return response;
}

absl::StatusOr<std::vector<v1::AlertEvent>> AlertEventsAfter(
    NodeClient& client, uint64_t after_cursor) {
  std::unique_ptr<grpc::ClientContext> context = client.NewContext();
  v1::WatchAlertsRequest request;
  request.set_after_cursor(after_cursor);
  request.set_stop_at_end(true);
  std::unique_ptr<grpc::ClientReader<v1::AlertEvent>> reader =
      client.stub().WatchAlerts(context.get(), request);
  std::vector<v1::AlertEvent> events;
  v1::AlertEvent event;
  while (reader->Read(&event)) events.push_back(event);
  RETURN_IF_ERROR(FromGrpc(reader->Finish()));
  return events;
}

absl::StatusOr<v1::AlertEvent> WaitForAlertEvent(NodeClient& client,
                                                 uint64_t after_cursor,
                                                 v1::AlertEventKind kind,
                                                 absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    ASSIGN_OR_RETURN(std::vector<v1::AlertEvent> events,
                     AlertEventsAfter(client, after_cursor));
    for (const v1::AlertEvent& e : events) {
      if (e.kind() == kind) return e;
    }
    if (absl::Now() > deadline) {
      return absl::DeadlineExceededError(
          absl::StrCat("no ", v1::AlertEventKind_Name(kind),
                       " alert event after cursor ", after_cursor));
    }
    absl::SleepFor(absl::Milliseconds(100));
  }
}

absl::StatusOr<v1::AckAlertResponse> AckAlert(NodeClient& client,
                                              const std::string& alert_id,
                                              const std::string& operator_id,
                                              const std::string& note) {
  std::unique_ptr<grpc::ClientContext> context = client.NewContext();
  v1::AckAlertRequest request;
  request.set_alert_id(alert_id);
  request.set_operator_id(operator_id);
  request.set_note(note);
  v1::AckAlertResponse response;
  RETURN_IF_ERROR(
      FromGrpc(client.stub().AckAlert(context.get(), request, &response)));
  return response;
}

absl::StatusOr<v1::ListOverdueResponse> ListOverdue(NodeClient& client) {
  std::unique_ptr<grpc::ClientContext> context = client.NewContext();
  v1::ListOverdueResponse response;
  RETURN_IF_ERROR(FromGrpc(client.stub().ListOverdue(
      context.get(), v1::ListOverdueRequest(), &response)));
  return response;
}

v1::CaseBundle RichBundle(const std::string& reference, bool with_attachments) {
  v1::CaseBundle b;
  v1::BundleMetadata* m = b.mutable_metadata();
  m->set_schema_version(1);
  m->set_source_system("integration test case system");
  m->set_sender_reference(reference);
  m->mutable_created_time()->set_seconds(1710754200);
  v1::Identity* id = b.mutable_identity();
  id->set_given_names("Sample");
  id->set_family_name("Child");
  id->set_date_of_birth("2010-05-01");
  id->set_nhs_number("9434765919");
  if (with_attachments) id->set_photo_attachment("photo.jpg");
  v1::Need* need = b.mutable_health()->add_needs();
  need->set_description("Autism; needs a predictable routine");
  need->set_identified_by("CAMHS");
  v1::Medication* med = b.mutable_health()->add_medications();
  med->set_name("Melatonin");
  med->set_dose("2mg");
  v1::LegalStatus* legal = b.mutable_legal_status();
  legal->set_kind(v1::LEGAL_STATUS_KIND_CARE_ORDER);
  legal->set_start_date("2023-01-10");
  legal->set_responsible_authority("Stockport children's services");
  v1::DeprivationOfLiberty* dol = legal->mutable_deprivation_of_liberty();
  dol->set_authorised_by("High Court");
  dol->set_start_date("2024-02-01");
  dol->add_restrictions("No unsupervised access to the community");
  v1::RiskProfile* risk = b.mutable_risk();
  risk->mutable_sexual_exploitation()->set_level(v1::RISK_LEVEL_HIGH);
  risk->mutable_sexual_exploitation()->set_assessed_date("2024-03-01");
  v1::KnownRiskPerson* person = risk->add_known_risk_persons();
  person->set_description("Adult male associate, early 30s");
  person->set_relationship("associate");
  person->set_postcode_district("B15");
  v1::MissingEpisode* episode = risk->add_missing_episodes();
  episode->mutable_start_time()->set_seconds(1709280000);
  episode->mutable_end_time()->set_seconds(1709366400);
  episode->set_where_found("City centre");
  b.mutable_grab_pack()->set_physical_description("Slim build, dark hair");
  v1::Place* place = b.mutable_grab_pack()->add_places_may_go();
  place->set_description("Bus station");
  place->set_postcode_district("B5");
  v1::Contact* contact = b.add_contacts();
  contact->set_role("emergency duty team");
  contact->set_agency("Stockport children's services");
  contact->set_phone("0161 000 0000");
  contact->set_out_of_hours(true);
  v1::CarePlanAction* action = b.add_care_plan_actions();
  action->set_description("Return home interview after any missing episode");
  action->set_owning_agency_id("birmingham-cs");
  action->set_owner_role("allocated social worker");
  action->set_due_date("2024-04-01");
  action->set_status(v1::ACTION_STATUS_NOT_STARTED);
  if (!with_attachments) return b;
  for (const auto& [name, label, type] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"photo.jpg", "photo", "image/jpeg"},
           {"care-plan.pdf", "care-plan", "application/pdf"},
           {"medical.pdf", "medical", "application/pdf"}}) {
    v1::Attachment* a = b.add_attachments();
    a->set_name(name);
    a->set_label(label);
    a->set_media_type(type);
  }
  return b;
}

}  // namespace handover::integration

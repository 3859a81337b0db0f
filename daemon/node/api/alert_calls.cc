#include "node/api/alert_calls.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/status_macros.h"
#include "node/api/acknowledgement.h"
#include "node/api/transfer_id_hex.h"
#include "node/inbox_opening.h"
#include "node/link_context.h"
#include "spdlog/spdlog.h"

namespace handover::node::api {
namespace {

constexpr size_t kEventsPerRead = 100;
// How often a waiting stream looks whether its call has ended.
constexpr absl::Duration kWakeInterval = absl::Milliseconds(250);

absl::Status NoBook() {
  return absl::FailedPreconditionError(
      "this node keeps no alert book; alerts are raised at police nodes");
}

handover::v1::AlertPriority ToProto(alerts::Priority p) {
  switch (p) {
    case alerts::Priority::kRoutine:
      return handover::v1::ALERT_PRIORITY_ROUTINE;
    case alerts::Priority::kHigh:
      return handover::v1::ALERT_PRIORITY_HIGH;
    case alerts::Priority::kUrgent:
      return handover::v1::ALERT_PRIORITY_URGENT;
  }
  return handover::v1::ALERT_PRIORITY_UNSPECIFIED;
}

handover::v1::AlertEventKind ToProto(alerts::EventKind k) {
  switch (k) {
    case alerts::EventKind::kRaised:
      return handover::v1::ALERT_EVENT_KIND_RAISED;
    case alerts::EventKind::kEscalated:
      return handover::v1::ALERT_EVENT_KIND_ESCALATED;
    case alerts::EventKind::kAcknowledged:
      return handover::v1::ALERT_EVENT_KIND_ACKNOWLEDGED;
  }
  return handover::v1::ALERT_EVENT_KIND_UNSPECIFIED;
}

// The police view the alert's transfer carries, or why it is missing.
void AttachView(const NodeServiceEnv& env, const alerts::Alert& alert,
                handover::v1::Alert* out) {
  std::shared_ptr<const directory::DirectoryView> directory =
      env.current_directory ? env.current_directory() : nullptr;
  if (directory == nullptr) {
    out->set_view_error("this node has no verified directory yet");
    return;
  }
  absl::StatusOr<std::optional<InboxRecord>> record =
      env.store->GetInbox(alert.transfer_id);
  if (!record.ok() || !record->has_value()) {
    out->set_view_error("the transfer is not in the inbox");
    return;
  }
  if ((*record)->content_pruned_at.has_value()) {
    out->set_view_error(
        "the transfer's content was deleted under the node's [retention] "
        "setting");
    return;
  }
  absl::StatusOr<handover::v1::CaseBundle> bundle =
      ReadInboxBundle(**record, *directory, *env.identity);
  if (!bundle.ok()) {
    out->set_view_error(std::string(bundle.status().message()));
    return;
  }
  *out->mutable_view() = *std::move(bundle);
}

handover::v1::Alert AlertToProto(const NodeServiceEnv& env,
                                 const alerts::Alert& alert) {
  handover::v1::Alert out;
  out.set_alert_id(alert.alert_id);
  out.set_transfer_id(TransferIdToHex(alert.transfer_id));
  out.set_sender_id(alert.sender_agency_id);
  out.set_priority(ToProto(alert.priority));
  out.set_raised_priority(ToProto(alert.raised_priority));
  for (const std::string& r : alert.reasons) out.add_reasons(r);
  *out.mutable_raised_at() = ToTimestamp(alert.raised_at);
  *out.mutable_last_raised_at() = ToTimestamp(alert.last_raised_at);
  out.set_escalations(static_cast<uint32_t>(alert.escalations));
  if (alert.acknowledged.has_value()) {
    out.set_acknowledged_by(alert.acknowledged->operator_id);
    *out.mutable_acknowledged_at() = ToTimestamp(alert.acknowledged->at);
    out.set_acknowledgement_note(alert.acknowledged->note);
  }
  AttachView(env, alert, &out);
  return out;
}

}  // namespace

absl::Status WatchAlerts(const NodeServiceEnv& env,
                         const handover::v1::WatchAlertsRequest& request,
                         const WriteAlertEvent& write, const CallEnded& ended) {
  if (env.alert_book == nullptr || env.alert_signal == nullptr) {
    return NoBook();
  }
  uint64_t cursor = request.after_cursor();
  while (!ended()) {
    // Read the generation first: an event raised after it wakes the wait.
    const uint64_t generation = env.alert_signal->generation();
    ASSIGN_OR_RETURN(std::vector<alerts::AlertEvent> events,
                     env.alert_book->ListAfter(cursor, kEventsPerRead));
    for (const alerts::AlertEvent& event : events) {
      handover::v1::AlertEvent out;
      out.set_cursor(event.sequence);
      out.set_kind(ToProto(event.kind));
      out.set_priority(ToProto(event.priority));
      *out.mutable_at() = ToTimestamp(event.at);
      *out.mutable_alert() = AlertToProto(env, event.alert);
      if (!write(out)) {
        return absl::CancelledError("the client stopped reading the alerts");
      }
      cursor = event.sequence;
    }
    if (events.size() == kEventsPerRead) continue;
    if (request.stop_at_end()) return absl::OkStatus();
    env.alert_signal->WaitForChange(generation, kWakeInterval);
  }
  return absl::OkStatus();
}

absl::StatusOr<handover::v1::AckAlertResponse> AckAlert(
    const NodeServiceEnv& env, const handover::v1::AckAlertRequest& request) {
  if (env.alert_book == nullptr) return NoBook();
  RETURN_IF_ERROR(alerts::CheckAlertId(request.alert_id()));
  RETURN_IF_ERROR(CheckOperatorAndNote(request.operator_id(), request.note()));
  ASSIGN_OR_RETURN(alerts::Alert alert,
                   env.alert_book->Get(request.alert_id()));
  if (alert.acknowledged.has_value()) {
    return absl::FailedPreconditionError(
        absl::StrCat("alert ", alert.alert_id, " was already acknowledged by ",
                     alert.acknowledged->operator_id, " at ",
                     absl::FormatTime(absl::RFC3339_sec, alert.acknowledged->at,
                                      absl::UTCTimeZone())));
  }
  // The signed acknowledgement first, durably queued for the sender: if we
  // stop between the two steps, a retry finds it recorded and goes on.
  RETURN_IF_ERROR(AcknowledgeInboxTransfer(env, alert.transfer_id,
                                           request.operator_id(),
                                           request.note(), alert.alert_id)
                      .status());
  ASSIGN_OR_RETURN(
      alerts::Alert acknowledged,
      env.alert_book->Acknowledge(request.alert_id(), request.operator_id(),
                                  request.note(), env.clock->Now()));
  if (env.alert_signal != nullptr) env.alert_signal->Notify();
  spdlog::info("AckAlert: {} acknowledged", acknowledged.alert_id);
  handover::v1::AckAlertResponse response;
  *response.mutable_alert() = AlertToProto(env, acknowledged);
  return response;
}

}  // namespace handover::node::api

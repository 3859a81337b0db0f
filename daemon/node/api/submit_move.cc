#include "node/api/submit_move.h"

#include <unistd.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "alerts/alert_priority.h"
#include "bundle/bundle_validate.h"
#include "common/status_macros.h"
#include "crypto/sealer.h"
#include "crypto/sodium_util.h"
#include "move/move_recipients.h"
#include "node/api/child_key.h"
#include "node/api/move_plan.h"
#include "node/api/move_sealer.h"
#include "node/api/submission_sealer.h"
#include "node/api/submit_transfer.h"
#include "node/api/transfer_id_hex.h"
#include "node/log_events.h"
#include "policy/agency_kind_name.h"
#include "spdlog/spdlog.h"

namespace handover::node::api {

using handover::v1::SubmitMoveRequest;
using handover::v1::SubmitMoveResponse;
using handover::v1::SubmitMoveStart;

struct SubmitMoveHandler::Prepared {
  std::string move_id;  // 16 raw bytes
  std::string child_key;
  handover::v1::MoveNoticeKind kind = handover::v1::MOVE_NOTICE_KIND_MOVE;
  absl::Time now;
  absl::Duration time_to_live;
  std::vector<AttachmentPlan> attachments;
  std::vector<PlannedView> views;
  std::vector<PlannedView> moved_on;
  std::vector<std::string> superseded;  // move ids
};

namespace {

absl::StatusOr<SubmitMoveStart> ReadStart(const ReadMoveRequest& read) {
  SubmitMoveRequest request;
  if (!read(&request)) {
    return absl::InvalidArgumentError("the request stream was empty");
  }
  if (!request.has_start()) {
    return absl::InvalidArgumentError(
        "the first SubmitMoveRequest must be a start");
  }
  return std::move(*request.mutable_start());
}

absl::StatusOr<handover::v1::MoveNoticeKind> KindOf(
    const SubmitMoveStart& start) {
  switch (start.kind()) {
    case handover::v1::MOVE_NOTICE_KIND_UNSPECIFIED:
    case handover::v1::MOVE_NOTICE_KIND_MOVE:
      return handover::v1::MOVE_NOTICE_KIND_MOVE;
    case handover::v1::MOVE_NOTICE_KIND_MISSING_EPISODE:
      return handover::v1::MOVE_NOTICE_KIND_MISSING_EPISODE;
    default:
      return absl::InvalidArgumentError(
          "kind must be MOVE or MISSING_EPISODE; the node sends MOVED_ON "
          "notices itself");
  }
}

absl::StatusOr<handover::v1::MoveUrgency> UrgencyOf(
    const SubmitMoveStart& start) {
  switch (start.urgency()) {
    case handover::v1::MOVE_URGENCY_UNSPECIFIED:
      return handover::v1::MOVE_URGENCY_PLANNED;
    case handover::v1::MOVE_URGENCY_PLANNED:
    case handover::v1::MOVE_URGENCY_URGENT:
    case handover::v1::MOVE_URGENCY_EMERGENCY:
      return start.urgency();
    default:
      return absl::InvalidArgumentError("urgency is not a known value");
  }
}

// Feeds every AttachmentData message to `sealer` until the stream ends.
absl::Status StreamAttachments(const ReadMoveRequest& read,
                               MoveSealer* sealer) {
  SubmitMoveRequest request;
  while (read(&request)) {
    if (!request.has_attachment_data()) {
      return absl::InvalidArgumentError(
          "only attachment_data may follow the start message");
    }
    const std::string& data = request.attachment_data().data();
    if (data.size() > kMaxAttachmentDataBytes) {
      return absl::InvalidArgumentError(absl::StrCat(
          "attachment_data carries at most ", kMaxAttachmentDataBytes,
          " bytes a message; got ", data.size()));
    }
    RETURN_IF_ERROR(sealer->Write(data));
  }
  return absl::OkStatus();
}

const config::AckDeadline& DeadlineFor(
    const config::AcknowledgementDeadlines& deadlines,
    handover::v1::AgencyKind kind) {
  switch (kind) {
    case handover::v1::AGENCY_KIND_POLICE_FORCE:
      return deadlines.police_force;
    case handover::v1::AGENCY_KIND_HEALTH_TEAM:
      return deadlines.health_team;
    case handover::v1::AGENCY_KIND_LOCAL_AUTHORITY_CHILDRENS_SERVICES:
      return deadlines.childrens_services;
    default:
      return deadlines.other;
  }
}

void FillView(const PlannedView& plan, const SealedSubmission& sealed,
              const std::string& client, const std::string& key,
              MoveView* out) {
  OutboxTransfer& t = out->transfer;
  t.transfer_id = sealed.header.transfer_id;
  t.client_name = client;
  t.idempotency_key = key;
  for (const crypto::RecipientEntry& r : sealed.header.recipients) {
    t.recipients.push_back(r.agency_id);
  }
  t.created_at = absl::FromUnixSeconds(sealed.header.created_at);
  t.expires_at = absl::FromUnixSeconds(sealed.header.expires_at);
  t.envelope_path = sealed.path;
  t.envelope_size = sealed.envelope_size;
  t.ciphertext_hash = sealed.header.ciphertext_hash;
  out->kind = plan.kind;
  out->kept_fields = plan.kept_fields;
  out->kept_attachments = plan.kept_attachments;
}

// The recipients' kinds in header order (the sealer keeps request order,
// but look each one up rather than rely on it).
std::vector<handover::v1::AgencyKind> KindsInHeaderOrder(
    const PlannedView& plan, const OutboxTransfer& transfer) {
  std::vector<handover::v1::AgencyKind> kinds;
  for (const std::string& id : transfer.recipients) {
    handover::v1::AgencyKind kind = plan.kind;
    for (size_t i = 0; i < plan.recipient_ids.size(); ++i) {
      if (plan.recipient_ids[i] == id) kind = plan.recipient_kinds[i];
    }
    kinds.push_back(kind);
  }
  return kinds;
}

handover::v1::MoveView ToProto(const MoveView& view) {
  handover::v1::MoveView out;
  out.set_transfer_id(TransferIdToHex(view.transfer.transfer_id));
  out.set_kind(view.kind);
  for (const std::string& r : view.transfer.recipients) out.add_recipients(r);
  for (const std::string& f : view.kept_fields) out.add_kept_fields(f);
  for (const std::string& a : view.kept_attachments) {
    out.add_kept_attachments(a);
  }
  return out;
}

// The move in the delivery log: each view as a submission, whose SEALED
// entry names the fields and attachments it kept (names only), and each
// earlier move it superseded.
void RecordMove(const NodeServiceEnv& env, const MoveRecord& record) {
  if (env.events == nullptr) return;
  const std::string& sender = env.identity->agency_id();
  for (const std::vector<MoveView>* group :
       {&record.views, &record.moved_on_views}) {
    for (const MoveView& v : *group) {
      const std::string view =
          group == &record.views
              ? std::string(policy::AgencyKindName(v.kind))
              : absl::StrCat("moved-on ",
                             std::string(policy::AgencyKindName(v.kind)));
      RecordSubmission(
          *env.events, sender, v.transfer, view,
          absl::StrCat("fields ", absl::StrJoin(v.kept_fields, ","),
                       "; attachments ",
                       absl::StrJoin(v.kept_attachments, ",")));
    }
  }
  for (const std::string& earlier : record.superseded_move_ids) {
    env.events->Record(
        deliverylog::LogEvent(handover::v1::LOG_EVENT_KIND_SUPERSEDED)
            .Transfer(earlier)
            .Sender(sender)
            .Actor(record.client_name)
            .Detail(absl::StrCat("move ", TransferIdToHex(earlier),
                                 " superseded by move ",
                                 TransferIdToHex(record.move_id))));
  }
}

}  // namespace

SubmitMoveResponse MoveResponse(const MoveRecord& move, bool duplicate) {
  SubmitMoveResponse response;
  response.set_move_id(TransferIdToHex(move.move_id));
  response.set_duplicate(duplicate);
  for (const MoveView& view : move.views) *response.add_views() = ToProto(view);
  for (const std::string& id : move.superseded_move_ids) {
    response.add_superseded_move_ids(TransferIdToHex(id));
  }
  for (const MoveView& view : move.moved_on_views) {
    *response.add_moved_on_views() = ToProto(view);
  }
  return response;
}

absl::StatusOr<SubmitMoveResponse> SubmitMoveHandler::Handle(
    const Caller& caller, const ReadMoveRequest& read) const {
  ASSIGN_OR_RETURN(SubmitMoveStart start, ReadStart(read));
  RETURN_IF_ERROR(ValidateIdempotencyKey(start.idempotency_key()));
  if (env_->view_policy == nullptr) {
    return absl::FailedPreconditionError(
        "this node has no view policy, so it cannot send moves");
  }
  ASSIGN_OR_RETURN(std::optional<MoveRecord> earlier,
                   env_->store->FindMoveByIdempotencyKey(
                       caller.name, start.idempotency_key()));
  if (earlier.has_value()) {
    spdlog::info("SubmitMove: client {} repeated a key; move {}", caller.name,
                 TransferIdToHex(earlier->move_id));
    return MoveResponse(*earlier, /*duplicate=*/true);
  }
  RETURN_IF_ERROR(limiter_->Acquire(caller.name));
  ASSIGN_OR_RETURN(Prepared prepared, Prepare(start));
  return SealAndStore(caller, start, std::move(prepared), read);
}

absl::StatusOr<SubmitMoveHandler::Prepared> SubmitMoveHandler::Prepare(
    const SubmitMoveStart& start) const {
  std::shared_ptr<const directory::DirectoryView> directory =
      env_->current_directory ? env_->current_directory() : nullptr;
  if (directory == nullptr) {
    return absl::UnavailableError(
        "this node has no verified directory yet; try again later");
  }
  if (start.bundle().has_move()) {
    return absl::InvalidArgumentError(
        "bundle.move must be unset: the node fills it from the SubmitMove "
        "fields");
  }
  Prepared p;
  p.now = env_->clock->Now();
  ASSIGN_OR_RETURN(p.kind, KindOf(start));
  ASSIGN_OR_RETURN(handover::v1::MoveUrgency urgency, UrgencyOf(start));
  ASSIGN_OR_RETURN(p.time_to_live,
                   ResolveTimeToLive(start.time_to_live_seconds()));
  ASSIGN_OR_RETURN(
      p.attachments,
      PlanAttachments(start.attachments(), env_->limits.max_attachments));

  p.move_id.resize(crypto::kTransferIdBytes);
  crypto::RandomBytes(p.move_id.data(), p.move_id.size());
  handover::v1::CaseBundle bundle = start.bundle();
  RETURN_IF_ERROR(CompleteBundleAttachments(p.attachments, &bundle));
  handover::v1::MoveNotice* move = bundle.mutable_move();
  move->set_kind(p.kind);
  move->set_from_area(start.from_area());
  move->set_to_area(start.to_area());
  move->set_placement_address(start.placement_address());
  move->set_placement_postcode(start.placement_postcode());
  if (start.has_effective_time()) {
    *move->mutable_effective_time() = start.effective_time();
  } else {
    move->mutable_effective_time()->set_seconds(absl::ToUnixSeconds(p.now));
  }
  move->set_urgency(urgency);
  move->set_move_id(TransferIdToHex(p.move_id));
  // Judged here, on the whole record, for the police node that sees a view.
  for (std::string& reason : alerts::AssessPriority(bundle).reasons) {
    move->add_priority_reasons(std::move(reason));
  }
  RETURN_IF_ERROR(bundle::ValidateBundle(bundle));
  ASSIGN_OR_RETURN(p.child_key, ChildKey(bundle.identity()));

  ASSIGN_OR_RETURN(move::MoveRecipients recipients,
                   move::ResolveMoveRecipients(*directory, start.to_area(),
                                               env_->always_copy, p.now));
  ASSIGN_OR_RETURN(p.views, PlanDestinationViews(
                                bundle, recipients, *env_->view_policy,
                                p.attachments, env_->identity->agency_id()));
  std::vector<std::string> told;
  for (const PlannedView& v : p.views) {
    told.insert(told.end(), v.recipient_ids.begin(), v.recipient_ids.end());
  }
  ASSIGN_OR_RETURN(std::vector<MoveRecord> undelivered,
                   env_->store->ListUndeliveredMoves(p.child_key));
  for (const MoveRecord& m : undelivered) p.superseded.push_back(m.move_id);
  ASSIGN_OR_RETURN(p.moved_on,
                   PlanMovedOnViews(bundle, undelivered, told, *directory,
                                    env_->identity->agency_id(), p.now));

  for (const std::vector<PlannedView>* group : {&p.views, &p.moved_on}) {
    for (const PlannedView& v : *group) {
      ASSIGN_OR_RETURN(EnvelopeEstimate estimate,
                       EstimateEnvelope(v.bundle_bytes.size(), v.attachments,
                                        env_->identity->agency_id(), v.keys,
                                        crypto::kCaseBundleContentType,
                                        crypto::kDefaultChunkSize));
      if (estimate.envelope_bytes > env_->limits.max_envelope_bytes) {
        return absl::ResourceExhaustedError(absl::StrCat(
            "the ", policy::AgencyKindName(v.kind), " view would be ",
            estimate.envelope_bytes, " bytes; this node's limit is ",
            env_->limits.max_envelope_bytes));
      }
    }
  }
  return p;
}

absl::StatusOr<SubmitMoveResponse> SubmitMoveHandler::SealAndStore(
    const Caller& caller, const SubmitMoveStart& start, Prepared p,
    const ReadMoveRequest& read) const {
  MoveSealer sealer(p.attachments);
  std::vector<const PlannedView*> order;
  for (const std::vector<PlannedView>* group : {&p.views, &p.moved_on}) {
    for (const PlannedView& v : *group) {
      crypto::SealOptions options;
      options.transfer_id.resize(crypto::kTransferIdBytes);
      crypto::RandomBytes(options.transfer_id.data(),
                          options.transfer_id.size());
      options.clock = env_->clock;
      options.time_to_live = p.time_to_live;
      ASSIGN_OR_RETURN(
          std::unique_ptr<SubmissionSealer> one,
          SubmissionSealer::Begin(
              env_->identity->current(), v.keys, options, v.bundle_bytes,
              v.attachments,
              OutboxEnvelopePath(env_->outbox_dir, options.transfer_id)));
      sealer.AddView(std::move(one), v.keeps);
      order.push_back(&v);
    }
  }
  RETURN_IF_ERROR(StreamAttachments(read, &sealer));
  ASSIGN_OR_RETURN(std::vector<SealedSubmission> sealed, sealer.Finish());

  MoveRecord record;
  record.move_id = p.move_id;
  record.client_name = caller.name;
  record.idempotency_key = start.idempotency_key();
  record.child_key = p.child_key;
  record.kind = p.kind;
  record.from_area = start.from_area();
  record.to_area = start.to_area();
  record.created_at = p.now;
  record.superseded_move_ids = p.superseded;
  const std::string hex = TransferIdToHex(p.move_id);
  for (size_t i = 0; i < sealed.size(); ++i) {
    const PlannedView& plan = *order[i];
    const bool destination = i < p.views.size();
    MoveView view;
    FillView(plan, sealed[i], caller.name, absl::StrCat("move:", hex, ":", i),
             &view);
    view.recipient_kinds = KindsInHeaderOrder(plan, view.transfer);
    for (handover::v1::AgencyKind kind : view.recipient_kinds) {
      view.acknowledgement_due_at.push_back(
          destination ? std::optional<absl::Time>(config::AckDueAt(
                            p.now, DeadlineFor(env_->acknowledgement, kind)))
                      : std::nullopt);
    }
    (destination ? record.views : record.moved_on_views)
        .push_back(std::move(view));
  }

  absl::StatusOr<InsertMoveResult> stored = env_->store->InsertMove(record);
  if (!stored.ok() || stored->duplicate) {
    for (const SealedSubmission& s : sealed) unlink(s.path.c_str());
  }
  if (!stored.ok()) return stored.status();
  if (stored->duplicate) {
    ASSIGN_OR_RETURN(std::optional<MoveRecord> earlier,
                     env_->store->GetMove(stored->move_id));
    if (!earlier.has_value()) {
      return absl::InternalError("a repeated move is not in the store");
    }
    return MoveResponse(*earlier, /*duplicate=*/true);
  }
  // Field paths only: what went to whom, never the content.
  for (const MoveView& v : record.views) {
    spdlog::info(
        "SubmitMove: move {} {} view (transfer {}) to {}: {}; {} "
        "attachment(s)",
        hex, std::string(policy::AgencyKindName(v.kind)),
        TransferIdToHex(v.transfer.transfer_id),
        absl::StrJoin(v.transfer.recipients, ","),
        absl::StrJoin(v.kept_fields, ","), v.kept_attachments.size());
  }
  RecordMove(*env_, record);
  spdlog::info(
      "SubmitMove: client {} stored move {} ({} views, {} moved-on "
      "notices, {} earlier moves superseded)",
      caller.name, hex, record.views.size(), record.moved_on_views.size(),
      record.superseded_move_ids.size());
  if (env_->notify_outbox) env_->notify_outbox();
  if (!record.superseded_move_ids.empty() && env_->notify_withdrawals) {
    env_->notify_withdrawals();
  }
  return MoveResponse(record, /*duplicate=*/false);
}

}  // namespace handover::node::api

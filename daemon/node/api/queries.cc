#include "node/api/queries.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "crypto/identity.h"
#include "google/protobuf/timestamp.pb.h"
#include "node/api/acknowledgement.h"
#include "node/api/transfer_id_hex.h"

namespace handover::node::api {
namespace {

constexpr size_t kMaxOverdueItems = 1000;
// A recall flags what one key signed in a window: far fewer than this.
constexpr size_t kMaxRecalledListed = 10000;

void SetTime(absl::Time t, google::protobuf::Timestamp* out) {
  const int64_t nanos = absl::ToUnixNanos(t);
  int64_t seconds = nanos / 1'000'000'000;
  int64_t rest = nanos % 1'000'000'000;
  if (rest < 0) {
    rest += 1'000'000'000;
    --seconds;
  }
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>(rest));
}

absl::Status ParseNotice(const std::string& bytes,
                         handover::v1::SignedNotice* out) {
  if (!out->ParseFromString(bytes)) {
    return absl::DataLossError("a stored notice does not parse");
  }
  return absl::OkStatus();
}

}  // namespace

handover::v1::InboxEntry ToInboxEntry(const InboxRecord& record) {
  handover::v1::InboxEntry entry;
  entry.set_transfer_id(TransferIdToHex(record.transfer_id));
  entry.set_sender_id(record.sender_id);
  SetTime(record.created_at, entry.mutable_created_at());
  SetTime(record.received_at, entry.mutable_received_at());
  SetTime(record.expires_at, entry.mutable_expires_at());
  entry.set_content_type(record.content_type);
  entry.set_envelope_size(record.envelope_size);
  entry.set_fetch_count(record.fetch_count);
  if (record.recall.has_value()) {
    *entry.mutable_recall() = ToRecallFlag(*record.recall);
  }
  return entry;
}

handover::v1::RecallFlag ToRecallFlag(const RecallMark& mark) {
  handover::v1::RecallFlag flag;
  SetTime(mark.flagged_at, flag.mutable_flagged_at());
  flag.set_reason(mark.reason);
  flag.set_directory_version(mark.directory_version);
  return flag;
}

absl::StatusOr<handover::v1::ListRecalledTransfersResponse>
ListRecalledTransfers(const NodeServiceEnv& env) {
  ASSIGN_OR_RETURN(std::vector<RecalledInbox> recalled,
                   env.store->ListRecalled(kMaxRecalledListed));
  handover::v1::ListRecalledTransfersResponse out;
  for (const RecalledInbox& r : recalled) {
    handover::v1::RecalledTransfer* t = out.add_transfers();
    t->set_transfer_id(TransferIdToHex(r.record.transfer_id));
    t->set_sender_id(r.record.sender_id);
    t->set_signing_key_id(crypto::ToHex(r.record.sender_key_id));
    SetTime(r.record.created_at, t->mutable_signed_at());
    SetTime(r.record.received_at, t->mutable_accepted_at());
    t->set_fetch_count(r.record.fetch_count);
    t->set_acknowledged(r.acknowledged);
    if (r.record.recall.has_value()) {
      *t->mutable_recall() = ToRecallFlag(*r.record.recall);
    }
  }
  return out;
}

absl::StatusOr<handover::v1::TransferStatusResponse> ToTransferStatus(
    const TransferRecord& record, const std::optional<TransferMoveInfo>& move,
    absl::Time now) {
  handover::v1::TransferStatusResponse out;
  out.set_transfer_id(TransferIdToHex(record.transfer.transfer_id));
  out.set_state(record.OverallState());
  SetTime(record.transfer.created_at, out.mutable_created_at());
  SetTime(record.transfer.expires_at, out.mutable_expires_at());
  out.set_envelope_size(record.transfer.envelope_size);
  for (const RecipientDelivery& d : record.recipients) {
    handover::v1::RecipientStatus* r = out.add_recipients();
    r->set_agency_id(d.agency_id);
    r->set_state(d.state);
    r->set_reason(d.reason);
    SetTime(d.updated_at, r->mutable_updated_at());
    if (!d.receipt.empty()) {
      RETURN_IF_ERROR(ParseNotice(d.receipt, r->mutable_receipt()));
    }
    if (!d.report.empty()) {
      RETURN_IF_ERROR(ParseNotice(d.report, r->mutable_report()));
    }
    r->set_kind(d.kind);
    if (d.acknowledgement_due_at.has_value()) {
      SetTime(*d.acknowledgement_due_at, r->mutable_acknowledgement_due_at());
    }
    if (d.acknowledged_at.has_value()) {
      r->set_acknowledged_by(d.acknowledged_by);
      SetTime(*d.acknowledged_at, r->mutable_acknowledged_at());
    }
    if (!d.acknowledgement.empty()) {
      RETURN_IF_ERROR(
          ParseNotice(d.acknowledgement, r->mutable_acknowledgement()));
    }
    r->set_overdue(d.acknowledgement_due_at.has_value() &&
                   *d.acknowledgement_due_at <= now &&
                   !d.acknowledged_at.has_value() &&
                   d.state != handover::v1::DELIVERY_STATE_WITHDRAWN);
  }
  if (move.has_value()) {
    out.set_move_id(TransferIdToHex(move->move_id));
    out.set_move_kind(move->move_kind);
    for (const std::string& f : move->kept_fields) out.add_kept_fields(f);
    for (const std::string& a : move->kept_attachments) {
      out.add_kept_attachments(a);
    }
  }
  return out;
}

absl::StatusOr<handover::v1::ListInboxResponse> ListInbox(
    const NodeServiceEnv& env, const handover::v1::ListInboxRequest& request) {
  uint32_t page_size = request.page_size();
  if (page_size == 0) page_size = kDefaultInboxPageSize;
  page_size = std::min(page_size, kMaxInboxPageSize);
  if (request.page_token().size() > kMaxPageTokenBytes) {
    return absl::InvalidArgumentError("page_token is not a token we issued");
  }
  ASSIGN_OR_RETURN(InboxPage page,
                   env.store->ListInbox(page_size, request.page_token()));
  handover::v1::ListInboxResponse out;
  for (const InboxRecord& record : page.entries) {
    *out.add_entries() = ToInboxEntry(record);
  }
  out.set_next_page_token(page.next_page_token);
  return out;
}

absl::StatusOr<handover::v1::TransferStatusResponse> TransferStatus(
    const NodeServiceEnv& env,
    const handover::v1::TransferStatusRequest& request) {
  ASSIGN_OR_RETURN(std::string id, TransferIdFromHex(request.transfer_id()));
  ASSIGN_OR_RETURN(std::optional<TransferRecord> record,
                   env.store->GetTransfer(id));
  if (!record.has_value()) {
    return absl::NotFoundError(absl::StrCat("transfer ", request.transfer_id(),
                                            " is not one this node sent"));
  }
  ASSIGN_OR_RETURN(std::optional<TransferMoveInfo> move,
                   env.store->GetTransferMove(id));
  return ToTransferStatus(*record, move, env.clock->Now());
}

absl::StatusOr<handover::v1::ListOverdueResponse> ListOverdue(
    const NodeServiceEnv& env) {
  ASSIGN_OR_RETURN(std::vector<OverdueCopy> copies,
                   env.store->ListOverdue(env.clock->Now(), kMaxOverdueItems));
  handover::v1::ListOverdueResponse out;
  for (const OverdueCopy& c : copies) {
    handover::v1::OverdueItem* item = out.add_items();
    item->set_transfer_id(TransferIdToHex(c.transfer_id));
    item->set_move_id(TransferIdToHex(c.move_id));
    item->set_agency_id(c.agency_id);
    item->set_kind(c.kind);
    item->set_state(c.state);
    SetTime(c.due_at, item->mutable_due_at());
  }
  return out;
}

absl::StatusOr<handover::v1::AcknowledgeTransferResponse> AcknowledgeTransfer(
    const NodeServiceEnv& env,
    const handover::v1::AcknowledgeTransferRequest& request) {
  ASSIGN_OR_RETURN(std::string id, TransferIdFromHex(request.transfer_id()));
  ASSIGN_OR_RETURN(InboxAcknowledgement ack,
                   AcknowledgeInboxTransfer(env, id, request.operator_id(),
                                            request.note(), ""));
  handover::v1::AcknowledgeTransferResponse out;
  SetTime(ack.at, out.mutable_acknowledged_at());
  out.set_duplicate(ack.duplicate);
  return out;
}

absl::StatusOr<handover::v1::NodeInfo> GetNodeInfo(const NodeServiceEnv& env,
                                                   absl::string_view version) {
  handover::v1::NodeInfo info;
  info.set_agency_id(env.identity->agency_id());
  std::shared_ptr<const directory::DirectoryView> directory =
      env.current_directory ? env.current_directory() : nullptr;
  info.set_directory_version(directory ? directory->version() : 0);
  info.set_router_connected(env.router_connected && env.router_connected());
  ASSIGN_OR_RETURN(NodeCounts counts, env.store->Counts());
  info.set_outbox_queued(counts.outbox_queued);
  info.set_inbox_count(counts.inbox_count);
  info.set_version(std::string(version));
  if (env.log != nullptr) {
    ASSIGN_OR_RETURN(uint64_t log_size, env.log->Size());
    info.set_log_size(log_size);
  }
  if (env.events != nullptr) info.set_log_failures(env.events->failures());
  return info;
}

}  // namespace handover::node::api

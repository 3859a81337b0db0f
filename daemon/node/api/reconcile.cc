#include "node/api/reconcile.h"

#include <algorithm>
#include <string>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "node/api/transfer_id_hex.h"
#include "node/link_context.h"

namespace handover::node::api {
namespace {

namespace v1 = handover::v1;

// A transfer's own SENT_TO_ROUTER entries number one per recipient; this
// bounds a pathological one.
constexpr int kMaxSentPages = 5;

std::string Utc(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

// The first entry of `kind` for `recipient`, or nullptr.
const v1::LogEntry* FirstEntry(const std::vector<v1::LogEntry>& entries,
                               v1::LogEventKind kind,
                               absl::string_view recipient) {
  const v1::LogEntry* first = nullptr;
  for (const v1::LogEntry& e : entries) {
    if (e.event() != kind || e.recipient() != recipient) continue;
    if (first == nullptr ||
        std::make_pair(e.time().seconds(), e.time().nanos()) <
            std::make_pair(first->time().seconds(), first->time().nanos())) {
      first = &e;
    }
  }
  return first;
}

int CountEntries(const std::vector<v1::LogEntry>& entries,
                 v1::LogEventKind kind, absl::string_view recipient) {
  int n = 0;
  for (const v1::LogEntry& e : entries) {
    if (e.event() == kind && e.recipient() == recipient) ++n;
  }
  return n;
}

// What the router logged that ends a copy without delivering it, for the
// detail; "" if nothing.
std::string RouterEnding(const std::vector<v1::LogEntry>& entries,
                         absl::string_view recipient) {
  for (const auto& [kind, name] :
       {std::pair{v1::LOG_EVENT_KIND_EXPIRED, "expired"},
        std::pair{v1::LOG_EVENT_KIND_FAILED, "failed"},
        std::pair{v1::LOG_EVENT_KIND_SUPERSEDED, "withdrawn"},
        std::pair{v1::LOG_EVENT_KIND_REJECTED, "rejected"}}) {
    if (FirstEntry(entries, kind, recipient) != nullptr) {
      return absl::StrCat("; the router logged it ", name,
                          " but no report has reached this node");
    }
  }
  return "";
}

absl::StatusOr<std::vector<v1::LogEntry>> SentEntries(
    const deliverylog::DeliveryLog& log, const std::string& transfer_id) {
  deliverylog::LogQuery query;
  query.transfer_id = transfer_id;
  query.events = {v1::LOG_EVENT_KIND_SENT_TO_ROUTER};
  return deliverylog::QueryAll(log, query, kMaxSentPages);
}

// The copies of one transfer queued in the window: one QUEUED entry each.
struct QueuedTransfer {
  std::string transfer_id;
  std::vector<v1::LogEntry> queued;  // one per recipient, in log order
};

}  // namespace

std::optional<v1::ReconcileRow> ClassifyCopy(
    absl::string_view transfer_id, const RecipientDelivery& delivery,
    const std::vector<v1::LogEntry>& node_entries,
    const RouterTransferEntries& router, absl::Time now) {
  if (delivery.acknowledged_at.has_value()) return std::nullopt;
  const std::string& recipient = delivery.agency_id;
  const v1::LogEntry* queued =
      FirstEntry(node_entries, v1::LOG_EVENT_KIND_QUEUED, recipient);
  v1::ReconcileRow row;
  row.set_transfer_id(TransferIdToHex(transfer_id));
  row.set_recipient(recipient);
  if (queued != nullptr) row.set_view(queued->view());
  absl::Time since = delivery.updated_at;
  switch (delivery.state) {
    case v1::DELIVERY_STATE_QUEUED:
      row.set_stage(v1::RECONCILE_STAGE_QUEUED);
      if (queued != nullptr) since = FromTimestamp(queued->time());
      row.set_detail("in this node's outbox; not yet handed to the router");
      break;
    case v1::DELIVERY_STATE_AT_ROUTER: {
      const v1::LogEntry* sent = FirstEntry(
          node_entries, v1::LOG_EVENT_KIND_SENT_TO_ROUTER, recipient);
      if (sent != nullptr) since = FromTimestamp(sent->time());
      if (!router.asked) {
        // The router answered the upload that it stored the copy; without
        // its log, that is all that is known.
        row.set_stage(v1::RECONCILE_STAGE_ACCEPTED_NOT_DELIVERED);
        row.set_detail(
            "the router said it stored it; its log could not be asked, so "
            "this rests on this node's record alone");
        break;
      }
      const v1::LogEntry* delivered =
          FirstEntry(router.entries, v1::LOG_EVENT_KIND_DELIVERED, recipient);
      const v1::LogEntry* accepted = FirstEntry(
          router.entries, v1::LOG_EVENT_KIND_ACCEPTED_BY_ROUTER, recipient);
      if (delivered != nullptr) {
        row.set_stage(v1::RECONCILE_STAGE_DELIVERED_NO_RECEIPT);
        since = FromTimestamp(delivered->time());
        row.set_detail(absl::StrCat("the router logged it delivered to ",
                                    recipient,
                                    "; no receipt has reached this node"));
      } else if (accepted != nullptr) {
        row.set_stage(v1::RECONCILE_STAGE_ACCEPTED_NOT_DELIVERED);
        since = FromTimestamp(accepted->time());
        const int forwarded = CountEntries(
            router.entries, v1::LOG_EVENT_KIND_FORWARDED, recipient);
        row.set_detail(absl::StrCat(
            "the router holds it; ",
            forwarded == 0 ? std::string("not yet pushed to the recipient")
                           : absl::StrCat("pushed ", forwarded,
                                          forwarded == 1 ? " time" : " times",
                                          ", not delivered"),
            RouterEnding(router.entries, recipient)));
      } else {
        row.set_stage(v1::RECONCILE_STAGE_SENT_NOT_ACCEPTED);
        row.set_detail(
            router.entries.empty()
                ? "the router said it stored it, but logged nothing for "
                  "this transfer"
                : "the router said it stored it, but its log has no "
                  "acceptance of this copy");
      }
      break;
    }
    case v1::DELIVERY_STATE_DELIVERED: {
      row.set_stage(v1::RECONCILE_STAGE_DELIVERED_NOT_ACKNOWLEDGED);
      std::string detail =
          "receipt verified; not acknowledged by the recipient";
      if (delivery.acknowledgement_due_at.has_value()) {
        const absl::Time due = *delivery.acknowledgement_due_at;
        absl::StrAppend(&detail, due <= now ? "; overdue since " : "; due at ",
                        Utc(due));
      }
      row.set_detail(detail);
      break;
    }
    default:
      return std::nullopt;  // final: status and the log show it
  }
  *row.mutable_since() = ToTimestamp(std::min(since, now));
  return row;
}

absl::StatusOr<v1::ReconcileLogResponse> ReconcileLog(
    const NodeServiceEnv& env, const v1::ReconcileLogRequest& request) {
  if (env.log == nullptr) {
    return absl::FailedPreconditionError("this node keeps no delivery log");
  }
  const absl::Time now = env.clock->Now();
  const absl::Time until =
      request.has_until() ? FromTimestamp(request.until()) : now;
  const absl::Time since = request.has_since() ? FromTimestamp(request.since())
                                               : now - kDefaultReconcileWindow;
  if (since >= until) {
    return absl::InvalidArgumentError("since must be before until");
  }
  if (until - since > kMaxReconcileWindow) {
    return absl::InvalidArgumentError(
        "the window from since to until is longer than 366 days");
  }

  // Every copy queued in the window, by transfer, oldest transfer first.
  v1::ReconcileLogResponse response;
  std::vector<QueuedTransfer> transfers;
  absl::flat_hash_map<std::string, size_t> position;
  deliverylog::LogQuery query;
  query.since = since;
  query.until = until;
  query.events = {v1::LOG_EVENT_KIND_QUEUED};
  query.limit = deliverylog::kMaxPageSize;
  for (bool more = true; more;) {
    ASSIGN_OR_RETURN(deliverylog::LogPage page, env.log->Query(query));
    for (v1::LogEntry& entry : page.entries) {
      if (entry.transfer_id().empty() || entry.recipient().empty()) continue;
      auto [it, inserted] =
          position.try_emplace(entry.transfer_id(), transfers.size());
      if (inserted) {
        if (transfers.size() == kMaxReconcileTransfers) {
          position.erase(it);
          response.set_truncated(true);
          more = false;
          break;
        }
        transfers.push_back({entry.transfer_id(), {}});
      }
      std::vector<v1::LogEntry>& queued = transfers[it->second].queued;
      const bool seen =
          std::any_of(queued.begin(), queued.end(), [&](const v1::LogEntry& q) {
            return q.recipient() == entry.recipient();
          });
      if (!seen) queued.push_back(std::move(entry));
    }
    if (!page.next_after_index.has_value()) more = false;
    query.after_index = page.next_after_index;
  }

  for (const QueuedTransfer& t : transfers) {
    ASSIGN_OR_RETURN(std::optional<TransferRecord> record,
                     env.store->GetTransfer(t.transfer_id));
    if (!record.has_value()) continue;  // not an outbox transfer
    std::vector<const RecipientDelivery*> copies;
    bool at_router = false;
    for (const v1::LogEntry& q : t.queued) {
      for (const RecipientDelivery& d : record->recipients) {
        if (d.agency_id != q.recipient()) continue;
        copies.push_back(&d);
        at_router = at_router || (d.state == v1::DELIVERY_STATE_AT_ROUTER &&
                                  !d.acknowledged_at.has_value());
      }
    }
    std::vector<v1::LogEntry> node_entries = t.queued;
    RouterTransferEntries router;
    if (at_router) {
      ASSIGN_OR_RETURN(std::vector<v1::LogEntry> sent,
                       SentEntries(*env.log, t.transfer_id));
      for (v1::LogEntry& e : sent) node_entries.push_back(std::move(e));
      // One router call per transfer; after a failure, none.
      if (response.router_error().empty()) {
        if (!env.router_transfer_log) {
          response.set_router_error(
              "the router cannot be asked from this node");
        } else {
          absl::StatusOr<v1::GetTransferLogResponse> got =
              env.router_transfer_log(t.transfer_id);
          if (got.ok()) {
            router.asked = true;
            router.entries.assign(got->entries().begin(), got->entries().end());
          } else if (absl::IsNotFound(got.status())) {
            router.asked = true;  // the router logged nothing for it
          } else {
            response.set_router_error(absl::StrCat(
                "the router could not be asked: ", got.status().message()));
          }
        }
      }
    }
    for (const RecipientDelivery* d : copies) {
      std::optional<v1::ReconcileRow> row =
          ClassifyCopy(t.transfer_id, *d, node_entries, router, now);
      if (row.has_value()) *response.add_rows() = *std::move(row);
    }
  }

  auto key = [](const v1::ReconcileRow& r) {
    return std::make_tuple(r.since().seconds(), r.since().nanos(),
                           r.transfer_id(), r.recipient());
  };
  std::sort(response.mutable_rows()->begin(), response.mutable_rows()->end(),
            [&](const v1::ReconcileRow& a, const v1::ReconcileRow& b) {
              return key(a) < key(b);
            });
  return response;
}

}  // namespace handover::node::api

#include "node/alert_raiser.h"
#include "node/log_events.h"

#include <optional>
#include <string>
#include <utility>

#include "alerts/alert_priority.h"
#include "common/status_macros.h"
#include "crypto/identity.h"
#include "node/inbox_opening.h"
#include "node/link_context.h"
#include "spdlog/spdlog.h"

namespace handover::node {
namespace {

constexpr size_t kBatch = 64;

bool IsAlertingKind(handover::v1::MoveNoticeKind kind) {
  return kind == handover::v1::MOVE_NOTICE_KIND_MOVE ||
         kind == handover::v1::MOVE_NOTICE_KIND_MISSING_EPISODE ||
         kind == handover::v1::MOVE_NOTICE_KIND_MOVED_ON;
}

}  // namespace

AlertRaiser::AlertRaiser(NodeStore* store, DirectoryClient* directory,
                         const KeyRing* keys, alerts::AlertBook* book,
                         alerts::AlertSignal* signal,
                         AlertRaiserOptions options)
    : store_(store),
      directory_(directory),
      keys_(keys),
      book_(book),
      signal_(signal),
      options_(std::move(options)) {}

AlertRaiser::~AlertRaiser() { Stop(); }

void AlertRaiser::Start() {
  absl::MutexLock lock(&mu_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] { Run(); });
}

void AlertRaiser::Notify() {
  absl::MutexLock lock(&mu_);
  ++notifications_;
}

void AlertRaiser::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

std::optional<bool> AlertRaiser::Enabled() const {
  switch (options_.mode) {
    case config::AlertMode::kOn:
      return true;
    case config::AlertMode::kOff:
      return false;
    case config::AlertMode::kAuto:
      break;
  }
  std::shared_ptr<const directory::DirectoryView> view = directory_->Current();
  if (view == nullptr) return std::nullopt;
  absl::StatusOr<const handover::v1::Agency*> self =
      view->FindAgency(keys_->agency_id());
  if (!self.ok()) return std::nullopt;
  return (*self)->kind() == handover::v1::AGENCY_KIND_POLICE_FORCE;
}

absl::StatusOr<bool> AlertRaiser::Check(
    const directory::DirectoryView& directory, absl::string_view transfer_id) {
  ASSIGN_OR_RETURN(std::optional<InboxRecord> record,
                   store_->GetInbox(transfer_id));
  if (!record.has_value()) return false;
  absl::StatusOr<handover::v1::CaseBundle> bundle =
      ReadInboxBundle(*record, directory, *keys_);
  if (!bundle.ok()) {
    // It verified when it arrived; if it cannot be read now, say so loudly
    // rather than retry for ever. Receivers can still fetch it to see why.
    spdlog::error(
        "alerts: cannot read inbox transfer {} to check for a move: {}",
        crypto::ToHex(transfer_id), bundle.status().ToString());
    return false;
  }
  if (!bundle->has_move() || !IsAlertingKind(bundle->move().kind())) {
    return false;
  }
  const alerts::AssessedPriority assessed = alerts::AssessPriority(*bundle);
  alerts::NewAlert alert;
  alert.transfer_id = std::string(transfer_id);
  alert.sender_agency_id = record->sender_id;
  alert.child_reference = bundle->metadata().sender_reference().substr(
      0, alerts::kMaxChildReferenceBytes);
  alert.area_code = bundle->move().to_area();
  alert.priority = assessed.priority;
  alert.reasons = assessed.reasons;
  alert.raised_at = options_.clock->Now();
  ASSIGN_OR_RETURN(alerts::Alert raised, book_->Raise(alert));
  spdlog::info("alerts: raised {} ({} priority) for transfer {} from {}",
               raised.alert_id, static_cast<int>(raised.priority),
               crypto::ToHex(transfer_id), record->sender_id);
  if (options_.events != nullptr) {
    alerts::AlertEvent event;
    event.kind = alerts::EventKind::kRaised;
    event.alert_id = raised.alert_id;
    event.priority = raised.priority;
    event.at = raised.raised_at;
    event.alert = raised;
    RecordAlertEvent(*options_.events, event);
  }
  return true;
}

int AlertRaiser::RaiseDue() {
  const std::optional<bool> enabled = Enabled();
  if (!enabled.has_value()) return 0;
  std::shared_ptr<const directory::DirectoryView> view = directory_->Current();
  if (*enabled && view == nullptr) return 0;
  int raised = 0;
  for (bool more = true; more;) {
    absl::StatusOr<std::vector<std::string>> unchecked =
        store_->ListUncheckedForAlerts(kBatch);
    if (!unchecked.ok()) {
      spdlog::error("alerts: cannot read the inbox queue: {}",
                    unchecked.status().ToString());
      return raised;
    }
    more = unchecked->size() == kBatch;
    for (const std::string& id : *unchecked) {
      if (*enabled) {
        absl::StatusOr<bool> checked = Check(*view, id);
        if (!checked.ok()) {
          // The book or the store failed: leave it unchecked for next time.
          spdlog::error("alerts: cannot raise for transfer {}: {}",
                        crypto::ToHex(id), checked.status().ToString());
          return raised;
        }
        if (*checked) {
          ++raised;
          signal_->Notify();
        }
      }
      if (absl::Status s = store_->MarkCheckedForAlerts(id); !s.ok()) {
        spdlog::error("alerts: cannot mark transfer {} checked: {}",
                      crypto::ToHex(id), s.ToString());
        return raised;
      }
    }
  }
  return raised;
}

void AlertRaiser::Run() {
  uint64_t seen = 0;
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
      seen = notifications_;
    }
    RaiseDue();
    absl::MutexLock lock(&mu_);
    auto woken = [this, seen]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return stopping_ || notifications_ != seen;
    };
    mu_.AwaitWithTimeout(absl::Condition(&woken), options_.poll_interval);
  }
}

}  // namespace handover::node

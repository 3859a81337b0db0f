#include "node/inbox_pruner.h"

#include <unistd.h>

#include <cerrno>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/posix_error.h"
#include "common/status_macros.h"
#include "config/units.h"
#include "spdlog/spdlog.h"

namespace handover::node {
namespace {

// Transfers handled per store query, and queries per PruneOnce, so one pass
// is bounded even after a long outage; the next pass takes the rest.
constexpr size_t kBatch = 100;
constexpr int kMaxRounds = 100;

// A file already gone is fine: an operator may have removed it.
absl::Status DeleteEnvelope(const std::string& path) {
  if (::unlink(path.c_str()) == 0 || errno == ENOENT) return absl::OkStatus();
  return PosixError(absl::StrCat("delete ", path), errno);
}

}  // namespace

InboxPruner::InboxPruner(NodeStore* store, deliverylog::EventRecorder* events,
                         const Clock* clock, absl::string_view agency_id,
                         absl::Duration keep_for, absl::Duration interval)
    : store_(store),
      events_(events),
      clock_(clock),
      agency_id_(agency_id),
      keep_for_(keep_for),
      interval_(interval) {}

void InboxPruner::Start() {
  thread_ = std::thread([this] { Run(); });
}

void InboxPruner::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

absl::StatusOr<int> InboxPruner::PruneOnce() {
  absl::MutexLock run_lock(&run_mu_);
  const std::string detail = absl::StrCat(
      "inbox content deleted: received more than ",
      config::FormatConfigDuration(keep_for_), " ago and taken on");
  int pruned = 0;
  for (int round = 0; round < kMaxRounds; ++round) {
    const absl::Time cutoff = clock_->Now() - keep_for_;
    ASSIGN_OR_RETURN(std::vector<InboxRecord> due,
                     store_->ListPrunableInbox(cutoff, kBatch));
    for (const InboxRecord& record : due) {
      RETURN_IF_ERROR(DeleteEnvelope(record.envelope_path));
      RETURN_IF_ERROR(
          store_->MarkInboxPruned(record.transfer_id, clock_->Now()));
      ++pruned;
      // Content goes; the record that it went stays, in the log.
      events_->Record(deliverylog::LogEvent(handover::v1::LOG_EVENT_KIND_PRUNED)
                          .Transfer(record.transfer_id)
                          .Sender(record.sender_id)
                          .Recipient(agency_id_)
                          .Size(record.envelope_size)
                          .EnvelopeHash(record.ciphertext_hash)
                          .Actor("retention")
                          .Detail(detail));
    }
    if (due.size() < kBatch) break;
  }
  return pruned;
}

void InboxPruner::Run() {
  absl::MutexLock lock(&mu_);
  while (!stopping_) {
    mu_.Unlock();
    absl::StatusOr<int> pruned = PruneOnce();
    mu_.Lock();
    if (!pruned.ok()) {
      spdlog::error("retention: cannot prune the inbox: {}",
                    pruned.status().ToString());
    } else if (*pruned > 0) {
      spdlog::info("retention: deleted the content of {} inbox transfer(s)",
                   *pruned);
    }
    // Wakes early only to stop.
    mu_.AwaitWithTimeout(absl::Condition(&stopping_), interval_);
  }
}

}  // namespace handover::node

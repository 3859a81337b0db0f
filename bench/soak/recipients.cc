#include "soak/recipients.h"

#include <algorithm>
#include <filesystem>

#include "absl/time/clock.h"
#include "harness/move_calls.h"
#include "loadgen/network_start.h"

namespace handover::bench {

namespace v1 = handover::v1;

namespace {
// How often a records officer looks for new transfers.
constexpr absl::Duration kPollEvery = absl::Milliseconds(200);
}  // namespace

InboxReader::InboxReader(std::string agency,
                         std::unique_ptr<integration::NodeClient> client,
                         std::string scratch_dir, DeliveryLedger* ledger,
                         OpStats* stats)
    : agency_(std::move(agency)),
      client_(std::move(client)),
      scratch_dir_(std::move(scratch_dir)),
      ledger_(ledger),
      stats_(stats),
      thread_([this] { Run(); }) {}

InboxReader::~InboxReader() { Stop(); }

void InboxReader::Stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

absl::StatusOr<std::vector<v1::InboxEntry>> InboxReader::ListAll() {
  return client_->ListInbox(/*page_size=*/1000);
}

void InboxReader::Run() {
  while (!stopping_) {
    // Only what is new: re-listing the whole inbox each time would load the
    // node more as the soak goes on, and look like drift.
    auto entries = client_->ListInboxNewerThan(
        [this](const v1::InboxEntry& e) {
          return known_.contains(e.transfer_id());
        },
        /*page_size=*/100);
    if (entries.ok()) {
      seen_ += entries->size();
      // Newest first in the listing; take them on oldest first.
      std::reverse(entries->begin(), entries->end());
      for (const v1::InboxEntry& entry : *entries) {
        known_.insert(entry.transfer_id());
        ledger_->Arrived(agency_, entry.transfer_id(),
                         FromProto(entry.received_at()));
      }
      for (const v1::InboxEntry& entry : *entries) {
        Handle(entry);
        ++handled_;
        if (stopping_) break;
      }
    }
    absl::SleepFor(kPollEvery);
  }
}

void InboxReader::Handle(const v1::InboxEntry& entry) {
  const std::string out_dir = scratch_dir_ + "/" + entry.transfer_id();
  absl::Time t0 = absl::Now();
  auto fetched = client_->Fetch(entry.transfer_id(), out_dir);
  std::error_code ignored;
  std::filesystem::remove_all(out_dir, ignored);
  if (!fetched.ok() || !fetched->ended) {
    stats_->RecordError(OpKind::kFetch);
    return;
  }
  stats_->Record(OpKind::kFetch, absl::Now() - t0);

  t0 = absl::Now();
  std::unique_ptr<grpc::ClientContext> context = client_->NewContext();
  v1::AcknowledgeTransferRequest request;
  request.set_transfer_id(entry.transfer_id());
  request.set_operator_id("records-officer");
  v1::AcknowledgeTransferResponse response;
  const grpc::Status status =
      client_->stub().AcknowledgeTransfer(context.get(), request, &response);
  // Each transfer is acknowledged once here; a duplicate answer would mean
  // the node lost track of the first.
  if (!status.ok() || response.duplicate()) {
    stats_->RecordError(OpKind::kAck);
    return;
  }
  stats_->Record(OpKind::kAck, absl::Now() - t0);
}

AlertOperator::AlertOperator(
    std::string agency, std::unique_ptr<integration::NodeClient> watch_client,
    std::unique_ptr<integration::NodeClient> ack_client, DeliveryLedger* ledger,
    OpStats* stats)
    : agency_(std::move(agency)),
      ack_client_(std::move(ack_client)),
      ledger_(ledger),
      stats_(stats),
      acker_([this] { AckLoop(); }),
      watcher_(std::make_unique<AlertWatcher>(
          std::move(watch_client),
          [this](const v1::AlertEvent& event, absl::Time arrived) {
            OnRaised(event, arrived);
          })) {}

AlertOperator::~AlertOperator() { Stop(); }

void AlertOperator::Stop() {
  if (watcher_ != nullptr) watcher_->Stop();
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (acker_.joinable()) acker_.join();
}

void AlertOperator::OnRaised(const v1::AlertEvent& event, absl::Time arrived) {
  // A second RAISED for one transfer is counted as a duplicate there and
  // not acknowledged again.
  if (!ledger_->Arrived(agency_, event.alert().transfer_id(), arrived)) return;
  ++raised_;
  {
    std::lock_guard<std::mutex> lock(mu_);
    to_ack_.push_back(event.alert().alert_id());
  }
  changed_.notify_all();
}

void AlertOperator::AckLoop() {
  while (true) {
    std::string alert_id;
    {
      std::unique_lock<std::mutex> lock(mu_);
      changed_.wait(lock, [this] { return stopping_ || !to_ack_.empty(); });
      if (to_ack_.empty()) return;  // stopping, and nothing left
      alert_id = std::move(to_ack_.front());
      to_ack_.pop_front();
    }
    const absl::Time t0 = absl::Now();
    auto acked = integration::AckAlert(*ack_client_, alert_id,
                                       "control-room-operator", "taken on");
    if (!acked.ok()) {
      stats_->RecordError(OpKind::kAlertAck);
      continue;
    }
    stats_->Record(OpKind::kAlertAck, absl::Now() - t0);
    ++acknowledged_;
  }
}

}  // namespace handover::bench

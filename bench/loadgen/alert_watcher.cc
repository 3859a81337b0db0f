#include "loadgen/alert_watcher.h"

#include <algorithm>

#include "absl/time/clock.h"
#include "loadgen/network_start.h"

namespace handover::bench {

namespace v1 = handover::v1;

AlertWatcher::AlertWatcher(std::unique_ptr<integration::NodeClient> client,
                           OnRaised on_raised)
    : client_(std::move(client)),
      context_(client_->NewContext()),
      on_raised_(std::move(on_raised)) {
  context_->set_deadline(absl::ToChronoTime(absl::Now() + absl::Hours(24)));
  reader_ =
      client_->stub().WatchAlerts(context_.get(), v1::WatchAlertsRequest());
  thread_ = std::thread([this] { Read(); });
}

AlertWatcher::~AlertWatcher() { Stop(); }

void AlertWatcher::WaitFor(size_t count, absl::Duration timeout) {
  const absl::Time give_up = absl::Now() + timeout;
  while (absl::Now() < give_up) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (arrivals_.size() >= count) return;
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
}

void AlertWatcher::Stop() {
  if (!thread_.joinable()) return;
  context_->TryCancel();
  thread_.join();
  reader_->Finish();
}

void AlertWatcher::Read() {
  v1::AlertEvent event;
  while (reader_->Read(&event)) {
    const absl::Time now = absl::Now();
    if (event.kind() != v1::ALERT_EVENT_KIND_RAISED) continue;
    if (on_raised_) on_raised_(event, now);
    std::lock_guard<std::mutex> lock(mu_);
    arrivals_.emplace(event.alert().transfer_id(),
                      AlertArrival{now, FromProto(event.alert().raised_at())});
    largest_event_bytes_ =
        std::max<uint64_t>(largest_event_bytes_, event.ByteSizeLong());
  }
}

}  // namespace handover::bench

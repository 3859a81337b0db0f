// A DeliveryLog that refuses every call, as a full disk or a broken file
// would: for tests that recording never fails the work it describes.
#ifndef HANDOVER_TESTS_DELIVERYLOG_UNWRITABLE_LOG_H_
#define HANDOVER_TESTS_DELIVERYLOG_UNWRITABLE_LOG_H_

#include <atomic>
#include <cstdint>
#include <optional>

#include "deliverylog/delivery_log.h"

namespace handover::deliverylog::testing {

class UnwritableLog final : public DeliveryLog {
 public:
  absl::StatusOr<uint64_t> Append(handover::v1::LogEntry) override {
    ++appends_;
    return Broken();
  }
  absl::StatusOr<uint64_t> Size() const override { return Broken(); }
  absl::StatusOr<LogPage> Query(const LogQuery&) const override {
    return Broken();
  }
  absl::StatusOr<handover::v1::SignedTreeHead> PublishTreeHead() override {
    return Broken();
  }
  absl::StatusOr<std::optional<handover::v1::SignedTreeHead>> LatestTreeHead()
      const override {
    return Broken();
  }
  absl::StatusOr<handover::v1::InclusionProof> ProveInclusion(
      uint64_t, uint64_t) const override {
    return Broken();
  }
  absl::StatusOr<handover::v1::ConsistencyProof> ProveConsistency(
      uint64_t, uint64_t) const override {
    return Broken();
  }

  // Append calls so far.
  int appends() const { return appends_.load(); }

 private:
  static absl::Status Broken() { return absl::UnavailableError("disk full"); }
  std::atomic<int> appends_{0};
};

}  // namespace handover::deliverylog::testing

#endif  // HANDOVER_TESTS_DELIVERYLOG_UNWRITABLE_LOG_H_

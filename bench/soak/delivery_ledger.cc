#include "soak/delivery_ledger.h"

#include "absl/container/flat_hash_set.h"
#include "loadgen/network_start.h"

namespace handover::bench {

void DeliveryLedger::Expect(const std::string& agency,
                            const std::string& transfer_id, absl::Time due,
                            OpKind kind) {
  std::lock_guard<std::mutex> lock(mu_);
  Copy& copy = copies_[Key(agency, transfer_id)];
  if (copy.expected) return;  // the same view listed twice in an answer
  copy.expected = true;
  copy.due = due;
  copy.kind = kind;
  ++expected_;
  if (copy.arrived) ++delivered_;
  RecordIfMatchedLocked(copy);
}

bool DeliveryLedger::Arrived(const std::string& agency,
                             const std::string& transfer_id,
                             absl::Time arrived) {
  std::lock_guard<std::mutex> lock(mu_);
  Copy& copy = copies_[Key(agency, transfer_id)];
  if (copy.arrived) {
    ++duplicates_;
    return false;
  }
  copy.arrived = true;
  copy.arrived_at = arrived;
  if (copy.expected) ++delivered_;
  RecordIfMatchedLocked(copy);
  return true;
}

uint64_t DeliveryLedger::Reconcile(
    const std::string& agency,
    const std::vector<handover::v1::InboxEntry>& entries) {
  absl::flat_hash_set<std::string> listed;
  uint64_t found_now = 0;
  for (const handover::v1::InboxEntry& entry : entries) {
    if (!listed.insert(entry.transfer_id()).second) {
      std::lock_guard<std::mutex> lock(mu_);
      ++duplicates_;
      continue;
    }
    bool seen = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = copies_.find(Key(agency, entry.transfer_id()));
      seen = it != copies_.end() && it->second.arrived;
    }
    if (!seen) {
      Arrived(agency, entry.transfer_id(), FromProto(entry.received_at()));
      ++found_now;
    }
  }
  return found_now;
}

bool DeliveryLedger::Complete() const {
  std::lock_guard<std::mutex> lock(mu_);
  return delivered_ == expected_;
}

LedgerCounts DeliveryLedger::Counts() const {
  std::lock_guard<std::mutex> lock(mu_);
  LedgerCounts counts;
  counts.expected = expected_;
  counts.delivered = delivered_;
  counts.lost = expected_ - delivered_;
  counts.duplicates = duplicates_;
  for (const auto& [key, copy] : copies_) {
    if (copy.arrived && !copy.expected) ++counts.unexpected;
  }
  return counts;
}

void DeliveryLedger::RecordIfMatchedLocked(const Copy& copy) {
  if (copy.expected && copy.arrived) {
    stats_->Record(copy.kind, copy.arrived_at - copy.due);
  }
}

}  // namespace handover::bench

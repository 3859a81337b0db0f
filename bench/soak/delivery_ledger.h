// Every copy the soak expects to be delivered, matched against every
// arrival the recipients saw, in whichever order the two are told (a fast
// delivery can be seen before its submitter has recorded the answer).
// When both are known, the delivery's latency goes to OpStats. At the end
// it says what was lost (accepted, never arrived), what arrived twice, and
// what arrived that nobody submitted. Thread-safe.
#ifndef HANDOVER_BENCH_SOAK_DELIVERY_LEDGER_H_
#define HANDOVER_BENCH_SOAK_DELIVERY_LEDGER_H_

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "handover/v1/node.pb.h"
#include "soak/op_stats.h"

namespace handover::bench {

struct LedgerCounts {
  uint64_t expected = 0;    // copies accepted by the sending node
  uint64_t delivered = 0;   // of those, seen at their recipient
  uint64_t lost = 0;        // expected - delivered
  uint64_t duplicates = 0;  // seen again after their first arrival
  uint64_t unexpected = 0;  // seen, but never accepted from this run
};

class DeliveryLedger {
 public:
  explicit DeliveryLedger(OpStats* stats) : stats_(stats) {}

  // The sending node accepted `transfer_id` for `agency`; its delivery
  // latency, of `kind`, runs from `due`.
  void Expect(const std::string& agency, const std::string& transfer_id,
              absl::Time due, OpKind kind);

  // `agency` saw `transfer_id` arrive (stored at `arrived`). False, and a
  // duplicate counted, if it had arrived before.
  bool Arrived(const std::string& agency, const std::string& transfer_id,
               absl::Time arrived);

  // A whole inbox listing of `agency` at the end: any transfer id listed
  // twice is a duplicate; an expected copy not yet seen arrives now (the
  // incremental listing can miss an entry stored out of order). Returns
  // how many arrived only now.
  uint64_t Reconcile(const std::string& agency,
                     const std::vector<handover::v1::InboxEntry>& entries);

  // Every expected copy has arrived.
  bool Complete() const;
  LedgerCounts Counts() const;

 private:
  struct Copy {
    bool expected = false;
    bool arrived = false;
    absl::Time due;
    absl::Time arrived_at;
    OpKind kind = OpKind::kDeliverSmall;
  };
  static std::string Key(const std::string& agency, const std::string& id) {
    return agency + "/" + id;
  }
  void RecordIfMatchedLocked(const Copy& copy);

  OpStats* stats_;
  mutable std::mutex mu_;
  absl::flat_hash_map<std::string, Copy> copies_;
  uint64_t expected_ = 0;
  uint64_t delivered_ = 0;
  uint64_t duplicates_ = 0;
};

}  // namespace handover::bench

#endif  // HANDOVER_BENCH_SOAK_DELIVERY_LEDGER_H_

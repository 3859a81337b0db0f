// The sending side of the soak: one open-loop schedule (loadgen's
// RunPaced) of case-system operations at the sending node, mixed by index:
// every `large_every`-th a transfer with an attachment of `large_bytes`,
// every `move_every`-th a child's move to the destination area (three
// views, one police alert), the rest small transfers with a 4 KiB
// attachment. Each accepted copy is recorded in the DeliveryLedger. Also an
// admin who queries the sending node's delivery log now and then.
#ifndef HANDOVER_BENCH_SOAK_MIXED_LOAD_H_
#define HANDOVER_BENCH_SOAK_MIXED_LOAD_H_

#include <atomic>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "harness/test_network.h"
#include "loadgen/paced_run.h"
#include "soak/delivery_ledger.h"
#include "soak/op_stats.h"

namespace handover::bench {

struct MixShape {
  PacedShape paced;
  uint64_t large_bytes = 2 << 20;
  int large_every = 40;
  int move_every = 5;
};

inline constexpr uint64_t kSmallAttachmentBytes = 4096;

class MixedLoad {
 public:
  // `sender` submits; transfers go to `transfer_recipient`. Payload files
  // are written under `scratch_dir` by Prepare().
  MixedLoad(integration::TestNetwork* net, std::string sender,
            std::string transfer_recipient, std::string scratch_dir,
            MixShape shape, DeliveryLedger* ledger, OpStats* stats);

  absl::Status Prepare();

  // Runs the whole schedule; returns when every operation has returned.
  PacedTiming Run();

 private:
  void SmallOrLarge(int worker, uint64_t i, absl::Time due, bool large);
  void Move(int worker, uint64_t i, absl::Time due);

  integration::TestNetwork* net_;
  std::string sender_;
  std::string transfer_recipient_;
  std::string small_path_;
  std::string large_path_;
  MixShape shape_;
  DeliveryLedger* ledger_;
  OpStats* stats_;
  std::vector<std::unique_ptr<integration::NodeClient>> clients_;
};

// An admin at `agency`'s node lists the last minute of its delivery log
// (one page of 100) every `every`, until `stop` is set.
void RunLogQueries(integration::TestNetwork& net, const std::string& agency,
                   absl::Duration every, const std::atomic<bool>& stop,
                   OpStats* stats);

}  // namespace handover::bench

#endif  // HANDOVER_BENCH_SOAK_MIXED_LOAD_H_

// The soak's own bookkeeping, which its verdict rests on: the delivery
// ledger (lost, duplicated, unexpected), the verdict's thresholds, and the
// /proc reader. No daemons: the soak itself runs them.
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "loadgen/proc_status.h"
#include "soak/delivery_ledger.h"
#include "soak/op_stats.h"
#include "soak/verdict.h"

namespace handover::bench {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1800000000);

TEST(DeliveryLedgerTest, MatchesArrivalsInEitherOrderAndTimesThem) {
  OpStats stats;
  DeliveryLedger ledger(&stats);
  ledger.Expect("cs", "t1", kStart, OpKind::kDeliverSmall);
  EXPECT_FALSE(ledger.Complete());
  EXPECT_TRUE(ledger.Arrived("cs", "t1", kStart + absl::Milliseconds(40)));
  // Seen at the recipient before the submitter recorded the answer.
  EXPECT_TRUE(ledger.Arrived("police", "t2", kStart + absl::Milliseconds(90)));
  ledger.Expect("police", "t2", kStart, OpKind::kAlert);
  EXPECT_TRUE(ledger.Complete());

  const LedgerCounts counts = ledger.Counts();
  EXPECT_EQ(counts.expected, 2u);
  EXPECT_EQ(counts.delivered, 2u);
  EXPECT_EQ(counts.lost, 0u);
  EXPECT_EQ(counts.duplicates, 0u);
  EXPECT_EQ(counts.unexpected, 0u);
  const OpSummary small = stats.Total(OpKind::kDeliverSmall);
  ASSERT_EQ(small.count, 1u);
  EXPECT_EQ(small.p50, absl::Milliseconds(40));
  const OpSummary alert = stats.Total(OpKind::kAlert);
  ASSERT_EQ(alert.count, 1u);
  EXPECT_EQ(alert.p50, absl::Milliseconds(90));
}

TEST(DeliveryLedgerTest, CountsLostDuplicatedAndUnexpectedCopies) {
  OpStats stats;
  DeliveryLedger ledger(&stats);
  ledger.Expect("cs", "lost", kStart, OpKind::kDeliverSmall);
  ledger.Expect("cs", "twice", kStart, OpKind::kDeliverSmall);
  EXPECT_TRUE(ledger.Arrived("cs", "twice", kStart));
  EXPECT_FALSE(ledger.Arrived("cs", "twice", kStart));
  EXPECT_TRUE(ledger.Arrived("cs", "stranger", kStart));
  // The same transfer id at another agency is another copy.
  ledger.Expect("health", "twice", kStart, OpKind::kDeliverView);

  const LedgerCounts counts = ledger.Counts();
  EXPECT_EQ(counts.expected, 3u);
  EXPECT_EQ(counts.delivered, 1u);
  EXPECT_EQ(counts.lost, 2u);
  EXPECT_EQ(counts.duplicates, 1u);
  EXPECT_EQ(counts.unexpected, 1u);
  EXPECT_FALSE(ledger.Complete());
}

TEST(DeliveryLedgerTest, ReconcileFindsWhatTheIncrementalListingMissed) {
  OpStats stats;
  DeliveryLedger ledger(&stats);
  ledger.Expect("cs", "seen", kStart, OpKind::kDeliverSmall);
  ledger.Expect("cs", "missed", kStart, OpKind::kDeliverSmall);
  ledger.Arrived("cs", "seen", kStart);
  std::vector<handover::v1::InboxEntry> listing(3);
  listing[0].set_transfer_id("seen");
  listing[1].set_transfer_id("missed");
  listing[2].set_transfer_id("missed");  // listed twice: a duplicate
  EXPECT_EQ(ledger.Reconcile("cs", listing), 1u);
  const LedgerCounts counts = ledger.Counts();
  EXPECT_EQ(counts.delivered, 2u);
  EXPECT_EQ(counts.lost, 0u);
  EXPECT_EQ(counts.duplicates, 1u);
}

DaemonSample Daemon(uint64_t rss_kib, uint64_t fds) {
  DaemonSample d;
  d.name = "router";
  d.running = true;
  d.status.rss_kib = rss_kib;
  d.status.hwm_kib = rss_kib;
  d.status.open_fds = fds;
  d.status.threads = 20;
  return d;
}

VerdictInput TwoWindows(const OpStats& stats, uint64_t rss_last,
                        uint64_t fds_last) {
  VerdictInput in;
  in.stats = &stats;
  in.load_start = kStart;
  in.load_end = kStart + absl::Seconds(90);
  for (auto [rss, fds] :
       {std::pair<uint64_t, uint64_t>{100 * 1024, 30}, {rss_last, fds_last}}) {
    WindowRow row;
    row.index = static_cast<int>(in.rows.size() + 1);
    row.end_seconds = 45.0 * row.index;
    row.daemons = {Daemon(rss, fds)};
    in.rows.push_back(row);
  }
  return in;
}

// `kind` at `first` in the first 30 s and `last` in the last 30 s.
void AddThirds(OpStats& stats, OpKind kind, absl::Duration first,
               absl::Duration last) {
  for (int i = 0; i < 30; ++i) {
    stats.RecordAt(kind, first, kStart + absl::Seconds(i));
    stats.RecordAt(kind, last, kStart + absl::Seconds(60 + i));
  }
}

bool Mentions(const std::vector<std::string>& lines, const std::string& s) {
  for (const std::string& line : lines) {
    if (line.find(s) != std::string::npos) return true;
  }
  return false;
}

TEST(VerdictTest, FlatRunPasses) {
  OpStats stats;
  AddThirds(stats, OpKind::kBaseline, absl::Milliseconds(1),
            absl::Milliseconds(1));
  AddThirds(stats, OpKind::kSubmitSmall, absl::Milliseconds(10),
            absl::Milliseconds(11));
  const Verdict v = JudgeSoak(TwoWindows(stats, 105 * 1024, 32));
  EXPECT_TRUE(v.not_flat.empty()) << v.not_flat.front();
  EXPECT_FALSE(v.failed());
}

TEST(VerdictTest, GrowthIsReportedButDoesNotFail) {
  OpStats stats;
  AddThirds(stats, OpKind::kBaseline, absl::Milliseconds(1),
            absl::Milliseconds(1));
  AddThirds(stats, OpKind::kSubmitSmall, absl::Milliseconds(10),
            absl::Milliseconds(20));
  const Verdict v = JudgeSoak(TwoWindows(stats, 111 * 1024, 36));
  EXPECT_TRUE(Mentions(v.not_flat, "memory of router"));
  EXPECT_TRUE(Mentions(v.not_flat, "open FDs of router"));
  EXPECT_TRUE(Mentions(v.not_flat, "latency of submit.small"));
  EXPECT_TRUE(Mentions(v.lines, "too few windows to leave a warm-up out"));
  EXPECT_FALSE(v.failed());
}

// One window per entry of `rss_mib`; of six, the second closes the
// warm-up third.
VerdictInput Windows(const OpStats& stats,
                     const std::vector<uint64_t>& rss_mib) {
  VerdictInput in = TwoWindows(stats, 0, 30);
  in.rows.resize(rss_mib.size());
  for (size_t i = 0; i < rss_mib.size(); ++i) {
    in.rows[i].index = static_cast<int>(i + 1);
    in.rows[i].end_seconds = 30.0 * (i + 1);
    in.rows[i].daemons = {Daemon(rss_mib[i] * 1024, 30)};
  }
  return in;
}

TEST(VerdictTest, GrowthDuringWarmUpIsNotALeak) {
  OpStats stats;
  const Verdict warm_up =
      JudgeSoak(Windows(stats, {100, 130, 131, 132, 132, 133}));
  EXPECT_FALSE(Mentions(warm_up.not_flat, "memory of router"));
  EXPECT_TRUE(Mentions(warm_up.lines, "after warm-up (windows 2–6)"));
  EXPECT_FALSE(Mentions(warm_up.lines, "too few windows"));
  const Verdict leak =
      JudgeSoak(Windows(stats, {100, 110, 120, 130, 140, 150}));
  EXPECT_TRUE(Mentions(leak.not_flat, "memory of router"));
  // One high sample in flight is not a trend.
  const Verdict spike =
      JudgeSoak(Windows(stats, {100, 130, 131, 150, 131, 132}));
  EXPECT_FALSE(Mentions(spike.not_flat, "memory of router"));
}

TEST(VerdictTest, DriftWithinTheBaselinesOwnIsNoise) {
  OpStats stats;
  // The machine got twice as slow; so did the path.
  AddThirds(stats, OpKind::kBaseline, absl::Milliseconds(1),
            absl::Milliseconds(2));
  AddThirds(stats, OpKind::kSubmitSmall, absl::Milliseconds(10),
            absl::Milliseconds(20));
  const Verdict v = JudgeSoak(TwoWindows(stats, 100 * 1024, 30));
  EXPECT_FALSE(Mentions(v.not_flat, "latency of submit.small"));
}

TEST(VerdictTest, LossDuplicatesAndErrorsFail) {
  OpStats stats;
  stats.RecordError(OpKind::kFetch);
  VerdictInput in = TwoWindows(stats, 100 * 1024, 30);
  in.ledger.expected = 10;
  in.ledger.delivered = 9;
  in.ledger.lost = 1;
  in.ledger.duplicates = 2;
  const Verdict v = JudgeSoak(in);
  ASSERT_TRUE(v.failed());
  EXPECT_TRUE(Mentions(v.failures, "1 copies lost"));
  EXPECT_TRUE(Mentions(v.failures, "2 duplicate arrivals"));
  EXPECT_TRUE(Mentions(v.failures, "fetch 1"));
}

TEST(ProcStatusTest, ReadsThisProcessAndRefusesAGoneOne) {
  absl::StatusOr<ProcStatus> self = ReadProcStatus(getpid());
  ASSERT_TRUE(self.ok()) << self.status();
  EXPECT_GT(self->rss_kib, 0u);
  EXPECT_GE(self->hwm_kib, self->rss_kib);
  EXPECT_GE(self->threads, 1u);
  EXPECT_GE(self->open_fds, 3u);  // stdin, stdout, stderr at least

  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) _exit(0);
  ASSERT_EQ(waitpid(child, nullptr, 0), child);
  EXPECT_EQ(ReadProcStatus(child).status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace handover::bench

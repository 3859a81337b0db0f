#include "soak/verdict.h"

#include <algorithm>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace handover::bench {
namespace {

double Mib(uint64_t kib) { return static_cast<double>(kib) / 1024.0; }
double Ms(absl::Duration d) { return absl::ToDoubleMilliseconds(d); }

double DriftPercent(absl::Duration first, absl::Duration last) {
  const double base = Ms(first);
  return base > 0 ? (Ms(last) - base) / base * 100.0 : 0;
}

const char* Flat(bool flat) { return flat ? "flat" : "NOT FLAT"; }

// The window that closes the first third of the run (index into rows).
size_t WarmedUpRow(size_t rows) { return (rows + 2) / 3 - 1; }

// Growth of daemon `d`'s RSS over rows[from..], in MiB: the least-squares
// slope through every window's sample times the span, so that one noisy
// sample (a large attachment in flight) neither hides nor fakes a trend.
double TrendMib(const std::vector<WindowRow>& rows, size_t from, size_t d) {
  const size_t n = rows.size() - from;
  double mx = 0, my = 0;
  for (size_t i = from; i < rows.size(); ++i) {
    mx += rows[i].end_seconds / n;
    my += Mib(rows[i].daemons[d].status.rss_kib) / n;
  }
  double sxy = 0, sxx = 0;
  for (size_t i = from; i < rows.size(); ++i) {
    const double dx = rows[i].end_seconds - mx;
    sxy += dx * (Mib(rows[i].daemons[d].status.rss_kib) - my);
    sxx += dx * dx;
  }
  const double span = rows.back().end_seconds - rows[from].end_seconds;
  return sxx > 0 ? sxy / sxx * span : 0;
}

void JudgeDaemons(const VerdictInput& in, Verdict* v) {
  const size_t warm_row = WarmedUpRow(in.rows.size());
  const WindowRow& first = in.rows.front();
  const WindowRow& warm = in.rows[warm_row];
  const WindowRow& last = in.rows.back();
  if (warm_row == 0) {
    v->lines.push_back(
        "memory   too few windows to leave a warm-up out: the trend covers "
        "start-up too (a smoke run cannot judge memory)");
  }
  for (size_t d = 0; d < first.daemons.size(); ++d) {
    const DaemonSample& a = first.daemons[d];
    const DaemonSample& b = last.daemons[d];
    bool running = true;
    for (const WindowRow& row : in.rows) running &= row.daemons[d].running;
    if (!running) {
      v->failures.push_back(absl::StrCat(a.name, " was not running"));
      continue;
    }
    const double all_mib = Mib(b.status.rss_kib) - Mib(a.status.rss_kib);
    const double all_pct = all_mib / std::max(Mib(a.status.rss_kib), 1.0) * 100;
    const double warm_mib = TrendMib(in.rows, warm_row, d);
    const double warm_pct =
        warm_mib / std::max(Mib(warm.daemons[d].status.rss_kib), 1.0) * 100;
    const bool rss_flat = warm_pct < kRssGrowthLimitPercent;
    v->lines.push_back(absl::StrFormat(
        "memory   %-28s RSS %6.1f → %6.1f MiB: %+6.1f MiB (%+5.1f%%) from "
        "window 1; trend after warm-up (windows %d–%d) %+6.1f MiB "
        "(%+5.1f%%); peak (VmHWM) %6.1f MiB  %s",
        a.name, Mib(a.status.rss_kib), Mib(b.status.rss_kib), all_mib, all_pct,
        warm.index, last.index, warm_mib, warm_pct, Mib(b.status.hwm_kib),
        Flat(rss_flat)));
    if (!rss_flat) v->not_flat.push_back(absl::StrCat("memory of ", a.name));

    uint64_t max_fds = 0, max_threads = 0;
    for (const WindowRow& row : in.rows) {
      max_fds = std::max(max_fds, row.daemons[d].status.open_fds);
      max_threads = std::max(max_threads, row.daemons[d].status.threads);
    }
    const int64_t fd_change = static_cast<int64_t>(b.status.open_fds) -
                              static_cast<int64_t>(a.status.open_fds);
    const bool fds_flat = std::llabs(fd_change) <= kFdSlack;
    v->lines.push_back(absl::StrFormat(
        "fds      %-28s open %4d → %4d (max %4d)  threads %3d → %3d (max "
        "%3d)  %s",
        a.name, a.status.open_fds, b.status.open_fds, max_fds, a.status.threads,
        b.status.threads, max_threads, Flat(fds_flat)));
    if (!fds_flat) v->not_flat.push_back(absl::StrCat("open FDs of ", a.name));
  }
}

void JudgeLatency(const VerdictInput& in, Verdict* v) {
  const absl::Duration third = (in.load_end - in.load_start) / 3;
  const absl::Time first_end = in.load_start + third;
  const absl::Time last_begin = in.load_end - third;
  auto thirds = [&](OpKind kind) {
    return std::make_pair(in.stats->Between(kind, in.load_start, first_end),
                          in.stats->Between(kind, last_begin, in.load_end));
  };
  const auto [base_first, base_last] = thirds(OpKind::kBaseline);
  const double base_p50 = DriftPercent(base_first.p50, base_last.p50);
  const double base_p99 = DriftPercent(base_first.p99, base_last.p99);
  v->lines.push_back(absl::StrFormat(
      "latency  %-14s first third p50 %7.2f p99 %7.2f ms | last third p50 "
      "%7.2f p99 %7.2f ms | drift p50 %+6.1f%% p99 %+6.1f%%  (the machine's "
      "noise)",
      OpKindName(OpKind::kBaseline), Ms(base_first.p50), Ms(base_first.p99),
      Ms(base_last.p50), Ms(base_last.p99), base_p50, base_p99));
  const double p50_limit = std::max(base_p50, 0.0) + kDriftSlackPoints;
  const double p99_limit = std::max(base_p99, 0.0) + kDriftSlackPoints;
  for (int k = 0; k < kOpKindCount; ++k) {
    const OpKind kind = OpKindAt(k);
    if (kind == OpKind::kBaseline) continue;
    const auto [first, last] = thirds(kind);
    if (first.count < kMinSamplesPerThird || last.count < kMinSamplesPerThird) {
      v->lines.push_back(absl::StrFormat(
          "latency  %-14s %d and %d in the first and last thirds: too few to "
          "judge",
          OpKindName(kind), first.count, last.count));
      continue;
    }
    const double p50 = DriftPercent(first.p50, last.p50);
    const double p99 = DriftPercent(first.p99, last.p99);
    // With fewer samples, the p99 is one outlier, not a tail.
    const bool judge_p99 =
        std::min(first.count, last.count) >= kMinSamplesForP99;
    const bool flat = p50 <= p50_limit && (!judge_p99 || p99 <= p99_limit);
    v->lines.push_back(absl::StrFormat(
        "latency  %-14s first third p50 %7.2f p99 %7.2f ms | last third p50 "
        "%7.2f p99 %7.2f ms | drift p50 %+6.1f%% p99 %+6.1f%%%s  %s",
        OpKindName(kind), Ms(first.p50), Ms(first.p99), Ms(last.p50),
        Ms(last.p99), p50, p99, judge_p99 ? "" : " (p99 not judged)",
        Flat(flat)));
    if (!flat) {
      v->not_flat.push_back(absl::StrCat("latency of ", OpKindName(kind)));
    }
  }
}

void JudgeDelivery(const VerdictInput& in, Verdict* v) {
  const LedgerCounts& c = in.ledger;
  v->lines.push_back(absl::StrFormat(
      "delivery copies accepted %d, delivered %d, lost %d, duplicates %d, "
      "unexpected %d; alerts raised %d, acknowledged %d",
      c.expected, c.delivered, c.lost, c.duplicates, c.unexpected,
      in.alerts_raised, in.alerts_acknowledged));
  if (c.lost > 0) v->failures.push_back(absl::StrCat(c.lost, " copies lost"));
  if (c.duplicates > 0) {
    v->failures.push_back(absl::StrCat(c.duplicates, " duplicate arrivals"));
  }
  if (c.unexpected > 0) {
    v->failures.push_back(
        absl::StrCat(c.unexpected, " arrivals of transfers never accepted"));
  }
  if (in.alerts_acknowledged < in.alerts_raised) {
    v->failures.push_back(absl::StrCat(
        in.alerts_raised - in.alerts_acknowledged, " alerts not acknowledged"));
  }
  if (in.unhandled_inbox > 0) {
    v->failures.push_back(absl::StrCat(
        in.unhandled_inbox, " inbox transfers not fetched and acknowledged"));
  }
  std::string errors;
  for (int k = 0; k < kOpKindCount; ++k) {
    const OpSummary total = in.stats->Total(OpKindAt(k));
    if (total.errors > 0) {
      absl::StrAppend(&errors, errors.empty() ? "" : ", ",
                      OpKindName(OpKindAt(k)), " ", total.errors);
    }
  }
  v->lines.push_back(
      absl::StrCat("errors   ", errors.empty() ? "none" : errors));
  if (!errors.empty()) v->failures.push_back(absl::StrCat("errors: ", errors));
}

}  // namespace

Verdict JudgeSoak(const VerdictInput& in) {
  Verdict v;
  v.lines.push_back(absl::StrFormat(
      "thresholds: RSS trend < %.0f%% after warm-up (least-squares over the "
      "windows from the one closing the first third to the last); open FDs "
      "within ±%d of window 1; p50 and p99 of the last third "
      "within the first third's + the baseline's drift (if positive) + %.0f "
      "points (p99 only from %d samples a third)",
      kRssGrowthLimitPercent, kFdSlack, kDriftSlackPoints, kMinSamplesForP99));
  if (in.rows.size() < 2) {
    v.lines.push_back(
        "memory and fds: fewer than two windows, nothing to compare");
  } else {
    JudgeDaemons(in, &v);
  }
  JudgeLatency(in, &v);
  JudgeDelivery(in, &v);
  return v;
}

}  // namespace handover::bench

#include "soak/mixed_load.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "harness/log_calls.h"
#include "harness/move_calls.h"
#include "harness/test_data.h"
#include "loadgen/network_start.h"

namespace handover::bench {

namespace v1 = handover::v1;

MixedLoad::MixedLoad(integration::TestNetwork* net, std::string sender,
                     std::string transfer_recipient, std::string scratch_dir,
                     MixShape shape, DeliveryLedger* ledger, OpStats* stats)
    : net_(net),
      sender_(std::move(sender)),
      transfer_recipient_(std::move(transfer_recipient)),
      small_path_(scratch_dir + "/small.bin"),
      large_path_(scratch_dir + "/large.bin"),
      shape_(shape),
      ledger_(ledger),
      stats_(stats) {}

absl::Status MixedLoad::Prepare() {
  if (absl::Status s = WritePayloadFile(small_path_, kSmallAttachmentBytes);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = WritePayloadFile(large_path_, shape_.large_bytes);
      !s.ok()) {
    return s;
  }
  for (int w = 0; w < shape_.paced.workers; ++w) {
    clients_.push_back(net_->Client(sender_, integration::Role::kSubmitter));
  }
  return absl::OkStatus();
}

PacedTiming MixedLoad::Run() {
  return RunPaced(shape_.paced, [this](int worker, uint64_t i, absl::Time due) {
    if (i % shape_.large_every == 0) {
      SmallOrLarge(worker, i, due, /*large=*/true);
    } else if (i % shape_.move_every == 1) {
      Move(worker, i, due);
    } else {
      SmallOrLarge(worker, i, due, /*large=*/false);
    }
  });
}

void MixedLoad::SmallOrLarge(int worker, uint64_t i, absl::Time due,
                             bool large) {
  integration::SubmitRequest request;
  request.idempotency_key = absl::StrCat("soak-", i);
  request.recipients = {transfer_recipient_};
  request.bundle = integration::MinimalBundle(request.idempotency_key);
  request.attachments.push_back(
      {large ? large_path_ : small_path_, large ? "scan.bin" : "note.bin"});
  auto response = clients_[worker]->Submit(request);
  const OpKind submit = large ? OpKind::kSubmitLarge : OpKind::kSubmitSmall;
  if (!response.ok()) {
    stats_->RecordError(submit);
    return;
  }
  stats_->Record(submit, absl::Now() - due);
  ledger_->Expect(transfer_recipient_, response->transfer_id(), due,
                  large ? OpKind::kDeliverLarge : OpKind::kDeliverSmall);
}

void MixedLoad::Move(int worker, uint64_t i, absl::Time due) {
  integration::MoveRequest request;
  request.idempotency_key = absl::StrCat("soak-", i);
  request.bundle = ChildRecord(i);
  auto move = integration::SubmitMove(*clients_[worker], request);
  if (!move.ok()) {
    stats_->RecordError(OpKind::kSubmitMove);
    return;
  }
  stats_->Record(OpKind::kSubmitMove, absl::Now() - due);
  for (const v1::MoveView& view : move->views()) {
    const OpKind kind = view.kind() == v1::AGENCY_KIND_POLICE_FORCE
                            ? OpKind::kAlert
                            : OpKind::kDeliverView;
    for (const std::string& recipient : view.recipients()) {
      ledger_->Expect(recipient, view.transfer_id(), due, kind);
    }
  }
}

void RunLogQueries(integration::TestNetwork& net, const std::string& agency,
                   absl::Duration every, const std::atomic<bool>& stop,
                   OpStats* stats) {
  std::unique_ptr<integration::NodeClient> admin =
      net.Client(agency, integration::Role::kAdmin);
  absl::Time next = absl::Now() + every;
  while (!stop) {
    if (absl::Now() < next) {
      absl::SleepFor(absl::Milliseconds(100));
      continue;
    }
    next += every;
    v1::ListLogRequest request;
    request.mutable_since()->set_seconds(
        absl::ToUnixSeconds(absl::Now() - absl::Minutes(1)));
    request.set_page_size(100);
    const absl::Time t0 = absl::Now();
    auto page = integration::ListLogPage(*admin, request);
    if (!page.ok()) {
      stats->RecordError(OpKind::kLogQuery);
      continue;
    }
    stats->Record(OpKind::kLogQuery, absl::Now() - t0);
  }
}

}  // namespace handover::bench

#include "node/outbox_sender.h"

#include <grpcpp/grpcpp.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "common/status_macros.h"
#include "crypto/identity.h"
#include "crypto/opener.h"
#include "node/log_events.h"
#include "rpc/grpc_status.h"

namespace handover::node {
namespace {

constexpr char kExpiredBeforeRouter[] = "expired before reaching the router";
// How many queued transfers a worker looks at when it picks the next one.
constexpr size_t kClaimWindow = 64;

// RESOURCE_EXHAUSTED covers both "this envelope is too big" (for good) and
// "the router is full or busy" (for now). The router words the passing
// kinds with one of these, so everything else counts as permanent.
bool IsPassingExhaustion(absl::string_view message) {
  const std::string lower = absl::AsciiStrToLower(message);
  for (absl::string_view word : {"disk", "full", "rate", "busy", "later"}) {
    if (absl::StrContains(lower, word)) return true;
  }
  return false;
}

handover::v1::EnvelopeHead ToProto(const crypto::EnvelopeHead& head) {
  handover::v1::EnvelopeHead proto;
  proto.set_signed_header(head.signed_header);
  proto.set_signature(head.signature);
  for (const std::string& wrapped : head.wrapped_keys) {
    proto.add_wrapped_keys(wrapped);
  }
  return proto;
}

std::string Hex(absl::string_view id) { return crypto::ToHex(id); }

}  // namespace

bool IsPermanentUploadFailure(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kUnauthenticated:
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kOutOfRange:
    case absl::StatusCode::kUnimplemented:
      return true;
    case absl::StatusCode::kResourceExhausted:
      return !IsPassingExhaustion(status.message());
    default:  // UNAVAILABLE, DEADLINE_EXCEEDED, ABORTED, INTERNAL, ...
      return false;
  }
}

OutboxSender::OutboxSender(NodeStore* store,
                           std::shared_ptr<grpc::Channel> channel,
                           OutboxSenderOptions options)
    : store_(store),
      stub_(handover::v1::Router::NewStub(std::move(channel))),
      options_(std::move(options)) {}

OutboxSender::~OutboxSender() { Stop(); }

void OutboxSender::Start() {
  absl::MutexLock lock(&mu_);
  if (!workers_.empty() || stopping_) return;
  for (int i = 0; i < std::max(1, options_.threads); ++i) {
    workers_.emplace_back([this] { Work(); });
  }
}

void OutboxSender::Notify() {
  absl::MutexLock lock(&mu_);
  ++notifications_;
}

void OutboxSender::Stop() {
  std::vector<std::thread> workers;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    auto drained = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return in_flight_.empty();
    };
    mu_.AwaitWithTimeout(absl::Condition(&drained), options_.drain_timeout);
    for (grpc::ClientContext* call : calls_) call->TryCancel();
    workers.swap(workers_);
  }
  for (std::thread& worker : workers) worker.join();
}

void OutboxSender::Work() {
  uint64_t seen = 0;
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
      seen = notifications_;
    }
    OutboxTransfer transfer;
    if (ClaimNext(&transfer)) {
      Release(transfer.transfer_id, UploadOnce(transfer));
      continue;
    }
    WaitForWork(&seen);
  }
}

bool OutboxSender::ClaimNext(OutboxTransfer* out) {
  size_t busy;
  {
    absl::MutexLock lock(&mu_);
    busy = in_flight_.size() + backoff_.size();
  }
  absl::StatusOr<std::vector<OutboxTransfer>> pending =
      store_->ListPendingUploads(kClaimWindow + busy);
  if (!pending.ok()) {
    spdlog::error("outbox: cannot list queued transfers: {}",
                  pending.status().ToString());
    return false;
  }
  const absl::Time now = options_.clock->Now();
  absl::MutexLock lock(&mu_);
  if (stopping_) return false;
  if (pending->size() < kClaimWindow + busy) {
    // The whole queue is in view: forget backoffs of transfers that left
    // it (moved on by a notice, say).
    absl::flat_hash_set<std::string> queued;
    for (const OutboxTransfer& transfer : *pending) {
      queued.insert(transfer.transfer_id);
    }
    absl::erase_if(backoff_, [&queued](const auto& entry) {
      return !queued.contains(entry.first);
    });
  }
  for (OutboxTransfer& transfer : *pending) {
    if (in_flight_.contains(transfer.transfer_id)) continue;
    auto backoff = backoff_.find(transfer.transfer_id);
    if (backoff != backoff_.end() && backoff->second.next_attempt > now) {
      continue;
    }
    in_flight_.insert(transfer.transfer_id);
    *out = std::move(transfer);
    return true;
  }
  return false;
}

void OutboxSender::Release(const std::string& transfer_id,
                           UploadOutcome outcome) {
  absl::MutexLock lock(&mu_);
  in_flight_.erase(transfer_id);
  if (outcome != UploadOutcome::kRetry) {
    backoff_.erase(transfer_id);
    return;
  }
  auto [it, inserted] = backoff_.try_emplace(transfer_id);
  Backoff& backoff = it->second;
  backoff.delay = inserted ? options_.retry.initial_backoff
                           : std::min(backoff.delay * options_.retry.multiplier,
                                      options_.retry.max_backoff);
  backoff.next_attempt = options_.clock->Now() + backoff.delay;
}

void OutboxSender::WaitForWork(uint64_t* seen_notifications) {
  absl::MutexLock lock(&mu_);
  absl::Duration wait = options_.poll_interval;
  const absl::Time now = options_.clock->Now();
  for (const auto& [id, backoff] : backoff_) {
    // One already due is either in flight or gone from the queue.
    if (backoff.next_attempt > now) {
      wait = std::min(wait, backoff.next_attempt - now);
    }
  }
  const uint64_t seen = *seen_notifications;
  auto woken = [this, seen]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return stopping_ || notifications_ != seen;
  };
  mu_.AwaitWithTimeout(absl::Condition(&woken), wait);
  *seen_notifications = notifications_;
}

UploadOutcome OutboxSender::UploadOnce(const OutboxTransfer& transfer) {
  const std::string id = Hex(transfer.transfer_id);
  if (options_.clock->Now() >= transfer.expires_at) {
    Finish(transfer, handover::v1::DELIVERY_STATE_EXPIRED,
           kExpiredBeforeRouter);
    spdlog::warn("outbox: transfer {} expired before reaching the router", id);
    return UploadOutcome::kExpired;
  }
  absl::StatusOr<OpenedEnvelope> opened = OpenEnvelope(transfer);
  if (!opened.ok()) {
    if (absl::IsDataLoss(opened.status())) {
      // A worker lists the queue before it claims, so another may have
      // uploaded this transfer and removed its file in between: only a
      // transfer still queued has really lost its envelope.
      absl::StatusOr<bool> queued = StillQueued(transfer.transfer_id);
      if (!queued.ok()) {
        spdlog::warn("outbox: cannot re-read transfer {}: {}", id,
                     queued.status().ToString());
        return UploadOutcome::kRetry;
      }
      if (!*queued) return UploadOutcome::kNothingToDo;
      // The file will not get better by itself.
      Finish(transfer, handover::v1::DELIVERY_STATE_FAILED,
             std::string(opened.status().message()));
      spdlog::error("outbox: transfer {}: {}", id, opened.status().ToString());
      return UploadOutcome::kFailed;
    }
    spdlog::warn("outbox: cannot read transfer {}: {}", id,
                 opened.status().ToString());
    return UploadOutcome::kRetry;
  }
  bool already_stored = false;
  absl::Status status = Submit(*opened, &already_stored);
  if (status.ok()) {
    Finish(transfer, handover::v1::DELIVERY_STATE_AT_ROUTER, "");
    spdlog::info("outbox: transfer {} ({} bytes) stored by the router{}", id,
                 transfer.envelope_size,
                 already_stored ? " (it already held it)" : "");
    return UploadOutcome::kStored;
  }
  if (IsPermanentUploadFailure(status)) {
    Finish(transfer, handover::v1::DELIVERY_STATE_FAILED,
           std::string(status.message()));
    spdlog::warn("outbox: transfer {} refused: {}", id, status.ToString());
    return UploadOutcome::kFailed;
  }
  spdlog::info("outbox: transfer {} not uploaded yet, will retry: {}", id,
               status.ToString());
  return UploadOutcome::kRetry;
}

void OutboxSender::Finish(const OutboxTransfer& transfer, DeliveryState state,
                          const std::string& reason) {
  DeliveryUpdate update;
  update.state = state;
  update.reason = reason;
  update.at = options_.clock->Now();
  absl::StatusOr<int> moved =
      store_->UpdateAllDeliveries(transfer.transfer_id, update);
  if (!moved.ok()) {
    // The file stays, so the next pass tries again.
    spdlog::error("outbox: cannot record the state of transfer {}: {}",
                  Hex(transfer.transfer_id), moved.status().ToString());
    return;
  }
  // The router's answer is a fact even when a receipt that overtook it has
  // already moved every copy on (then nothing moved here).
  const bool happened =
      *moved > 0 || state == handover::v1::DELIVERY_STATE_AT_ROUTER;
  if (happened && options_.events != nullptr) {
    handover::v1::LogEventKind kind = handover::v1::LOG_EVENT_KIND_FAILED;
    if (state == handover::v1::DELIVERY_STATE_AT_ROUTER) {
      kind = handover::v1::LOG_EVENT_KIND_SENT_TO_ROUTER;
    } else if (state == handover::v1::DELIVERY_STATE_EXPIRED) {
      kind = handover::v1::LOG_EVENT_KIND_EXPIRED;
    }
    RecordPerRecipient(*options_.events, kind, options_.agency_id, transfer,
                       reason);
  }
  // Every recipient is now past QUEUED: the router holds the copy that
  // travels on, or it will never travel.
  std::error_code ignored;
  std::filesystem::remove(transfer.envelope_path, ignored);
}

absl::StatusOr<bool> OutboxSender::StillQueued(absl::string_view transfer_id) {
  ASSIGN_OR_RETURN(std::optional<TransferRecord> record,
                   store_->GetTransfer(transfer_id));
  if (!record.has_value()) return false;
  for (const RecipientDelivery& r : record->recipients) {
    if (r.state == handover::v1::DELIVERY_STATE_QUEUED) return true;
  }
  return false;
}

absl::StatusOr<OutboxSender::OpenedEnvelope> OutboxSender::OpenEnvelope(
    const OutboxTransfer& transfer) {
  absl::StatusOr<std::unique_ptr<InputFile>> file =
      InputFile::Open(transfer.envelope_path);
  if (absl::IsNotFound(file.status())) {
    return absl::DataLossError(
        "the sealed envelope is missing from the outbox");
  }
  RETURN_IF_ERROR(file.status());
  absl::StatusOr<crypto::EnvelopeHead> head =
      crypto::ReadEnvelopeHead(file->get());
  if (!head.ok() || head->header.transfer_id != transfer.transfer_id) {
    return absl::DataLossError("the sealed envelope in the outbox is damaged");
  }
  return OpenedEnvelope{*std::move(file), *std::move(head)};
}

absl::Status OutboxSender::Submit(OpenedEnvelope& envelope,
                                  bool* already_stored) {
  grpc::ClientContext context;
  context.set_deadline(
      absl::ToChronoTime(absl::Now() + options_.upload_timeout));
  {
    absl::MutexLock lock(&mu_);
    calls_.insert(&context);
  }
  handover::v1::SubmitEnvelopeResponse response;
  absl::Status read_status;
  {
    std::unique_ptr<grpc::ClientWriter<handover::v1::EnvelopePart>> writer =
        stub_->SubmitEnvelope(&context, &response);
    handover::v1::EnvelopePart part;
    *part.mutable_head() = ToProto(envelope.head);
    bool open = writer->Write(part);
    std::string buffer(kMaxPartBytes, '\0');
    while (open) {
      absl::StatusOr<size_t> got =
          envelope.file->Read(buffer.data(), buffer.size());
      if (!got.ok()) {
        read_status = got.status();
        context.TryCancel();
        break;
      }
      if (*got == 0) break;
      part.mutable_ciphertext()->set_data(buffer.data(), *got);
      open = writer->Write(part);
    }
    if (open && read_status.ok()) writer->WritesDone();
    grpc::Status status = writer->Finish();
    {
      absl::MutexLock lock(&mu_);
      calls_.erase(&context);
    }
    if (!read_status.ok()) return read_status;
    RETURN_IF_ERROR(rpc::FromRouterCallStatus(status, context));
  }
  *already_stored = response.already_stored();
  return absl::OkStatus();
}

}  // namespace handover::node

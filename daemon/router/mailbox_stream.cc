#include "router/mailbox_stream.h"

#include <algorithm>
#include <optional>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "common/status_macros.h"
#include "crypto/identity.h"
#include "router/recall_hold.h"
#include "rpc/protocol_headers.h"
#include "spdlog/spdlog.h"

namespace handover::router {
namespace {

using handover::v1::Ack;
using handover::v1::NodeMessage;
using handover::v1::RouterMessage;

// How long the writer sleeps when nothing is due, at most: it also wakes
// for new items, acks, a directory change and shutdown.
constexpr absl::Duration kIdlePoll = absl::Seconds(1);

// An item this small (head and ciphertext) may share a network write with
// the next one.
constexpr uint64_t kCoalesceBytes = kInlineCiphertextBytes;

// More acks than this queued between two writer turns is a node that is
// not following the protocol.
size_t MaxQueuedAcks(uint32_t window) { return 4 * size_t{window} + 64; }

}  // namespace

absl::Status MailboxStream::Run() {
  NodeMessage first;
  if (!io_->Read(&first)) {
    return absl::CancelledError("the stream ended before hello");
  }
  if (!first.has_hello()) {
    return absl::InvalidArgumentError("the first message must be hello");
  }
  const uint32_t asked = first.hello().window();
  window_ = asked == 0 ? kDefaultWindow : std::min(asked, kMaxWindow);
  directory_version_sent_ = first.hello().directory_version();

  ASSIGN_OR_RETURN(std::unique_ptr<StreamSlot> slot,
                   env_->hub->Attach(agency_id_, context_));
  slot_ = slot.get();
  // Items a previous stream could not release are no longer in flight.
  RETURN_IF_ERROR(env_->store->ReleasePushedOf(agency_id_));
  // Tells the node the stream is accepted even when nothing is queued for
  // it; a refusal ends the call without this header.
  context_->AddInitialMetadata(std::string(rpc::kMailboxOpenHeader), "1");
  io_->SendInitialMetadata();
  spdlog::info("{}: mailbox stream open (window {})", agency_id_, window_);

  std::thread reader([this] { ReadAcks(); });
  absl::Status status;
  while (status.ok()) {
    status = ApplyAcks();
    if (!status.ok()) break;
    {
      absl::MutexLock lock(&mu_);
      if (reader_done_) {
        status = reader_error_;
        break;
      }
    }
    if (slot_->stopped() || context_->IsCancelled()) break;

    const uint64_t version = slot_->directory_version();
    if (version > directory_version_sent_) {
      RouterMessage changed;
      changed.mutable_directory_changed()->set_version(version);
      status = Send(changed, /*flush=*/true);
      if (!status.ok()) break;
      directory_version_sent_ = version;
    }

    const absl::Time now = env_->clock->Now();
    if (in_flight_.size() < window_) {
      absl::StatusOr<std::vector<MailboxItem>> items =
          env_->store->ClaimItems(agency_id_, now, window_ - in_flight_.size());
      if (!items.ok()) {
        status = items.status();
        break;
      }
      if (!items->empty()) {
        status = PushItems(*items);
        continue;  // acks may have come meanwhile; more may be due
      }
    }
    absl::Time deadline = absl::Now() + kIdlePoll;
    absl::StatusOr<std::optional<absl::Time>> due =
        env_->store->NextDueTime(agency_id_, now);
    if (due.ok() && due->has_value()) {
      // The store's times are on env_->clock; waits are on the real clock.
      deadline = std::min(deadline, absl::Now() + (**due - now));
    }
    slot_->Wait(deadline);
  }

  // Ends the call for the reader too, so that it can be joined.
  context_->TryCancel();
  reader.join();
  Finish();
  slot.reset();  // only now may a newer stream of the agency claim items
  spdlog::info(
      "{}: mailbox stream closed{}", agency_id_,
      status.ok() ? "" : absl::StrCat(": ", std::string(status.message())));
  return status;
}

void MailboxStream::ReadAcks() {
  NodeMessage message;
  absl::Status error;
  while (io_->Read(&message)) {
    if (!message.has_ack()) {
      error =
          absl::InvalidArgumentError("after hello, a node may send only acks");
      break;
    }
    absl::MutexLock lock(&mu_);
    if (acks_.size() >= MaxQueuedAcks(window_)) {
      error = absl::InvalidArgumentError("too many acks");
      break;
    }
    acks_.push_back(message.ack());
    slot_->Wake();
  }
  absl::MutexLock lock(&mu_);
  reader_done_ = true;
  reader_error_ = error;
  slot_->Wake();
}

absl::Status MailboxStream::ApplyAcks() {
  std::vector<Ack> acks;
  {
    absl::MutexLock lock(&mu_);
    acks.swap(acks_);
  }
  if (acks.empty()) return absl::OkStatus();
  std::vector<uint64_t> stored;
  std::vector<const Ack*> rejected;
  for (const Ack& ack : acks) {
    switch (ack.result()) {
      case Ack::RESULT_STORED:
        stored.push_back(ack.delivery_id());
        break;
      case Ack::RESULT_REJECTED:
        rejected.push_back(&ack);
        break;
      default:
        return absl::InvalidArgumentError("an ack must say stored or rejected");
    }
  }
  const absl::Time now = env_->clock->Now();
  ASSIGN_OR_RETURN(std::vector<ItemUpdate> updates,
                   env_->store->AckStored(agency_id_, stored, now));
  for (const ItemUpdate& update : updates) {
    if (update.changed && update.item.kind == ItemKind::kEnvelope) {
      spdlog::info("transfer {}: stored at {}",
                   crypto::ToHex(update.item.transfer_id), agency_id_);
      RecordDelivered(update.item);
    }
  }
  if (updates.size() != stored.size()) {
    spdlog::warn("{}: {} acks named items that are not its own", agency_id_,
                 stored.size() - updates.size());
  }
  for (uint64_t id : stored) in_flight_.erase(id);
  for (const Ack* ack : rejected) {
    RETURN_IF_ERROR(Reject(ack->delivery_id(), ack->reason()));
    in_flight_.erase(ack->delivery_id());
  }
  return absl::OkStatus();
}

void MailboxStream::RecordDelivered(const MailboxItem& item) {
  absl::StatusOr<std::optional<EnvelopeRecord>> envelope =
      env_->store->FindEnvelope(item.transfer_id);
  deliverylog::LogEvent event(handover::v1::LOG_EVENT_KIND_DELIVERED);
  event.Transfer(item.transfer_id).Recipient(agency_id_).Actor(agency_id_);
  if (envelope.ok() && envelope->has_value()) {
    event.Sender((*envelope)->sender_id)
        .Size(EnvelopeBytes(**envelope))
        .EnvelopeHash((*envelope)->ciphertext_hash);
  }
  RecordEvent(*env_, event);
}

absl::Status MailboxStream::Reject(uint64_t delivery_id,
                                   const std::string& reason) {
  const std::string line = OneLine(reason);
  absl::StatusOr<MailboxItem> item =
      env_->store->GetItem(agency_id_, delivery_id);
  if (!item.ok()) {
    spdlog::warn("{}: rejected item {} is not its own", agency_id_,
                 delivery_id);
    return item.status().code() == absl::StatusCode::kNotFound
               ? absl::OkStatus()
               : item.status();
  }
  const absl::Time now = env_->clock->Now();
  if (item->kind != ItemKind::kEnvelope) {
    spdlog::warn("{}: refused notice item {}: {}", agency_id_, delivery_id,
                 line);
    return env_->store->RejectNotice(agency_id_, delivery_id, line, now);
  }
  ASSIGN_OR_RETURN(std::optional<EnvelopeRecord> envelope,
                   env_->store->FindEnvelope(item->transfer_id));
  if (!envelope.has_value()) return absl::OkStatus();
  ASSIGN_OR_RETURN(
      std::string report,
      env_->signer->NonDelivery(
          item->transfer_id, envelope->sender_id, agency_id_,
          handover::v1::NON_DELIVERY_REASON_REJECTED_BY_RECIPIENT, line));
  ASSIGN_OR_RETURN(
      DeliveryOutcome outcome,
      env_->store->FinishDelivery(item->transfer_id, agency_id_,
                                  DeliveryState::kRejected, line, report, now));
  if (outcome.changed) {
    spdlog::warn("transfer {}: rejected by {}: {}",
                 crypto::ToHex(item->transfer_id), agency_id_, line);
    RecordEvent(*env_,
                deliverylog::LogEvent(handover::v1::LOG_EVENT_KIND_FAILED)
                    .Transfer(item->transfer_id)
                    .Sender(envelope->sender_id)
                    .Recipient(agency_id_)
                    .EnvelopeHash(envelope->ciphertext_hash)
                    .Actor(agency_id_)
                    .Detail(absl::StrCat("rejected by the recipient: ", line)));
    env_->hub->Notify(envelope->sender_id);
  }
  env_->janitor->RemoveReleased(outcome.released);
  return absl::OkStatus();
}

absl::Status MailboxStream::PushItems(const std::vector<MailboxItem>& items) {
  // All of them are claimed: a failure part-way releases the rest too.
  for (const MailboxItem& item : items) in_flight_.insert(item.delivery_id);
  for (size_t i = 0; i < items.size(); ++i) {
    const MailboxItem& item = items[i];
    const bool last = i + 1 == items.size();
    if (item.kind == ItemKind::kEnvelope) {
      RETURN_IF_ERROR(PushEnvelope(item, last));
    } else {
      RETURN_IF_ERROR(PushNotice(item, last));
    }
  }
  return absl::OkStatus();
}

absl::Status MailboxStream::Send(const RouterMessage& message, bool flush) {
  grpc::WriteOptions options;
  if (!flush) options.set_buffer_hint();
  if (!io_->Write(message, options)) {
    return absl::UnavailableError("the mailbox stream broke");
  }
  return absl::OkStatus();
}

absl::Status MailboxStream::PushNotice(const MailboxItem& item, bool flush) {
  RouterMessage message;
  message.set_delivery_id(item.delivery_id);
  if (!message.mutable_notice()->ParseFromString(item.notice)) {
    // Stored by this router after verifying or signing it; cannot happen
    // unless the database was damaged.
    return absl::DataLossError(
        absl::StrCat("mailbox item ", item.delivery_id, " is unreadable"));
  }
  return Send(message, flush);
}

absl::Status MailboxStream::GiveUp(const MailboxItem& item,
                                   const EnvelopeRecord& envelope) {
  in_flight_.erase(item.delivery_id);
  ASSIGN_OR_RETURN(std::string report,
                   env_->signer->NonDelivery(
                       item.transfer_id, envelope.sender_id, agency_id_,
                       handover::v1::NON_DELIVERY_REASON_EXPIRED,
                       "the router no longer holds the ciphertext"));
  ASSIGN_OR_RETURN(DeliveryOutcome outcome,
                   env_->store->FinishDelivery(item.transfer_id, agency_id_,
                                               DeliveryState::kExpired,
                                               "ciphertext past retention",
                                               report, env_->clock->Now()));
  if (outcome.changed) {
    spdlog::warn("transfer {}: not delivered to {}: ciphertext past retention",
                 crypto::ToHex(item.transfer_id), agency_id_);
    RecordEvent(*env_,
                deliverylog::LogEvent(handover::v1::LOG_EVENT_KIND_EXPIRED)
                    .Transfer(item.transfer_id)
                    .Sender(envelope.sender_id)
                    .Recipient(agency_id_)
                    .EnvelopeHash(envelope.ciphertext_hash)
                    .Actor("router")
                    .Detail("ciphertext past retention"));
    env_->hub->Notify(envelope.sender_id);
  }
  env_->janitor->RemoveReleased(outcome.released);
  return absl::OkStatus();
}

absl::Status MailboxStream::PushEnvelope(const MailboxItem& item, bool flush) {
  ASSIGN_OR_RETURN(std::optional<EnvelopeRecord> envelope,
                   env_->store->FindEnvelope(item.transfer_id));
  if (!envelope.has_value()) {
    return absl::DataLossError(absl::StrCat("mailbox item ", item.delivery_id,
                                            " names an unknown transfer"));
  }
  // A directory just loaded may mark its signing key compromised: hold it
  // here rather than wait for the next sweep.
  if (std::optional<std::string> reason =
          HoldReason(*envelope, *env_->directory->Current());
      reason.has_value()) {
    in_flight_.erase(item.delivery_id);
    return HoldDelivery(*env_, *envelope, agency_id_, *reason).status();
  }
  // Open the ciphertext before the head goes out: once the head is sent,
  // the envelope must follow whole. An open spool file stays readable
  // even if it is deleted meanwhile.
  std::string inline_bytes;
  std::unique_ptr<InputFile> file;
  if (envelope->location == CiphertextLocation::kInline) {
    absl::StatusOr<std::string> bytes =
        env_->store->ReadInlineCiphertext(item.transfer_id);
    if (bytes.ok()) {
      inline_bytes = std::move(bytes).value();
    } else if (bytes.status().code() == absl::StatusCode::kNotFound) {
      return GiveUp(item, *envelope);  // deleted since FindEnvelope
    } else {
      return bytes.status();
    }
  } else if (envelope->location == CiphertextLocation::kSpool) {
    absl::StatusOr<std::unique_ptr<InputFile>> opened =
        env_->spool->OpenForRead(envelope->spool_name);
    if (!opened.ok()) {
      if (opened.status().code() == absl::StatusCode::kNotFound) {
        return GiveUp(item, *envelope);
      }
      return opened.status();
    }
    file = std::move(opened).value();
  } else {
    return GiveUp(item, *envelope);
  }

  const bool small = envelope->ciphertext_size <= kCoalesceBytes;
  RouterMessage message;
  message.set_delivery_id(item.delivery_id);
  handover::v1::EnvelopeHead* head = message.mutable_envelope_head();
  head->set_signed_header(envelope->signed_header);
  head->set_signature(envelope->signature);
  for (const std::string& key : envelope->wrapped_keys) {
    head->add_wrapped_keys(key);
  }
  RETURN_IF_ERROR(Send(message, /*flush=*/!small));

  uint64_t sent = 0;
  if (file == nullptr) {
    for (size_t at = 0; at < inline_bytes.size(); at += kMaxPartBytes) {
      message.Clear();
      message.set_delivery_id(item.delivery_id);
      message.mutable_ciphertext()->set_data(
          inline_bytes.substr(at, kMaxPartBytes));
      RETURN_IF_ERROR(Send(message, /*flush=*/!small));
    }
    sent = inline_bytes.size();
  } else {
    std::string buffer(kMaxPartBytes, '\0');
    while (true) {
      ASSIGN_OR_RETURN(size_t n, file->Read(buffer.data(), buffer.size()));
      if (n == 0) break;
      message.Clear();
      message.set_delivery_id(item.delivery_id);
      message.mutable_ciphertext()->set_data(buffer.data(), n);
      RETURN_IF_ERROR(Send(message, /*flush=*/!small));
      sent += n;
      if (n < buffer.size()) break;
    }
  }
  if (sent != envelope->ciphertext_size) {
    // The node would refuse it anyway; a damaged spool needs an operator.
    return absl::DataLossError(absl::StrCat(
        "transfer ", crypto::ToHex(item.transfer_id), ": held ", sent,
        " bytes of ciphertext, not ", envelope->ciphertext_size));
  }
  message.Clear();
  message.set_delivery_id(item.delivery_id);
  message.mutable_envelope_end()->set_ciphertext_size(sent);
  RETURN_IF_ERROR(Send(message, flush || !small));
  spdlog::debug("transfer {}: pushed to {} (delivery {}, attempt {})",
                crypto::ToHex(item.transfer_id), agency_id_, item.delivery_id,
                item.attempts + 1);
  RecordEvent(*env_,
              deliverylog::LogEvent(handover::v1::LOG_EVENT_KIND_FORWARDED)
                  .Transfer(item.transfer_id)
                  .Sender(envelope->sender_id)
                  .Recipient(agency_id_)
                  .Size(EnvelopeBytes(*envelope))
                  .EnvelopeHash(envelope->ciphertext_hash)
                  .Actor("router")
                  .Detail(absl::StrCat("attempt ", item.attempts + 1)));
  return absl::OkStatus();
}

void MailboxStream::Finish() {
  // Acks that arrived before the end still count.
  absl::Status applied = ApplyAcks();
  if (!applied.ok()) {
    spdlog::warn("{}: acks at the end of the stream: {}", agency_id_,
                 std::string(applied.message()));
  }
  if (in_flight_.empty()) return;
  std::vector<uint64_t> unanswered(in_flight_.begin(), in_flight_.end());
  absl::Status released = env_->store->ReleaseItems(
      agency_id_, unanswered, env_->clock->Now(), env_->retry);
  if (!released.ok()) {
    // The agency's next stream releases them before it claims anything.
    spdlog::error("{}: could not release {} unanswered items: {}", agency_id_,
                  unanswered.size(), std::string(released.message()));
  } else {
    spdlog::info("{}: {} items unanswered; they will be pushed again",
                 agency_id_, unanswered.size());
  }
  in_flight_.clear();
}

}  // namespace handover::router

#include "node/router_link.h"

#include <grpcpp/grpcpp.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

#include "node/inbound_envelope.h"
#include "rpc/grpc_status.h"
#include "rpc/protocol_headers.h"

namespace handover::node {

// A stream that stayed up this long was healthy: the backoff starts over.
constexpr absl::Duration kHealthyStream = absl::Minutes(1);

struct RouterLink::Incoming {
  uint64_t delivery_id = 0;
  std::unique_ptr<InboundEnvelope> envelope;
};

RouterLink::RouterLink(std::shared_ptr<grpc::Channel> channel,
                       RouterLinkOptions options)
    : stub_(handover::v1::Router::NewStub(std::move(channel))),
      options_(std::move(options)),
      notices_(options_.context) {}

RouterLink::~RouterLink() { Stop(); }

void RouterLink::Start() {
  absl::MutexLock lock(&mu_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] { Run(); });
}

void RouterLink::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    if (active_context_ != nullptr) active_context_->TryCancel();
  }
  if (thread_.joinable()) thread_.join();
}

void RouterLink::Run() {
  absl::Duration delay = options_.retry.initial_backoff;
  while (true) {
    bool received = false;
    const absl::Time started = absl::Now();
    absl::Status ended = RunStream(&received);
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    if (received || absl::Now() - started >= kHealthyStream) {
      delay = options_.retry.initial_backoff;
    }
    spdlog::warn("router link down ({}); reconnecting in {}", ended.ToString(),
                 absl::FormatDuration(delay));
    mu_.AwaitWithTimeout(absl::Condition(&stopping_), delay);
    if (stopping_) return;
    delay =
        std::min(delay * options_.retry.multiplier, options_.retry.max_backoff);
  }
}

absl::Status RouterLink::RunStream(bool* received) {
  grpc::ClientContext context;
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return absl::CancelledError("stopping");
    active_context_ = &context;
  }
  std::unique_ptr<Stream> stream = stub_->Connect(&context);
  handover::v1::NodeMessage hello;
  hello.mutable_hello()->set_directory_version(
      options_.context.directory->version());
  hello.mutable_hello()->set_window(options_.window);
  absl::Status handled;
  if (stream->Write(hello) && Accepted(stream.get(), context)) {
    connected_ = true;
    spdlog::info("router link up");
    // The router may hold a newer directory than we do.
    options_.context.directory->RequestRefresh();
    handover::v1::RouterMessage message;
    while (stream->Read(&message)) {
      *received = true;
      handled = Handle(message, stream.get());
      if (!handled.ok()) {
        // Our own failure (a full disk, say) will likely recur on the next
        // push: back off as for a failed connect, rather than pull the same
        // envelope again at once, over and over.
        *received = false;
        context.TryCancel();
        break;
      }
    }
  }
  connected_ = false;
  incoming_.reset();  // an unfinished envelope is pushed again
  grpc::Status finished = stream->Finish();
  {
    absl::MutexLock lock(&mu_);
    active_context_ = nullptr;
  }
  if (!handled.ok()) return handled;
  absl::Status status = rpc::FromGrpcStatus(finished);
  return status.ok() ? absl::UnavailableError("the router ended the stream")
                     : status;
}

bool RouterLink::Accepted(Stream* stream, const grpc::ClientContext& context) {
  // Blocks until the router either accepts the stream (its header arrives)
  // or refuses it (the call ends with no header).
  stream->WaitForInitialMetadata();
  const auto& headers = context.GetServerInitialMetadata();
  const std::string_view key = rpc::kMailboxOpenHeader;
  return headers.find(grpc::string_ref(key.data(), key.size())) !=
         headers.end();
}

absl::Status RouterLink::Handle(const handover::v1::RouterMessage& message,
                                Stream* stream) {
  const uint64_t id = message.delivery_id();
  switch (message.body_case()) {
    case handover::v1::RouterMessage::kEnvelopeHead:
      if (incoming_ != nullptr) {
        spdlog::warn(
            "router started envelope {} before ending {}; the "
            "unfinished one will come again",
            id, incoming_->delivery_id);
      }
      incoming_ = std::make_unique<Incoming>();
      incoming_->delivery_id = id;
      incoming_->envelope = std::make_unique<InboundEnvelope>(
          options_.context, message.envelope_head());
      return absl::OkStatus();
    case handover::v1::RouterMessage::kCiphertext:
      if (incoming_ == nullptr || incoming_->delivery_id != id) {
        return absl::InvalidArgumentError("ciphertext outside an envelope");
      }
      return incoming_->envelope->Append(message.ciphertext().data());
    case handover::v1::RouterMessage::kEnvelopeEnd: {
      if (incoming_ == nullptr || incoming_->delivery_id != id) {
        return absl::InvalidArgumentError("envelope end outside an envelope");
      }
      std::unique_ptr<Incoming> done = std::move(incoming_);
      AckOrLocalFailure ack =
          done->envelope->Finish(message.envelope_end().ciphertext_size());
      if (ack.ok() && ack->result() == handover::v1::Ack::RESULT_REJECTED) {
        spdlog::warn("inbox: refused transfer {}: {}",
                     done->envelope->transfer_hex(), ack->reason());
      }
      if (ack.ok() && ack->result() == handover::v1::Ack::RESULT_STORED &&
          options_.on_receipt_queued) {
        options_.on_receipt_queued();  // the receipt is durable already
      }
      absl::Status sent = SendAck(stream, id, ack);
      return sent;
    }
    case handover::v1::RouterMessage::kNotice: {
      AckOrLocalFailure ack = notices_.Apply(message.notice());
      if (ack.ok() && ack->result() == handover::v1::Ack::RESULT_REJECTED) {
        spdlog::warn("refused a notice: {}", ack->reason());
      }
      return SendAck(stream, id, ack);
    }
    case handover::v1::RouterMessage::kDirectoryChanged:
      if (message.directory_changed().version() >
          options_.context.directory->version()) {
        options_.context.directory->RequestRefresh();
      }
      return absl::OkStatus();
    default:
      return absl::OkStatus();  // a newer router's message: nothing to do
  }
}

absl::Status RouterLink::SendAck(Stream* stream, uint64_t delivery_id,
                                 const AckOrLocalFailure& ack) {
  if (!ack.ok()) return ack.status();
  handover::v1::NodeMessage reply;
  *reply.mutable_ack() = *ack;
  reply.mutable_ack()->set_delivery_id(delivery_id);
  if (!stream->Write(reply)) {
    return absl::UnavailableError("the stream closed before the ack was sent");
  }
  return absl::OkStatus();
}

}  // namespace handover::node

// One Router::Connect call: the node's mailbox stream. After the node's
// hello, the router pushes the agency's due items in delivery-id order,
// keeping at most `window` unacknowledged: an envelope as envelope_head,
// ciphertext parts of at most 1 MiB (read from the store or the spool) and
// envelope_end; a notice as one message. A new directory version is
// announced with DirectoryChanged (also at once, if the hello names an
// older version than the router serves).
//
// A writer loop (the handler's thread) pushes and applies acks; a reader
// thread only reads acks off the stream (gRPC's sync streams allow one
// reader and one writer at a time). Ack STORED marks the item stored at
// the node; ack REJECTED ends an envelope's delivery with a router-signed
// non-delivery report to the sender. When the stream ends, items still
// unacknowledged go back to pending and wait out the [retry] backoff
// before their next push.
//
// Only pending items are claimed, and claiming marks them pushed in the
// same commit, so nothing pending is ever held here: a copy that was
// withdrawn, expired or revoked while it waited is never pushed, and an ack
// naming one changes nothing (the store moves only open items).
//
// Not thread-safe: one object per call.
#ifndef HANDOVER_ROUTER_MAILBOX_STREAM_H_
#define HANDOVER_ROUTER_MAILBOX_STREAM_H_

#include <grpcpp/server_context.h>
#include <grpcpp/support/sync_stream.h>

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "handover/v1/router.pb.h"
#include "router/mailbox_hub.h"
#include "router/router_env.h"

namespace handover::router {

using MailboxStreamIo =
    grpc::ServerReaderWriterInterface<handover::v1::RouterMessage,
                                      handover::v1::NodeMessage>;

class MailboxStream {
 public:
  MailboxStream(const RouterEnv* env, std::string agency_id,
                grpc::ServerContext* context, MailboxStreamIo* io)
      : env_(env),
        agency_id_(std::move(agency_id)),
        context_(context),
        io_(io) {}

  // Runs the stream to its end: the node went away, a newer stream of the
  // agency replaced this one, the router is stopping, or the node broke
  // the protocol (InvalidArgument).
  absl::Status Run();

 private:
  void ReadAcks();
  // Applies the acks the reader has queued.
  absl::Status ApplyAcks();
  absl::Status Reject(uint64_t delivery_id, const std::string& reason);
  // DELIVERED in the router's log: `item` was stored by its recipient.
  void RecordDelivered(const MailboxItem& item);
  // Pushes `items`, which are all in flight from the start.
  absl::Status PushItems(const std::vector<MailboxItem>& items);
  absl::Status PushEnvelope(const MailboxItem& item, bool flush);
  absl::Status PushNotice(const MailboxItem& item, bool flush);
  absl::Status Send(const handover::v1::RouterMessage& message, bool flush);
  // The delivery cannot be pushed because the ciphertext is gone.
  absl::Status GiveUp(const MailboxItem& item, const EnvelopeRecord& envelope);
  // The end of the stream: final acks, unanswered items released.
  void Finish();

  const RouterEnv* const env_;
  const std::string agency_id_;
  grpc::ServerContext* const context_;
  MailboxStreamIo* const io_;
  uint32_t window_ = kDefaultWindow;
  std::set<uint64_t> in_flight_;
  uint64_t directory_version_sent_ = 0;
  StreamSlot* slot_ = nullptr;

  absl::Mutex mu_;  // between the reader thread and the writer loop
  std::vector<handover::v1::Ack> acks_ ABSL_GUARDED_BY(mu_);
  bool reader_done_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status reader_error_ ABSL_GUARDED_BY(mu_);
};

}  // namespace handover::router

#endif  // HANDOVER_ROUTER_MAILBOX_STREAM_H_

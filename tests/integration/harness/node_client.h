// A client of a node's local API (proto/handover/v1/node.proto) over TLS,
// authenticated by a client certificate, a bearer token, or neither (to test
// refusals). Attachments are streamed from files and fetched into files one
// chunk at a time, so even a 200 MiB transfer costs the test little memory.
//
// Results are absl::Status / StatusOr with the gRPC code carried over
// unchanged. Thread-safe: gRPC stubs may be shared between threads.
#ifndef HANDOVER_TESTS_INTEGRATION_HARNESS_NODE_CLIENT_H_
#define HANDOVER_TESTS_INTEGRATION_HARNESS_NODE_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "handover/v1/node.grpc.pb.h"

namespace handover::integration {

// One attachment to stream from disk.
struct AttachmentFile {
  std::string path;
  std::string name;  // the name inside the transfer
  std::string media_type = "application/octet-stream";
};

struct SubmitRequest {
  std::string idempotency_key;
  std::vector<std::string> recipients;
  handover::v1::CaseBundle bundle;
  std::vector<AttachmentFile> attachments;
  uint64_t time_to_live_seconds = 0;  // 0 = the node's default
};

// What FetchTransfer produced: the header, where each attachment went, and
// whether the stream ended with FetchEnd (only then may it be trusted).
struct FetchedTransfer {
  handover::v1::FetchHeader header;
  std::vector<std::string> attachment_paths;
  bool ended = false;
};

// The gRPC status as an absl::Status (same code, same message).
absl::Status FromGrpc(const grpc::Status& status);

class NodeClient {
 public:
  // `bearer_token` empty = send no authorization header.
  NodeClient(std::shared_ptr<grpc::Channel> channel, std::string bearer_token,
             absl::Duration call_timeout);

  // Streams the start message, then each attachment's file in 1 MiB
  // messages. If the node closes the stream early, returns its status.
  absl::StatusOr<handover::v1::SubmitTransferResponse> Submit(
      const SubmitRequest& request);

  absl::StatusOr<handover::v1::TransferStatusResponse> Status(
      const std::string& transfer_id);

  // Polls TransferStatus until the transfer's overall state is `state`.
  // Fails at once if it reaches a different final state (final states never
  // change), and at `timeout` otherwise; the message shows the last status.
  absl::StatusOr<handover::v1::TransferStatusResponse> WaitForState(
      const std::string& transfer_id, handover::v1::DeliveryState state,
      absl::Duration timeout);

  // Every inbox entry, following page tokens.
  absl::StatusOr<std::vector<handover::v1::InboxEntry>> ListInbox(
      uint32_t page_size = 0);

  // Inbox entries, newest first, until `is_known` returns true for one (that
  // one and older are left out) or the inbox ends: what arrived since the
  // last look, without listing the whole inbox again.
  absl::StatusOr<std::vector<handover::v1::InboxEntry>> ListInboxNewerThan(
      const std::function<bool(const handover::v1::InboxEntry&)>& is_known,
      uint32_t page_size = 0);

  // Polls ListInbox until `transfer_id` is in it.
  absl::StatusOr<handover::v1::InboxEntry> WaitForInbox(
      const std::string& transfer_id, absl::Duration timeout);

  // Fetches into `out_dir` (created if needed): each attachment to
  // `out_dir`/NAME, written as it streams.
  absl::StatusOr<FetchedTransfer> Fetch(const std::string& transfer_id,
                                        const std::string& out_dir);

  absl::StatusOr<handover::v1::NodeInfo> GetNodeInfo();

  // A context with the deadline and the bearer token, for raw stub calls.
  std::unique_ptr<grpc::ClientContext> NewContext() const;
  handover::v1::Node::Stub& stub() { return *stub_; }

 private:
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<handover::v1::Node::Stub> stub_;
  std::string bearer_token_;
  absl::Duration call_timeout_;
};

const char* DeliveryStateName(handover::v1::DeliveryState state);

}  // namespace handover::integration

#endif  // HANDOVER_TESTS_INTEGRATION_HARNESS_NODE_CLIENT_H_

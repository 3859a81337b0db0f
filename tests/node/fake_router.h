// A stand-in Router service on loopback with real TLS (the demo
// certificates), for testing the node core's gRPC clients: it records what
// the node uploads, pushes what a test queues on the mailbox stream and
// records the node's acks. The real router is tested in tests/router and
// the whole path in tests/integration.
//
// Thread-safe: handlers run on gRPC's threads while the test reads and
// scripts through the public methods.
#ifndef HANDOVER_TESTS_NODE_FAKE_ROUTER_H_
#define HANDOVER_TESTS_NODE_FAKE_ROUTER_H_

#include <grpcpp/grpcpp.h>

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "handover/v1/router.grpc.pb.h"

namespace handover::node::testing {

struct Upload {
  std::string envelope;  // head bytes and ciphertext, as on disk
  std::vector<size_t> ciphertext_parts;  // size of each part
};

class FakeRouter final : public handover::v1::Router::Service {
 public:
  static std::unique_ptr<FakeRouter> Start();
  ~FakeRouter() override;

  std::string address() const;

  // A channel to it with the client certificate of `agency` from the demo
  // set.
  std::shared_ptr<grpc::Channel> Channel(const std::string& agency) const;

  // The answer to the next SubmitEnvelope/SubmitNotice calls, in order;
  // OK once the list is empty.
  void FailNextSubmits(std::vector<grpc::Status> statuses);
  void FailNextNotices(std::vector<grpc::Status> statuses);

  // What GetDirectory answers (a serialized SignedDirectory); UNAVAILABLE
  // until set.
  void ServeDirectory(std::string signed_directory);

  // Queues a message to push on the mailbox stream (now, or on the next).
  void Push(handover::v1::RouterMessage message);
  // Ends the current mailbox stream with UNAVAILABLE.
  void DropStream();

  std::vector<Upload> uploads();
  std::vector<handover::v1::SignedNotice> notices();
  std::vector<handover::v1::NodeHello> hellos();
  std::vector<handover::v1::Ack> acks();

  // Waits (up to 20 s) until `n` acks / hellos / notices have arrived.
  bool WaitForAcks(size_t n);
  bool WaitForHellos(size_t n);
  bool WaitForNotices(size_t n);

  grpc::Status GetDirectory(grpc::ServerContext*,
                            const handover::v1::GetDirectoryRequest*,
                            handover::v1::SignedDirectory*) override;
  grpc::Status SubmitEnvelope(
      grpc::ServerContext* context,
      grpc::ServerReader<handover::v1::EnvelopePart>* reader,
      handover::v1::SubmitEnvelopeResponse* response) override;
  grpc::Status Connect(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<handover::v1::RouterMessage,
                               handover::v1::NodeMessage>* stream) override;
  grpc::Status SubmitNotice(grpc::ServerContext* context,
                            const handover::v1::SignedNotice* notice,
                            handover::v1::SubmitNoticeResponse*) override;

 private:
  FakeRouter() = default;
  bool WaitFor(const size_t* count, size_t n);

  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;

  absl::Mutex mu_;
  std::string directory_ ABSL_GUARDED_BY(mu_);
  std::deque<grpc::Status> submit_answers_ ABSL_GUARDED_BY(mu_);
  std::deque<grpc::Status> notice_answers_ ABSL_GUARDED_BY(mu_);
  std::deque<handover::v1::RouterMessage> to_push_ ABSL_GUARDED_BY(mu_);
  bool drop_ ABSL_GUARDED_BY(mu_) = false;
  bool shutting_down_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<Upload> uploads_ ABSL_GUARDED_BY(mu_);
  std::vector<handover::v1::SignedNotice> notices_ ABSL_GUARDED_BY(mu_);
  std::vector<handover::v1::NodeHello> hellos_ ABSL_GUARDED_BY(mu_);
  std::vector<handover::v1::Ack> acks_ ABSL_GUARDED_BY(mu_);
  size_t ack_count_ ABSL_GUARDED_BY(mu_) = 0;
  size_t hello_count_ ABSL_GUARDED_BY(mu_) = 0;
  size_t notice_count_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace handover::node::testing

#endif  // HANDOVER_TESTS_NODE_FAKE_ROUTER_H_

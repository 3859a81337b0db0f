#include "fake_router.h"

#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "rpc/protocol_headers.h"
#include "rpc/server_setup.h"
#include "rpc/tls_credentials.h"
#include "tls/test_certs.h"

namespace handover::node::testing {
namespace {

namespace v1 = handover::v1;

const std::string& Certs() { return handover::testing::DemoCertsDir(); }

}  // namespace

std::unique_ptr<FakeRouter> FakeRouter::Start() {
  auto credentials = rpc::MakeServerCredentials(
      {Certs() + "/router.pem", Certs() + "/router.key", Certs() + "/ca.pem"},
      rpc::ClientCertPolicy::kRequireAndVerify);
  EXPECT_TRUE(credentials.ok()) << credentials.status();
  if (!credentials.ok()) return nullptr;
  std::unique_ptr<FakeRouter> router(new FakeRouter());
  grpc::ServerBuilder builder;
  rpc::ConfigureBuilder(&builder);
  builder.AddListeningPort("127.0.0.1:0", *credentials, &router->port_);
  builder.RegisterService(router.get());
  router->server_ = builder.BuildAndStart();
  EXPECT_NE(router->server_, nullptr);
  return router;
}

FakeRouter::~FakeRouter() {
  {
    absl::MutexLock lock(&mu_);
    shutting_down_ = true;
  }
  if (server_ != nullptr) {
    server_->Shutdown(absl::ToChronoTime(absl::Now() + absl::Seconds(2)));
  }
}

std::string FakeRouter::address() const {
  return absl::StrCat("127.0.0.1:", port_);
}

std::shared_ptr<grpc::Channel> FakeRouter::Channel(
    const std::string& agency) const {
  auto credentials = rpc::MakeChannelCredentials(
      {Certs() + "/ca.pem", Certs() + "/" + agency + ".pem",
       Certs() + "/" + agency + ".key"});
  EXPECT_TRUE(credentials.ok()) << credentials.status();
  return rpc::MakeChannel(address(), *credentials);
}

void FakeRouter::FailNextSubmits(std::vector<grpc::Status> statuses) {
  absl::MutexLock lock(&mu_);
  submit_answers_.assign(statuses.begin(), statuses.end());
}

void FakeRouter::FailNextNotices(std::vector<grpc::Status> statuses) {
  absl::MutexLock lock(&mu_);
  notice_answers_.assign(statuses.begin(), statuses.end());
}

void FakeRouter::Push(v1::RouterMessage message) {
  absl::MutexLock lock(&mu_);
  to_push_.push_back(std::move(message));
}

void FakeRouter::DropStream() {
  absl::MutexLock lock(&mu_);
  drop_ = true;
}

std::vector<Upload> FakeRouter::uploads() {
  absl::MutexLock lock(&mu_);
  return uploads_;
}
std::vector<v1::SignedNotice> FakeRouter::notices() {
  absl::MutexLock lock(&mu_);
  return notices_;
}
std::vector<v1::NodeHello> FakeRouter::hellos() {
  absl::MutexLock lock(&mu_);
  return hellos_;
}
std::vector<v1::Ack> FakeRouter::acks() {
  absl::MutexLock lock(&mu_);
  return acks_;
}

bool FakeRouter::WaitFor(const size_t* count, size_t n) {
  absl::MutexLock lock(&mu_);
  auto reached = [count, n]() { return *count >= n; };
  return mu_.AwaitWithTimeout(absl::Condition(&reached), absl::Seconds(20));
}
bool FakeRouter::WaitForAcks(size_t n) { return WaitFor(&ack_count_, n); }
bool FakeRouter::WaitForHellos(size_t n) { return WaitFor(&hello_count_, n); }
bool FakeRouter::WaitForNotices(size_t n) { return WaitFor(&notice_count_, n); }

void FakeRouter::ServeDirectory(std::string signed_directory) {
  absl::MutexLock lock(&mu_);
  directory_ = std::move(signed_directory);
}

grpc::Status FakeRouter::GetDirectory(grpc::ServerContext*,
                                      const v1::GetDirectoryRequest*,
                                      v1::SignedDirectory* reply) {
  absl::MutexLock lock(&mu_);
  if (directory_.empty() || !reply->ParseFromString(directory_)) {
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "no directory here");
  }
  return grpc::Status::OK;
}

grpc::Status FakeRouter::SubmitEnvelope(
    grpc::ServerContext*, grpc::ServerReader<v1::EnvelopePart>* reader,
    v1::SubmitEnvelopeResponse*) {
  Upload upload;
  v1::EnvelopePart part;
  while (reader->Read(&part)) {
    if (part.has_head()) {
      upload.envelope += part.head().signed_header();
      upload.envelope += part.head().signature();
      for (const std::string& w : part.head().wrapped_keys()) {
        upload.envelope += w;
      }
    } else {
      upload.envelope += part.ciphertext().data();
      upload.ciphertext_parts.push_back(part.ciphertext().data().size());
    }
  }
  absl::MutexLock lock(&mu_);
  if (!submit_answers_.empty()) {
    grpc::Status answer = submit_answers_.front();
    submit_answers_.pop_front();
    if (!answer.ok()) return answer;
  }
  uploads_.push_back(std::move(upload));
  return grpc::Status::OK;
}

grpc::Status FakeRouter::SubmitNotice(grpc::ServerContext*,
                                      const v1::SignedNotice* notice,
                                      v1::SubmitNoticeResponse*) {
  absl::MutexLock lock(&mu_);
  ++notice_count_;
  if (!notice_answers_.empty()) {
    grpc::Status answer = notice_answers_.front();
    notice_answers_.pop_front();
    if (!answer.ok()) return answer;
  }
  notices_.push_back(*notice);
  return grpc::Status::OK;
}

grpc::Status FakeRouter::Connect(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<v1::RouterMessage, v1::NodeMessage>* stream) {
  v1::NodeMessage first;
  if (!stream->Read(&first) || !first.has_hello()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "hello first");
  }
  {
    absl::MutexLock lock(&mu_);
    hellos_.push_back(first.hello());
    ++hello_count_;
    drop_ = false;
  }
  // Accepts the stream as the real router does.
  context->AddInitialMetadata(std::string(rpc::kMailboxOpenHeader), "1");
  stream->SendInitialMetadata();
  // Acks are read on their own thread while this one pushes.
  std::thread reader([this, stream] {
    v1::NodeMessage message;
    while (stream->Read(&message)) {
      if (!message.has_ack()) continue;
      absl::MutexLock lock(&mu_);
      acks_.push_back(message.ack());
      ++ack_count_;
    }
  });
  grpc::Status result = grpc::Status::OK;
  while (true) {
    v1::RouterMessage next;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return !to_push_.empty() || drop_ || shutting_down_;
      };
      mu_.AwaitWithTimeout(absl::Condition(&ready), absl::Milliseconds(50));
      if (drop_ || shutting_down_) {
        drop_ = false;
        result = grpc::Status(grpc::StatusCode::UNAVAILABLE, "dropped");
        break;
      }
      if (context->IsCancelled()) break;
      if (to_push_.empty()) continue;
      next = std::move(to_push_.front());
      to_push_.pop_front();
    }
    if (!stream->Write(next)) break;
  }
  context->TryCancel();
  reader.join();
  return result;
}

}  // namespace handover::node::testing

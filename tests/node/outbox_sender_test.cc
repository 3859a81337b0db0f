// OutboxSender against a stand-in router over real TLS: what reaches the
// router, in parts of at most 1 MiB, and how each answer moves the
// recipients' states.
#include "node/outbox_sender.h"

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "fake_router.h"
#include "gtest/gtest.h"
#include "link_fixture.h"
#include "rpc/open_stream_limiter.h"
#include "status_matchers.h"

namespace handover::node {
namespace {

using testing::kOtherId;
using testing::kSenderId;
using testing::PushedEnvelope;
namespace v1 = handover::v1;

class OutboxSenderTest : public testing::LinkFixture {
 protected:
  void SetUp() override {
    LinkFixture::SetUp();
    fake_ = testing::FakeRouter::Start();
    ASSERT_NE(fake_, nullptr);
    outbox_dir_ = dir_.path() + "/outbox";
    std::filesystem::create_directories(outbox_dir_);
  }

  std::unique_ptr<OutboxSender> NewSender(const Clock* clock) {
    OutboxSenderOptions options;
    options.clock = clock;
    options.threads = 2;
    options.retry.initial_backoff = absl::Milliseconds(20);
    options.retry.max_backoff = absl::Milliseconds(100);
    options.poll_interval = absl::Milliseconds(50);
    options.upload_timeout = absl::Seconds(20);
    return std::make_unique<OutboxSender>(
        store_.get(), fake_->Channel("greater-manchester-police"), options);
  }

  // Seals a transfer from us, writes it to the outbox and stores it.
  OutboxTransfer Queue(const std::string& plaintext, const std::string& key,
                       absl::Duration ttl = absl::Hours(24)) {
    PushedEnvelope envelope = Seal(us_, {kSenderId, kOtherId}, plaintext, ttl);
    std::string bytes =
        envelope.head.signed_header() + envelope.head.signature();
    for (const std::string& w : envelope.head.wrapped_keys()) bytes += w;
    bytes += envelope.ciphertext;
    OutboxTransfer t;
    t.transfer_id = envelope.header.transfer_id;
    t.client_name = "cms";
    t.idempotency_key = key;
    t.recipients = {kSenderId, kOtherId};
    t.created_at = absl::FromUnixSeconds(envelope.header.created_at);
    t.expires_at = absl::FromUnixSeconds(envelope.header.expires_at);
    t.envelope_path = absl::StrCat(outbox_dir_, "/",
                                   crypto::ToHex(t.transfer_id), ".envelope");
    t.envelope_size = bytes.size();
    t.ciphertext_hash = envelope.header.ciphertext_hash;
    EXPECT_OK(WriteFileAtomically(t.envelope_path, bytes, 0600));
    EXPECT_TRUE(store_->InsertOutbox(t).ok());
    envelopes_[t.transfer_id] = bytes;
    return t;
  }

  std::vector<RecipientDelivery> States(const OutboxTransfer& t) {
    auto record = store_->GetTransfer(t.transfer_id);
    EXPECT_TRUE(record.ok() && record->has_value());
    return (*record)->recipients;
  }

  void ExpectAll(const OutboxTransfer& t, DeliveryState state,
                 const std::string& reason = "") {
    for (const RecipientDelivery& r : States(t)) {
      EXPECT_EQ(r.state, state) << r.agency_id;
      EXPECT_EQ(r.reason, reason) << r.agency_id;
    }
  }

  std::unique_ptr<testing::FakeRouter> fake_;
  std::string outbox_dir_;
  std::map<std::string, std::string> envelopes_;
};

TEST_F(OutboxSenderTest, UploadsTheEnvelopeAndMovesToAtRouter) {
  OutboxTransfer t = Queue("case file", "k1");
  std::unique_ptr<OutboxSender> sender = NewSender(&clock_);
  EXPECT_EQ(sender->UploadOnce(t), UploadOutcome::kStored);
  ASSERT_EQ(fake_->uploads().size(), 1u);
  EXPECT_EQ(fake_->uploads()[0].envelope, envelopes_[t.transfer_id]);
  ExpectAll(t, v1::DELIVERY_STATE_AT_ROUTER);
  // The router holds the travelling copy now.
  EXPECT_FALSE(std::filesystem::exists(t.envelope_path));
  EXPECT_TRUE(store_->ListPendingUploads(10)->empty());
}

TEST_F(OutboxSenderTest, StreamsALargeEnvelopeInPartsOfAtMostOneMebibyte) {
  OutboxTransfer t = Queue(std::string(3 * 1024 * 1024 + 12345, 'L'), "big");
  std::unique_ptr<OutboxSender> sender = NewSender(&clock_);
  EXPECT_EQ(sender->UploadOnce(t), UploadOutcome::kStored);
  std::vector<testing::Upload> uploads = fake_->uploads();
  ASSERT_EQ(uploads.size(), 1u);
  const testing::Upload& upload = uploads[0];
  // Compared as a bool: a failure would print megabytes.
  EXPECT_TRUE(upload.envelope == envelopes_[t.transfer_id]);
  EXPECT_GE(upload.ciphertext_parts.size(), 4u);
  for (size_t part : upload.ciphertext_parts) EXPECT_LE(part, kMaxPartBytes);
}

TEST_F(OutboxSenderTest, APermanentRefusalFailsEveryRecipient) {
  OutboxTransfer t = Queue("x", "k1");
  fake_->FailNextSubmits({grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                                       "recipient agency is revoked")});
  std::unique_ptr<OutboxSender> sender = NewSender(&clock_);
  EXPECT_EQ(sender->UploadOnce(t), UploadOutcome::kFailed);
  ExpectAll(t, v1::DELIVERY_STATE_FAILED, "recipient agency is revoked");
  EXPECT_FALSE(std::filesystem::exists(t.envelope_path));
}

TEST_F(OutboxSenderTest, ATransientFailureKeepsItQueued) {
  OutboxTransfer t = Queue("x", "k1");
  fake_->FailNextSubmits(
      {grpc::Status(grpc::StatusCode::UNAVAILABLE, "router restarting")});
  std::unique_ptr<OutboxSender> sender = NewSender(&clock_);
  EXPECT_EQ(sender->UploadOnce(t), UploadOutcome::kRetry);
  ExpectAll(t, v1::DELIVERY_STATE_QUEUED);
  EXPECT_TRUE(std::filesystem::exists(t.envelope_path));
  EXPECT_EQ(sender->UploadOnce(t), UploadOutcome::kStored);
  ExpectAll(t, v1::DELIVERY_STATE_AT_ROUTER);
}

TEST_F(OutboxSenderTest, ExpiresWhatCannotReachTheRouterInTime) {
  OutboxTransfer t = Queue("x", "k1", absl::Hours(1));
  clock_.Advance(absl::Hours(1));
  std::unique_ptr<OutboxSender> sender = NewSender(&clock_);
  EXPECT_EQ(sender->UploadOnce(t), UploadOutcome::kExpired);
  ExpectAll(t, v1::DELIVERY_STATE_EXPIRED,
            "expired before reaching the router");
  EXPECT_TRUE(fake_->uploads().empty());
}

TEST_F(OutboxSenderTest, ClassifiesRouterAnswers) {
  auto status = [](absl::StatusCode code, const char* message) {
    return absl::Status(code, message);
  };
  EXPECT_TRUE(IsPermanentUploadFailure(
      status(absl::StatusCode::kResourceExhausted,
             "envelope is over the router's size limit")));
  EXPECT_FALSE(IsPermanentUploadFailure(
      status(absl::StatusCode::kResourceExhausted, "router disk is full")));
  EXPECT_FALSE(IsPermanentUploadFailure(status(
      absl::StatusCode::kResourceExhausted, "submission rate limit reached")));
  // The router's own wording when a node holds too many streams open.
  rpc::OpenStreamLimiter streams(1, "[limits] max_open_streams_per_agency");
  absl::StatusOr<rpc::OpenStreamLimiter::Slot> held = streams.Enter("a");
  ASSERT_TRUE(held.ok());
  const absl::Status too_many = streams.Enter("a").status();
  ASSERT_EQ(too_many.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_FALSE(IsPermanentUploadFailure(too_many)) << too_many;
  EXPECT_TRUE(IsPermanentUploadFailure(
      status(absl::StatusCode::kUnauthenticated, "bad signature")));
  EXPECT_TRUE(IsPermanentUploadFailure(
      status(absl::StatusCode::kFailedPrecondition, "expired")));
  EXPECT_TRUE(IsPermanentUploadFailure(
      status(absl::StatusCode::kNotFound, "unknown recipient")));
  EXPECT_FALSE(IsPermanentUploadFailure(
      status(absl::StatusCode::kDeadlineExceeded, "slow")));
  EXPECT_FALSE(
      IsPermanentUploadFailure(status(absl::StatusCode::kInternal, "oops")));
  EXPECT_FALSE(
      IsPermanentUploadFailure(status(absl::StatusCode::kAborted, "again")));
}

TEST_F(OutboxSenderTest, AMissingEnvelopeFileFailsTheTransfer) {
  OutboxTransfer t = Queue("x", "k1");
  std::filesystem::remove(t.envelope_path);
  std::unique_ptr<OutboxSender> sender = NewSender(&clock_);
  EXPECT_EQ(sender->UploadOnce(t), UploadOutcome::kFailed);
  ExpectAll(t, v1::DELIVERY_STATE_FAILED,
            "the sealed envelope is missing from the outbox");
  EXPECT_TRUE(fake_->uploads().empty());
}

// Two workers: one lists the queue, the other uploads the transfer and
// removes its file, then the first claims its stale copy of the listing.
TEST_F(OutboxSenderTest, AStaleClaimOfAnUploadedTransferChangesNothing) {
  OutboxTransfer t = Queue("x", "k1");
  std::unique_ptr<OutboxSender> sender = NewSender(&clock_);
  const OutboxTransfer stale = t;
  ASSERT_EQ(sender->UploadOnce(t), UploadOutcome::kStored);
  ASSERT_FALSE(std::filesystem::exists(t.envelope_path));
  EXPECT_EQ(sender->UploadOnce(stale), UploadOutcome::kNothingToDo);
  ExpectAll(t, v1::DELIVERY_STATE_AT_ROUTER);
  EXPECT_EQ(fake_->uploads().size(), 1u);
}

TEST_F(OutboxSenderTest, BackgroundWorkersUploadAndRetry) {
  std::unique_ptr<OutboxSender> sender = NewSender(&SystemClock::Get());
  sender->Start();
  fake_->FailNextSubmits(
      {grpc::Status(grpc::StatusCode::UNAVAILABLE, "down"),
       grpc::Status(grpc::StatusCode::UNAVAILABLE, "still down")});
  // Clock for sealing only; expiry is a day away on the system clock too.
  clock_.Set(absl::Now());
  std::vector<OutboxTransfer> queued;
  for (int i = 0; i < 5; ++i) {
    queued.push_back(Queue(absl::StrCat("case ", i), absl::StrCat("k", i)));
    sender->Notify();
  }
  for (int i = 0; i < 2000 && !store_->ListPendingUploads(10)->empty(); ++i) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  sender->Stop();
  for (const OutboxTransfer& t : queued) {
    ExpectAll(t, v1::DELIVERY_STATE_AT_ROUTER);
  }
  EXPECT_EQ(fake_->uploads().size(), 5u);
}

}  // namespace
}  // namespace handover::node

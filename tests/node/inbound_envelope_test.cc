// InboundEnvelope with real sealed envelopes and a real directory: what is
// kept, what is refused and why, and that a duplicate is kept once.
#include "node/inbound_envelope.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "crypto/opener.h"
#include "deliverylog/delivery_proof.h"
#include "deliverylog/event_recorder.h"
#include "deliverylog/sqlite_delivery_log.h"
#include "deliverylog/unwritable_log.h"
#include "gtest/gtest.h"
#include "link_fixture.h"
#include "notice/notice_signing.h"
#include "status_matchers.h"

namespace handover::node {
namespace {

using testing::CopyOf;
using testing::kOtherId;
using testing::kSenderId;
using testing::kUsId;
using testing::PushedEnvelope;
namespace v1 = handover::v1;

class InboundEnvelopeTest : public testing::LinkFixture {
 protected:
  // Pushes `envelope` in parts of `part` bytes, as the link would.
  AckOrLocalFailure Push(const PushedEnvelope& envelope, size_t part = 700) {
    InboundEnvelope inbound(context_, envelope.head);
    for (size_t at = 0; at < envelope.ciphertext.size(); at += part) {
      absl::Status appended = inbound.Append(
          absl::string_view(envelope.ciphertext).substr(at, part));
      if (!appended.ok()) return appended;
    }
    return inbound.Finish(envelope.ciphertext.size());
  }

  void ExpectRejected(const PushedEnvelope& envelope,
                      const std::string& reason) {
    AckOrLocalFailure ack = Push(envelope);
    ASSERT_TRUE(ack.ok()) << ack.status();
    EXPECT_EQ(ack->result(), v1::Ack::RESULT_REJECTED);
    EXPECT_EQ(ack->reason(), reason);
    EXPECT_TRUE(InboxFiles().empty());
    EXPECT_FALSE(*store_->InboxContains(envelope.header.transfer_id));
    EXPECT_TRUE(store_->ListDueNotices(absl::InfiniteFuture(), 10)->empty());
  }

  const std::string plaintext_ = std::string(5000, 'p');
};

TEST_F(InboundEnvelopeTest, StoresAVerifiedEnvelopeAndQueuesASignedReceipt) {
  PushedEnvelope envelope = Seal(sender_, {kOtherId, kUsId}, plaintext_);
  AckOrLocalFailure ack = Push(envelope);
  ASSERT_TRUE(ack.ok()) << ack.status();
  EXPECT_EQ(ack->result(), v1::Ack::RESULT_STORED);

  const crypto::EnvelopeHeader& h = envelope.header;
  ASSERT_OK_AND_ASSIGN(std::optional<InboxRecord> record,
                       store_->GetInbox(h.transfer_id));
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->sender_id, kSenderId);
  EXPECT_EQ(record->received_at, clock_.Now());
  EXPECT_EQ(record->created_at, absl::FromUnixSeconds(h.created_at));
  EXPECT_EQ(record->expires_at, absl::FromUnixSeconds(h.expires_at));
  EXPECT_EQ(record->content_type, h.content_type);
  EXPECT_EQ(record->ciphertext_hash, h.ciphertext_hash);
  EXPECT_EQ(record->envelope_size,
            h.CiphertextOffset() + envelope.ciphertext.size());
  EXPECT_EQ(InboxFiles(), std::vector<std::string>{absl::StrCat(
                              crypto::ToHex(h.transfer_id), ".envelope")});

  // The stored file is the whole envelope, and we can open it.
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<InputFile> file,
                       InputFile::Open(record->envelope_path));
  EXPECT_EQ(file->size(), record->envelope_size);
  crypto::OpenOptions open_options;
  open_options.clock = &clock_;
  ASSERT_OK_AND_ASSIGN(
      std::unique_ptr<crypto::EnvelopeOpener> opener,
      crypto::EnvelopeOpener::Open(file.get(), us_, sender_.public_identity(),
                                   open_options));
  std::string opened, chunk;
  while (true) {
    ASSERT_OK_AND_ASSIGN(bool last, opener->Next(&chunk));
    opened += chunk;
    if (last) break;
  }
  EXPECT_EQ(opened, plaintext_);

  // One receipt, signed by us, for the sender, naming the exact bytes.
  ASSERT_OK_AND_ASSIGN(std::vector<QueuedNotice> queued,
                       store_->ListDueNotices(clock_.Now(), 10));
  ASSERT_EQ(queued.size(), 1u);
  v1::SignedNotice signed_receipt;
  ASSERT_TRUE(signed_receipt.ParseFromString(queued[0].signed_notice));
  ASSERT_OK_AND_ASSIGN(
      v1::Notice receipt,
      notice::VerifyNotice(signed_receipt, {us_.public_identity()}));
  EXPECT_EQ(receipt.signer_id(), kUsId);
  EXPECT_EQ(receipt.addressee_id(), kSenderId);
  EXPECT_EQ(receipt.transfer_id(), h.transfer_id);
  EXPECT_EQ(receipt.receipt().ciphertext_hash(), h.ciphertext_hash);
  EXPECT_EQ(FromTimestamp(receipt.receipt().stored_at()), clock_.Now());
}

TEST_F(InboundEnvelopeTest, ADuplicateIsStoredOnce) {
  PushedEnvelope envelope = Seal(sender_, {kUsId}, plaintext_);
  ASSERT_EQ(Push(envelope)->result(), v1::Ack::RESULT_STORED);
  clock_.Advance(absl::Minutes(5));
  AckOrLocalFailure again = Push(envelope);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->result(), v1::Ack::RESULT_STORED);

  EXPECT_EQ(InboxFiles().size(), 1u);
  ASSERT_OK_AND_ASSIGN(NodeCounts counts, store_->Counts());
  EXPECT_EQ(counts.inbox_count, 1u);
  EXPECT_EQ(store_->ListDueNotices(absl::InfiniteFuture(), 10)->size(), 1u);
  // The first arrival's time stands.
  EXPECT_EQ((*store_->GetInbox(envelope.header.transfer_id))->received_at,
            clock_.Now() - absl::Minutes(5));
}

TEST_F(InboundEnvelopeTest, RejectsTamperedCiphertext) {
  PushedEnvelope envelope = Seal(sender_, {kUsId}, plaintext_);
  envelope.ciphertext[envelope.ciphertext.size() / 2] ^= 1;
  ExpectRejected(envelope,
                 "ciphertext does not match the signed length or hash");
}

TEST_F(InboundEnvelopeTest, RejectsTruncatedAndOverlongCiphertext) {
  PushedEnvelope envelope = Seal(sender_, {kUsId}, plaintext_);
  PushedEnvelope truncated = envelope;
  truncated.ciphertext.resize(truncated.ciphertext.size() - 1);
  ExpectRejected(truncated,
                 "ciphertext does not match the signed length or hash");
  PushedEnvelope overlong = envelope;
  overlong.ciphertext += "x";
  ExpectRejected(overlong, "ciphertext is longer than the header says");
}

TEST_F(InboundEnvelopeTest, RejectsASizeThatDisagreesWithTheEnd) {
  PushedEnvelope envelope = Seal(sender_, {kUsId}, plaintext_);
  InboundEnvelope inbound(context_, envelope.head);
  ASSERT_OK(inbound.Append(envelope.ciphertext));
  AckOrLocalFailure ack = inbound.Finish(envelope.ciphertext.size() + 1);
  ASSERT_TRUE(ack.ok());
  EXPECT_EQ(ack->result(), v1::Ack::RESULT_REJECTED);
  EXPECT_EQ(ack->reason(),
            "ciphertext size does not match the end of the envelope");
}

TEST_F(InboundEnvelopeTest, RejectsAnEnvelopeNotForUs) {
  ExpectRejected(Seal(sender_, {kOtherId}, plaintext_),
                 "this agency is not a recipient");
}

TEST_F(InboundEnvelopeTest, RejectsASpoofedSender) {
  // Signed by another agency's key while naming stockport-cs as sender:
  // re-sign the sender's header with the impostor's key.
  crypto::SecretIdentity impostor =
      *crypto::SecretIdentity::Generate(kSenderId);
  ExpectRejected(Seal(impostor, {kUsId}, plaintext_),
                 "sender key was not valid when it was sealed");

  PushedEnvelope forged = Seal(sender_, {kUsId}, plaintext_);
  forged.head.mutable_signature()->at(0) ^= 1;
  ExpectRejected(forged, "sender signature does not verify");
}

TEST_F(InboundEnvelopeTest, RejectsATransferInTheRoutersName) {
  // The router is in the directory with valid keys (it signs reports), so
  // its signature verifies; it still may not originate a transfer.
  ExpectRejected(Seal(router_, {kUsId}, plaintext_),
                 "the router may not send transfers");
}

TEST_F(InboundEnvelopeTest, RejectsALifetimeOverTheSendersCap) {
  // A forger holding a since-expired key dates the envelope back into the
  // key's validity and sets a far expiry; the 30-day cap refuses it.
  ExpectRejected(Seal(sender_, {kUsId}, plaintext_, absl::Hours(24 * 30 + 1)),
                 "envelope lifetime is longer than allowed");
  // Exactly the cap is what an honest sender may set.
  AckOrLocalFailure ack =
      Push(Seal(sender_, {kUsId}, plaintext_, absl::Hours(24 * 30)));
  ASSERT_TRUE(ack.ok()) << ack.status();
  EXPECT_EQ(ack->result(), v1::Ack::RESULT_STORED);
}

TEST_F(InboundEnvelopeTest, RejectsAnUnknownSender) {
  crypto::SecretIdentity stranger = *crypto::SecretIdentity::Generate("x-1");
  ExpectRejected(Seal(stranger, {kUsId}, plaintext_),
                 "sender or its key is not in the directory");
}

TEST_F(InboundEnvelopeTest, RejectsAnExpiredEnvelope) {
  PushedEnvelope envelope = Seal(sender_, {kUsId}, plaintext_, absl::Hours(1));
  clock_.Advance(absl::Hours(1));
  ExpectRejected(envelope, "envelope has expired");
}

TEST_F(InboundEnvelopeTest, RejectsAnEnvelopeFromTheFuture) {
  clock_.Advance(absl::Minutes(11));
  PushedEnvelope envelope = Seal(sender_, {kUsId}, plaintext_);
  clock_.Advance(absl::Minutes(-11));
  ExpectRejected(envelope, "envelope is dated in the future");
  // Within the allowed skew it is fine.
  clock_.Advance(absl::Minutes(9));
  PushedEnvelope near = Seal(sender_, {kUsId}, plaintext_);
  clock_.Advance(absl::Minutes(-9));
  EXPECT_EQ(Push(near)->result(), v1::Ack::RESULT_STORED);
}

TEST_F(InboundEnvelopeTest, RejectsAnEnvelopeOverTheSizeLimit) {
  context_.max_envelope_bytes = 4096;
  ExpectRejected(Seal(sender_, {kUsId}, plaintext_),
                 "envelope is over this node's size limit");
}

TEST_F(InboundEnvelopeTest, RejectsAMalformedHead) {
  PushedEnvelope envelope = Seal(sender_, {kUsId}, plaintext_);
  PushedEnvelope bad_header = envelope;
  bad_header.head.mutable_signed_header()->at(0) = 'X';
  ExpectRejected(bad_header, "malformed envelope header");
  PushedEnvelope missing_key = envelope;
  missing_key.head.clear_wrapped_keys();
  ExpectRejected(missing_key, "malformed envelope head");
}

TEST_F(InboundEnvelopeTest, RejectsAnEnvelopeSealedToAKeyWeDoNotHold) {
  PushedEnvelope envelope = Seal(sender_, {kUsId}, plaintext_);
  ASSERT_OK_AND_ASSIGN(crypto::SecretIdentity rotated,
                       crypto::SecretIdentity::Generate(kUsId));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<KeyRing> ring,
                       KeyRing::Create(std::move(rotated)));
  UseKeys(std::move(ring));
  ExpectRejected(envelope, "sealed to a key this agency does not hold");

  // Earlier keys other than the one it names do not help either.
  ASSERT_OK_AND_ASSIGN(crypto::SecretIdentity current,
                       crypto::SecretIdentity::Generate(kUsId));
  ASSERT_OK_AND_ASSIGN(crypto::SecretIdentity older,
                       crypto::SecretIdentity::Generate(kUsId));
  std::vector<crypto::SecretIdentity> previous;
  previous.push_back(std::move(older));
  ASSERT_OK_AND_ASSIGN(
      ring, KeyRing::Create(std::move(current), std::move(previous)));
  UseKeys(std::move(ring));
  ExpectRejected(envelope, "sealed to a key this agency does not hold");
}

TEST_F(InboundEnvelopeTest, StoresAnEnvelopeSealedToAPreviousKey) {
  // Sealed to the key the directory lists; the node has since moved on to a
  // new current key and keeps that one as a previous key.
  PushedEnvelope envelope = Seal(sender_, {kUsId}, plaintext_);
  ASSERT_OK_AND_ASSIGN(crypto::SecretIdentity rotated,
                       crypto::SecretIdentity::Generate(kUsId));
  const crypto::PublicIdentity rotated_public = rotated.public_identity();
  std::vector<crypto::SecretIdentity> previous;
  previous.push_back(CopyOf(us_));
  ASSERT_OK_AND_ASSIGN(
      std::unique_ptr<KeyRing> ring,
      KeyRing::Create(std::move(rotated), std::move(previous)));
  UseKeys(std::move(ring));

  AckOrLocalFailure ack = Push(envelope);
  ASSERT_TRUE(ack.ok()) << ack.status();
  EXPECT_EQ(ack->result(), v1::Ack::RESULT_STORED);
  ASSERT_OK_AND_ASSIGN(std::optional<InboxRecord> record,
                       store_->GetInbox(envelope.header.transfer_id));
  ASSERT_TRUE(record.has_value());

  // The receipt is signed with the current key, not the previous one.
  ASSERT_OK_AND_ASSIGN(std::vector<QueuedNotice> queued,
                       store_->ListDueNotices(clock_.Now(), 10));
  ASSERT_EQ(queued.size(), 1u);
  v1::SignedNotice signed_receipt;
  ASSERT_TRUE(signed_receipt.ParseFromString(queued[0].signed_notice));
  EXPECT_OK(notice::VerifyNotice(signed_receipt, {rotated_public}).status());
  EXPECT_FALSE(
      notice::VerifyNotice(signed_receipt, {us_.public_identity()}).ok());
}

// ---- The recipient's delivery log ----

// The same, with our own delivery log (a real file, signed with our key)
// behind context_.log and context_.events.
class InboundEnvelopeLogTest : public InboundEnvelopeTest {
 protected:
  void SetUp() override {
    InboundEnvelopeTest::SetUp();
    OpenLog(std::make_shared<crypto::SecretIdentity>(CopyOf(us_)));
  }

  void OpenLog(std::shared_ptr<const crypto::SecretIdentity> signer) {
    context_.log = nullptr;
    context_.events = nullptr;
    events_.reset();
    log_.reset();
    deliverylog::SqliteDeliveryLogOptions options;
    options.path = dir_.path() + "/log.db";
    options.log_id = kUsId;
    options.signer = std::move(signer);
    options.clock = &clock_;
    ASSERT_OK_AND_ASSIGN(log_, deliverylog::SqliteDeliveryLog::Open(options));
    events_ = std::make_unique<deliverylog::EventRecorder>(log_.get());
    context_.log = log_.get();
    context_.events = events_.get();
  }

  std::vector<v1::LogEntry> Entries() {
    deliverylog::LogQuery q;
    q.limit = deliverylog::kMaxPageSize;
    auto page = log_->Query(q);
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? page->entries : std::vector<v1::LogEntry>{};
  }

  // The receipts queued for senders, verified as signed by us.
  std::vector<v1::Notice> QueuedReceipts() {
    std::vector<v1::Notice> receipts;
    auto queued = store_->ListDueNotices(absl::InfiniteFuture(), 10);
    EXPECT_TRUE(queued.ok()) << queued.status();
    if (!queued.ok()) return receipts;
    for (const QueuedNotice& q : *queued) {
      v1::SignedNotice signed_notice;
      EXPECT_TRUE(signed_notice.ParseFromString(q.signed_notice));
      auto notice =
          notice::VerifyNotice(signed_notice, {us_.public_identity()});
      EXPECT_TRUE(notice.ok()) << notice.status();
      if (notice.ok()) receipts.push_back(*notice);
    }
    return receipts;
  }

  std::unique_ptr<deliverylog::SqliteDeliveryLog> log_;
  std::unique_ptr<deliverylog::EventRecorder> events_;
};

TEST_F(InboundEnvelopeLogTest, AStoredEnvelopeIsLoggedAsDelivered) {
  PushedEnvelope envelope = Seal(sender_, {kOtherId, kUsId}, plaintext_);
  ASSERT_EQ(Push(envelope)->result(), v1::Ack::RESULT_STORED);

  const crypto::EnvelopeHeader& h = envelope.header;
  ASSERT_OK_AND_ASSIGN(std::optional<InboxRecord> record,
                       store_->GetInbox(h.transfer_id));
  ASSERT_TRUE(record.has_value());
  std::vector<v1::LogEntry> entries = Entries();
  ASSERT_EQ(entries.size(), 1u);
  const v1::LogEntry& e = entries[0];
  EXPECT_EQ(e.event(), v1::LOG_EVENT_KIND_DELIVERED);
  EXPECT_EQ(e.transfer_id(), h.transfer_id);
  EXPECT_EQ(e.sender(), kSenderId);
  EXPECT_EQ(e.recipient(), kUsId);
  EXPECT_EQ(e.size(), record->envelope_size);
  EXPECT_EQ(e.envelope_hash(), h.ciphertext_hash);
  EXPECT_EQ(e.actor(), "router");
  EXPECT_EQ(FromTimestamp(e.time()), clock_.Now());
  EXPECT_EQ(events_->failures(), 0u);
}

TEST_F(InboundEnvelopeLogTest, TheReceiptCarriesAProofTheSenderCanVerify) {
  // Two deliveries, so the second's entry is not the log's first.
  PushedEnvelope first = Seal(sender_, {kUsId}, plaintext_);
  ASSERT_EQ(Push(first)->result(), v1::Ack::RESULT_STORED);
  clock_.Advance(absl::Seconds(3));
  PushedEnvelope second = Seal(sender_, {kUsId}, "another case record");
  ASSERT_EQ(Push(second)->result(), v1::Ack::RESULT_STORED);

  std::vector<v1::LogEntry> entries = Entries();
  ASSERT_EQ(entries.size(), 2u);
  std::vector<v1::Notice> receipts = QueuedReceipts();
  ASSERT_EQ(receipts.size(), 2u);
  for (const v1::Notice& notice : receipts) {
    const bool is_second = notice.transfer_id() == second.header.transfer_id;
    const PushedEnvelope& envelope = is_second ? second : first;
    const v1::LogEntry& logged = entries[is_second ? 1 : 0];
    SCOPED_TRACE(is_second ? "second" : "first");
    const v1::DeliveryReceipt& receipt = notice.receipt();
    ASSERT_TRUE(receipt.has_log_entry());
    ASSERT_TRUE(receipt.has_log_head());
    ASSERT_TRUE(receipt.has_log_inclusion());
    // The receipt's entry is the one in the log, as stored.
    EXPECT_EQ(receipt.log_entry().SerializeAsString(),
              logged.SerializeAsString());
    EXPECT_EQ(receipt.log_head().log_id(), kUsId);
    EXPECT_EQ(receipt.log_head().tree_size(), logged.index() + 1);

    // What the sender runs, with our key from the directory.
    absl::StatusOr<std::string> proven = deliverylog::VerifyDeliveryProof(
        receipt, kUsId, envelope.header.transfer_id,
        envelope.header.ciphertext_hash, {us_.public_identity()});
    ASSERT_TRUE(proven.ok()) << proven.status();
    EXPECT_NE(proven->find(absl::StrCat("entry ", logged.index(),
                                        " of a tree of ", logged.index() + 1)),
              std::string::npos)
        << *proven;
    // And it names this copy only.
    EXPECT_FALSE(deliverylog::VerifyDeliveryProof(
                     receipt, kUsId,
                     (is_second ? first : second).header.transfer_id,
                     envelope.header.ciphertext_hash, {us_.public_identity()})
                     .ok());
  }

  // Each receipt's head is stored in our log.
  ASSERT_OK_AND_ASSIGN(std::optional<v1::SignedTreeHead> latest,
                       log_->LatestTreeHead());
  ASSERT_TRUE(latest.has_value());
  EXPECT_EQ(latest->tree_size(), 2u);
}

TEST_F(InboundEnvelopeLogTest,
       AfterARotationTheProofIsSignedWithTheCurrentKey) {
  // After a rotation our log signs heads with the new key; the sender
  // checks with whatever keys the directory lists, which here is the new
  // one alongside.
  ASSERT_OK_AND_ASSIGN(crypto::SecretIdentity rotated,
                       crypto::SecretIdentity::Generate(kUsId));
  const crypto::PublicIdentity rotated_public = rotated.public_identity();
  PushedEnvelope envelope = Seal(sender_, {kUsId}, plaintext_);
  OpenLog(std::make_shared<crypto::SecretIdentity>(CopyOf(rotated)));
  std::vector<crypto::SecretIdentity> previous;
  previous.push_back(CopyOf(us_));
  ASSERT_OK_AND_ASSIGN(
      std::unique_ptr<KeyRing> ring,
      KeyRing::Create(std::move(rotated), std::move(previous)));
  UseKeys(std::move(ring));
  ASSERT_EQ(Push(envelope)->result(), v1::Ack::RESULT_STORED);

  auto queued = store_->ListDueNotices(absl::InfiniteFuture(), 10);
  ASSERT_TRUE(queued.ok() && queued->size() == 1u);
  v1::SignedNotice signed_notice;
  ASSERT_TRUE(signed_notice.ParseFromString((*queued)[0].signed_notice));
  ASSERT_OK_AND_ASSIGN(v1::Notice notice,
                       notice::VerifyNotice(signed_notice, {rotated_public}));
  EXPECT_OK(deliverylog::VerifyDeliveryProof(
                notice.receipt(), kUsId, envelope.header.transfer_id,
                envelope.header.ciphertext_hash,
                {us_.public_identity(), rotated_public})
                .status());
  absl::StatusOr<std::string> old_key_only = deliverylog::VerifyDeliveryProof(
      notice.receipt(), kUsId, envelope.header.transfer_id,
      envelope.header.ciphertext_hash, {us_.public_identity()});
  EXPECT_TRUE(absl::IsUnauthenticated(old_key_only.status()))
      << old_key_only.status();
}

TEST_F(InboundEnvelopeLogTest, ARejectedEnvelopeIsLoggedWithItsReason) {
  PushedEnvelope envelope = Seal(sender_, {kUsId}, plaintext_);
  envelope.ciphertext[envelope.ciphertext.size() / 2] ^= 1;
  ExpectRejected(envelope,
                 "ciphertext does not match the signed length or hash");

  std::vector<v1::LogEntry> entries = Entries();
  ASSERT_EQ(entries.size(), 1u);
  const v1::LogEntry& e = entries[0];
  EXPECT_EQ(e.event(), v1::LOG_EVENT_KIND_REJECTED);
  EXPECT_EQ(e.detail(), "ciphertext does not match the signed length or hash");
  EXPECT_EQ(e.transfer_id(), envelope.header.transfer_id);
  EXPECT_EQ(e.sender(), kSenderId);
  EXPECT_EQ(e.recipient(), kUsId);
  EXPECT_EQ(e.actor(), "router");
}

TEST_F(InboundEnvelopeLogTest, EachRefusalIsLoggedOnce) {
  PushedEnvelope not_for_us = Seal(sender_, {kOtherId}, plaintext_);
  ExpectRejected(not_for_us, "this agency is not a recipient");
  PushedEnvelope expired = Seal(sender_, {kUsId}, plaintext_, absl::Hours(1));
  clock_.Advance(absl::Hours(1));
  ExpectRejected(expired, "envelope has expired");

  std::vector<v1::LogEntry> entries = Entries();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].event(), v1::LOG_EVENT_KIND_REJECTED);
  EXPECT_EQ(entries[0].detail(), "this agency is not a recipient");
  EXPECT_EQ(entries[0].transfer_id(), not_for_us.header.transfer_id);
  EXPECT_EQ(entries[1].event(), v1::LOG_EVENT_KIND_REJECTED);
  EXPECT_EQ(entries[1].detail(), "envelope has expired");
  EXPECT_EQ(entries[1].transfer_id(), expired.header.transfer_id);
}

TEST_F(InboundEnvelopeLogTest, AMalformedHeadIsLoggedWithoutIds) {
  PushedEnvelope envelope = Seal(sender_, {kUsId}, plaintext_);
  envelope.head.mutable_signed_header()->at(0) = 'X';
  ExpectRejected(envelope, "malformed envelope header");
  std::vector<v1::LogEntry> entries = Entries();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].event(), v1::LOG_EVENT_KIND_REJECTED);
  EXPECT_EQ(entries[0].detail(), "malformed envelope header");
  EXPECT_EQ(entries[0].transfer_id(), "");
  EXPECT_EQ(entries[0].sender(), "");
  EXPECT_EQ(entries[0].recipient(), kUsId);
}

TEST_F(InboundEnvelopeLogTest, ADuplicateIsLoggedOnce) {
  PushedEnvelope envelope = Seal(sender_, {kUsId}, plaintext_);
  ASSERT_EQ(Push(envelope)->result(), v1::Ack::RESULT_STORED);
  clock_.Advance(absl::Minutes(5));
  ASSERT_EQ(Push(envelope)->result(), v1::Ack::RESULT_STORED);
  std::vector<v1::LogEntry> entries = Entries();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].event(), v1::LOG_EVENT_KIND_DELIVERED);
  EXPECT_EQ(FromTimestamp(entries[0].time()), clock_.Now() - absl::Minutes(5));
}

TEST_F(InboundEnvelopeLogTest, WithoutASigningKeyTheReceiptGoesWithoutProof) {
  // The log records, but cannot sign a head: the delivery still stands and
  // the receipt still goes, signed, just without the log's proof.
  OpenLog(nullptr);
  PushedEnvelope envelope = Seal(sender_, {kUsId}, plaintext_);
  ASSERT_EQ(Push(envelope)->result(), v1::Ack::RESULT_STORED);
  ASSERT_EQ(Entries().size(), 1u);
  EXPECT_EQ(Entries()[0].event(), v1::LOG_EVENT_KIND_DELIVERED);
  std::vector<v1::Notice> receipts = QueuedReceipts();
  ASSERT_EQ(receipts.size(), 1u);
  EXPECT_FALSE(receipts[0].receipt().has_log_entry());
  EXPECT_FALSE(receipts[0].receipt().has_log_head());
  EXPECT_FALSE(receipts[0].receipt().has_log_inclusion());
  EXPECT_EQ(receipts[0].receipt().ciphertext_hash(),
            envelope.header.ciphertext_hash);
}

TEST_F(InboundEnvelopeLogTest, AnUnwritableLogNeverRefusesADelivery) {
  deliverylog::testing::UnwritableLog broken;
  deliverylog::EventRecorder events(&broken);
  context_.log = &broken;
  context_.events = &events;
  PushedEnvelope envelope = Seal(sender_, {kUsId}, plaintext_);
  AckOrLocalFailure ack = Push(envelope);
  ASSERT_TRUE(ack.ok()) << ack.status();
  EXPECT_EQ(ack->result(), v1::Ack::RESULT_STORED);
  EXPECT_TRUE(*store_->InboxContains(envelope.header.transfer_id));
  EXPECT_EQ(events.failures(), 1u);
  std::vector<v1::Notice> receipts = QueuedReceipts();
  ASSERT_EQ(receipts.size(), 1u);
  EXPECT_FALSE(receipts[0].receipt().has_log_entry());

  // A refusal is answered as ever too.
  PushedEnvelope tampered = Seal(sender_, {kUsId}, plaintext_);
  tampered.ciphertext[10] ^= 1;
  AckOrLocalFailure refused = Push(tampered);
  ASSERT_TRUE(refused.ok()) << refused.status();
  EXPECT_EQ(refused->result(), v1::Ack::RESULT_REJECTED);
  EXPECT_EQ(events.failures(), 2u);
}

TEST_F(InboundEnvelopeLogTest, WithoutALogNothingIsLoggedAndNoProofIsSent) {
  context_.log = nullptr;
  context_.events = nullptr;
  PushedEnvelope envelope = Seal(sender_, {kUsId}, plaintext_);
  ASSERT_EQ(Push(envelope)->result(), v1::Ack::RESULT_STORED);
  EXPECT_TRUE(Entries().empty());
  std::vector<v1::Notice> receipts = QueuedReceipts();
  ASSERT_EQ(receipts.size(), 1u);
  EXPECT_FALSE(receipts[0].receipt().has_log_entry());
}

}  // namespace
}  // namespace handover::node

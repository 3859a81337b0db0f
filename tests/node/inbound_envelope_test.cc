// InboundEnvelope with real sealed envelopes and a real directory: what is
// kept, what is refused and why, and that a duplicate is kept once.
#include "node/inbound_envelope.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "crypto/opener.h"
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

}  // namespace
}  // namespace handover::node

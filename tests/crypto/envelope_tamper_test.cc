// Every way an envelope can be damaged or forged is rejected, each with its
// own failure reason, before any plaintext is released.
#include <sodium.h>

#include "common/byte_io.h"
#include "crypto/envelope_errors.h"
#include "crypto/identity.h"
#include "crypto/opener.h"
#include "crypto/sealer.h"
#include "crypto_test_util.h"
#include "gtest/gtest.h"
#include "status_matchers.h"

namespace handover::crypto {
namespace {

using testing::kSealTime;
using testing::OpenFromString;
using testing::PatternBytes;
using testing::SealToString;

class TamperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(sender_, SecretIdentity::Generate("stockport-cs"));
    ASSERT_OK_AND_ASSIGN(alice_, SecretIdentity::Generate("birmingham-cs"));
    ASSERT_OK_AND_ASSIGN(bob_, SecretIdentity::Generate("birmingham-health"));
    ASSERT_OK_AND_ASSIGN(
        envelope_,
        SealToString(*sender_,
                     {alice_->public_identity(), bob_->public_identity()},
                     PatternBytes(3 * kDefaultChunkSize + 100)));
    StringSource source(envelope_);
    ASSERT_OK_AND_ASSIGN(head_, ReadEnvelopeHead(&source));
  }

  // Opens `envelope` as Alice and returns the failure reason.
  EnvelopeFailure OpenAsAlice(const std::string& envelope,
                              absl::StatusCode expected_code,
                              absl::Time now = kSealTime) {
    auto opened =
        OpenFromString(envelope, *alice_, sender_->public_identity(), now);
    EXPECT_FALSE(opened.ok());
    EXPECT_EQ(opened.status().code(), expected_code) << opened.status();
    return FailureOf(opened.status());
  }

  size_t SignatureOffset() const { return head_.signed_header.size(); }
  size_t WrappedKeyOffset(size_t i) const {
    return SignatureOffset() + kSignatureBytes + i * kWrappedKeyBytes;
  }
  size_t CiphertextOffset() const { return head_.header.CiphertextOffset(); }
  size_t FrameOffset(size_t i) const {
    return CiphertextOffset() + kStreamHeaderBytes +
           i * (kFrameIndexBytes + kDefaultChunkSize + kChunkOverheadBytes);
  }
  size_t FrameSize() const {
    return kFrameIndexBytes + kDefaultChunkSize + kChunkOverheadBytes;
  }

  // Re-encrypts `plaintext_chunks` under the real content key, as a
  // malicious co-recipient who knows that key could, and splices the result
  // after the genuine head. `tags` gives each chunk's secretstream tag.
  std::string ForgeCiphertext(const std::vector<std::string>& plaintext_chunks,
                              const std::vector<unsigned char>& tags) {
    unsigned char key[kContentKeyBytes];
    EXPECT_EQ(
        crypto_box_seal_open(key,
                             reinterpret_cast<const unsigned char*>(
                                 head_.wrapped_keys[1].data()),
                             kWrappedKeyBytes,
                             reinterpret_cast<const unsigned char*>(
                                 bob_->public_identity().box_public_key.data()),
                             bob_->box_secret_key().data()),
        0);
    crypto_secretstream_xchacha20poly1305_state st;
    unsigned char ss_header[kStreamHeaderBytes];
    crypto_secretstream_xchacha20poly1305_init_push(&st, ss_header, key);
    std::string out = envelope_.substr(0, CiphertextOffset());
    out.append(reinterpret_cast<const char*>(ss_header), sizeof ss_header);
    for (size_t i = 0; i < plaintext_chunks.size(); ++i) {
      unsigned char idx[4];
      StoreU32(static_cast<uint32_t>(i), idx);
      out.append(reinterpret_cast<const char*>(idx), 4);
      std::string c(plaintext_chunks[i].size() + kChunkOverheadBytes, '\0');
      crypto_secretstream_xchacha20poly1305_push(
          &st, reinterpret_cast<unsigned char*>(c.data()), nullptr,
          reinterpret_cast<const unsigned char*>(plaintext_chunks[i].data()),
          plaintext_chunks[i].size(), nullptr, 0, tags[i]);
      out += c;
    }
    return out;
  }

  std::optional<SecretIdentity> sender_, alice_, bob_;
  std::string envelope_;
  EnvelopeHead head_;
};

TEST_F(TamperTest, GenuineEnvelopeOpens) {
  EXPECT_OK(
      OpenFromString(envelope_, *alice_, sender_->public_identity()).status());
}

TEST_F(TamperTest, TamperedHeaderFailsSignature) {
  std::string e = envelope_;
  e[kPrefixBytes + 1] ^= 0x01;  // first byte of the transfer id
  EXPECT_EQ(OpenAsAlice(e, absl::StatusCode::kUnauthenticated),
            EnvelopeFailure::kBadSignature);
}

TEST_F(TamperTest, TamperedExpiryFailsSignature) {
  // Extending the expiry is the tampering that matters most; it must not
  // survive the signature check.
  EnvelopeHeader h = head_.header;
  h.expires_at += 86400 * 365;
  ASSERT_OK_AND_ASSIGN(std::string forged, SerializeHeader(h));
  ASSERT_EQ(forged.size(), head_.signed_header.size());
  std::string e = forged + envelope_.substr(forged.size());
  EXPECT_EQ(OpenAsAlice(e, absl::StatusCode::kUnauthenticated),
            EnvelopeFailure::kBadSignature);
}

TEST_F(TamperTest, TamperedSignatureFails) {
  std::string e = envelope_;
  e[SignatureOffset() + 10] ^= 0x40;
  EXPECT_EQ(OpenAsAlice(e, absl::StatusCode::kUnauthenticated),
            EnvelopeFailure::kBadSignature);
}

TEST_F(TamperTest, TamperedWrappedKeyFails) {
  std::string e = envelope_;
  e[WrappedKeyOffset(0) + 40] ^= 0x01;
  EXPECT_EQ(OpenAsAlice(e, absl::StatusCode::kDataLoss),
            EnvelopeFailure::kBadWrappedKey);
}

TEST_F(TamperTest, SubstitutedContentKeyFailsCommitment) {
  // A co-recipient replaces Alice's wrapped key with a different key sealed
  // to her, hoping she reads something else: the commitment stops it.
  unsigned char other_key[kContentKeyBytes];
  randombytes_buf(other_key, sizeof other_key);
  unsigned char wrapped[kWrappedKeyBytes];
  crypto_box_seal(wrapped, other_key, sizeof other_key,
                  reinterpret_cast<const unsigned char*>(
                      alice_->public_identity().box_public_key.data()));
  std::string e = envelope_;
  e.replace(WrappedKeyOffset(0), kWrappedKeyBytes,
            reinterpret_cast<const char*>(wrapped), kWrappedKeyBytes);
  EXPECT_EQ(OpenAsAlice(e, absl::StatusCode::kDataLoss),
            EnvelopeFailure::kKeyCommitmentMismatch);
}

TEST_F(TamperTest, TamperedCiphertextChunkFails) {
  std::string e = envelope_;
  e[FrameOffset(1) + kFrameIndexBytes + 100] ^= 0x01;
  EXPECT_EQ(OpenAsAlice(e, absl::StatusCode::kDataLoss),
            EnvelopeFailure::kChunkAuthFailed);
}

TEST_F(TamperTest, TruncatedInsideAChunkFails) {
  std::string e = envelope_.substr(0, envelope_.size() - 7);
  EXPECT_EQ(OpenAsAlice(e, absl::StatusCode::kDataLoss),
            EnvelopeFailure::kTruncated);
}

TEST_F(TamperTest, TruncatedAtAChunkBoundaryFails) {
  std::string e = envelope_.substr(0, FrameOffset(3));  // drop the final chunk
  EXPECT_EQ(OpenAsAlice(e, absl::StatusCode::kDataLoss),
            EnvelopeFailure::kTruncated);
}

TEST_F(TamperTest, TruncatedInsideTheHeadFails) {
  std::string e = envelope_.substr(0, WrappedKeyOffset(1) + 3);
  EXPECT_EQ(OpenAsAlice(e, absl::StatusCode::kDataLoss),
            EnvelopeFailure::kTruncated);
}

TEST_F(TamperTest, ReorderedChunksFail) {
  std::string e = envelope_;
  std::string first = e.substr(FrameOffset(0), FrameSize());
  std::string second = e.substr(FrameOffset(1), FrameSize());
  e.replace(FrameOffset(0), FrameSize(), second);
  e.replace(FrameOffset(1), FrameSize(), first);
  EXPECT_EQ(OpenAsAlice(e, absl::StatusCode::kDataLoss),
            EnvelopeFailure::kChunkOutOfOrder);
}

TEST_F(TamperTest, AppendedChunkFails) {
  std::string e = envelope_ + envelope_.substr(FrameOffset(0), FrameSize());
  EXPECT_EQ(OpenAsAlice(e, absl::StatusCode::kDataLoss),
            EnvelopeFailure::kTrailingData);
}

TEST_F(TamperTest, ReEncryptedCiphertextFailsTheSignedHash) {
  // A co-recipient knows the content key and could encrypt other content
  // under it; the signed ciphertext hash makes every recipient see the same.
  std::vector<std::string> chunks(3, std::string(kDefaultChunkSize, 'X'));
  chunks.push_back(std::string(100, 'Y'));
  std::string e = ForgeCiphertext(
      chunks, {0, 0, 0, crypto_secretstream_xchacha20poly1305_TAG_FINAL});
  EXPECT_EQ(OpenAsAlice(e, absl::StatusCode::kDataLoss),
            EnvelopeFailure::kCiphertextHashMismatch);
}

TEST_F(TamperTest, EarlyFinalTagFails) {
  std::vector<std::string> chunks = {std::string(kDefaultChunkSize, 'X')};
  std::string e = ForgeCiphertext(
      chunks, {crypto_secretstream_xchacha20poly1305_TAG_FINAL});
  EXPECT_EQ(OpenAsAlice(e, absl::StatusCode::kDataLoss),
            EnvelopeFailure::kBadStreamTag);
}

TEST_F(TamperTest, MissingFinalTagFails) {
  std::vector<std::string> chunks(3, std::string(kDefaultChunkSize, 'X'));
  chunks.push_back(std::string(100, 'Y'));
  std::string e = ForgeCiphertext(chunks, {0, 0, 0, 0});
  EXPECT_EQ(OpenAsAlice(e, absl::StatusCode::kDataLoss),
            EnvelopeFailure::kBadStreamTag);
}

TEST_F(TamperTest, NonCanonicalTagFails) {
  // PUSH (or REKEY) on a middle chunk is not part of the format.
  std::vector<std::string> chunks(3, std::string(kDefaultChunkSize, 'X'));
  chunks.push_back(std::string(100, 'Y'));
  std::string e = ForgeCiphertext(
      chunks, {0, crypto_secretstream_xchacha20poly1305_TAG_PUSH, 0,
               crypto_secretstream_xchacha20poly1305_TAG_FINAL});
  EXPECT_EQ(OpenAsAlice(e, absl::StatusCode::kDataLoss),
            EnvelopeFailure::kBadStreamTag);
}

TEST_F(TamperTest, OutsiderIsNotARecipient) {
  ASSERT_OK_AND_ASSIGN(SecretIdentity outsider,
                       SecretIdentity::Generate("west-midlands-police"));
  auto opened = OpenFromString(envelope_, outsider, sender_->public_identity());
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(FailureOf(opened.status()), EnvelopeFailure::kNotARecipient);
}

TEST_F(TamperTest, RecipientWithAnotherKeyIsNotARecipient) {
  // Same agency id, different key pair: a stolen id is not enough.
  ASSERT_OK_AND_ASSIGN(SecretIdentity impostor,
                       SecretIdentity::Generate("birmingham-cs"));
  auto opened = OpenFromString(envelope_, impostor, sender_->public_identity());
  EXPECT_EQ(FailureOf(opened.status()), EnvelopeFailure::kNotARecipient);
}

TEST_F(TamperTest, WrongSenderKeyFails) {
  ASSERT_OK_AND_ASSIGN(SecretIdentity other,
                       SecretIdentity::Generate("stockport-cs"));
  auto opened = OpenFromString(envelope_, *alice_, other.public_identity());
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(FailureOf(opened.status()), EnvelopeFailure::kWrongSenderKey);
}

TEST_F(TamperTest, RecipientCannotPassItOffAsTheSendersToAThirdAgency) {
  // Alice re-signs nothing (she cannot), so she splices a third agency into
  // the recipient list: the signature no longer verifies.
  EnvelopeHeader h = head_.header;
  h.recipients[1].agency_id = "third-agency-xx";
  ASSERT_OK_AND_ASSIGN(std::string forged, SerializeHeader(h));
  std::string e = forged + envelope_.substr(head_.signed_header.size());
  auto opened = OpenFromString(e, *alice_, sender_->public_identity());
  EXPECT_EQ(FailureOf(opened.status()), EnvelopeFailure::kBadSignature);
}

TEST_F(TamperTest, ExpiredEnvelopeFails) {
  const absl::Time after = absl::FromUnixSeconds(head_.header.expires_at);
  EXPECT_EQ(
      OpenAsAlice(envelope_, absl::StatusCode::kFailedPrecondition, after),
      EnvelopeFailure::kExpired);
}

TEST_F(TamperTest, EnvelopeFromTheFutureFails) {
  const absl::Time before = kSealTime - absl::Minutes(11);
  EXPECT_EQ(
      OpenAsAlice(envelope_, absl::StatusCode::kFailedPrecondition, before),
      EnvelopeFailure::kNotYetValid);
  // Within the ten-minute skew allowance it opens.
  EXPECT_OK(OpenFromString(envelope_, *alice_, sender_->public_identity(),
                           kSealTime - absl::Minutes(9))
                .status());
}

TEST_F(TamperTest, UnknownFormatVersionFails) {
  std::string e = envelope_;
  e[kEnvelopeMagic.size()] = 2;
  EXPECT_EQ(OpenAsAlice(e, absl::StatusCode::kInvalidArgument),
            EnvelopeFailure::kUnknownVersion);
}

TEST_F(TamperTest, NotAnEnvelopeFails) {
  EXPECT_EQ(OpenAsAlice("{\"json\": true}", absl::StatusCode::kInvalidArgument),
            EnvelopeFailure::kNotAnEnvelope);
  EXPECT_EQ(OpenAsAlice("", absl::StatusCode::kInvalidArgument),
            EnvelopeFailure::kNotAnEnvelope);
}

TEST_F(TamperTest, OversizedHeaderIsRefusedBeforeReading) {
  std::string e = envelope_.substr(0, kPrefixBytes);
  unsigned char len[4];
  StoreU32(kMaxHeaderBytes + 1, len);
  e.replace(9, 4, reinterpret_cast<const char*>(len), 4);
  EXPECT_EQ(OpenAsAlice(e, absl::StatusCode::kResourceExhausted),
            EnvelopeFailure::kHeaderTooLarge);
}

TEST_F(TamperTest, MalformedHeaderFails) {
  // A header length that leaves the recipient list cut short.
  std::string e = envelope_;
  const uint32_t shorter =
      static_cast<uint32_t>(head_.signed_header.size() - kPrefixBytes - 5);
  unsigned char len[4];
  StoreU32(shorter, len);
  e.replace(9, 4, reinterpret_cast<const char*>(len), 4);
  EXPECT_EQ(OpenAsAlice(e, absl::StatusCode::kInvalidArgument),
            EnvelopeFailure::kMalformedHeader);
}

}  // namespace
}  // namespace handover::crypto

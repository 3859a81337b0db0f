// CiphertextVerifier checks a sealed envelope's ciphertext against the signed
// header without any key, however the bytes are split up.
#include "crypto/ciphertext_verifier.h"

#include <string>

#include "crypto/envelope_errors.h"
#include "crypto/identity.h"
#include "crypto/opener.h"
#include "crypto_test_util.h"
#include "gtest/gtest.h"
#include "status_matchers.h"

namespace handover::crypto {
namespace {

using testing::PatternBytes;
using testing::SealToString;

struct Sealed {
  EnvelopeHeader header;
  std::string ciphertext;
};

// Seals `size` bytes with a small chunk size, so several frames follow the
// stream header, and splits the envelope into its header and ciphertext.
Sealed SealAndSplit(size_t size) {
  Sealed out;
  auto sender = SecretIdentity::Generate("stockport-cs");
  auto recipient = SecretIdentity::Generate("manchester-cs");
  EXPECT_TRUE(sender.ok() && recipient.ok());
  if (!sender.ok() || !recipient.ok()) return out;
  SealOptions options;
  options.chunk_size = kMinChunkSize;
  auto envelope = SealToString(*sender, {recipient->public_identity()},
                               PatternBytes(size), options);
  EXPECT_TRUE(envelope.ok()) << envelope.status();
  if (!envelope.ok()) return out;
  StringSource source(*envelope);
  auto head = ReadEnvelopeHead(&source);
  EXPECT_TRUE(head.ok()) << head.status();
  if (!head.ok()) return out;
  out.header = head->header;
  out.ciphertext = envelope->substr(out.header.CiphertextOffset());
  EXPECT_EQ(out.ciphertext.size(), out.header.CiphertextSize());
  return out;
}

// Feeds `ciphertext` in pieces of 1, 2, 3, ... bytes, wrapping at 97, so
// piece boundaries land everywhere relative to frames.
absl::Status FeedInOddPieces(CiphertextVerifier* verifier,
                             absl::string_view ciphertext) {
  size_t piece = 1;
  while (!ciphertext.empty()) {
    const size_t take = std::min(piece, ciphertext.size());
    RETURN_IF_ERROR(verifier->Update(ciphertext.substr(0, take)));
    ciphertext.remove_prefix(take);
    piece = piece % 97 + 1;
  }
  return absl::OkStatus();
}

TEST(CiphertextVerifierTest, AcceptsTheSealedCiphertextInOddPieces) {
  for (size_t size : {size_t{0}, size_t{1}, size_t{kMinChunkSize},
                      size_t{5 * kMinChunkSize + 17}}) {
    SCOPED_TRACE(::testing::Message() << "plaintext size " << size);
    Sealed sealed = SealAndSplit(size);
    CiphertextVerifier verifier(sealed.header);
    ASSERT_OK(FeedInOddPieces(&verifier, sealed.ciphertext));
    EXPECT_EQ(verifier.bytes_seen(), sealed.ciphertext.size());
    EXPECT_OK(verifier.Finish());
  }
}

TEST(CiphertextVerifierTest, AcceptsTheCiphertextInOnePiece) {
  Sealed sealed = SealAndSplit(3000);
  CiphertextVerifier verifier(sealed.header);
  ASSERT_OK(verifier.Update(sealed.ciphertext));
  EXPECT_OK(verifier.Finish());
}

TEST(CiphertextVerifierTest, RefusesAnyFlippedByte) {
  Sealed sealed = SealAndSplit(2 * kMinChunkSize + 5);
  // The stream header, a frame index, the middle and the last byte.
  for (size_t at : {size_t{0}, kStreamHeaderBytes, sealed.ciphertext.size() / 2,
                    sealed.ciphertext.size() - 1}) {
    std::string tampered = sealed.ciphertext;
    tampered[at] ^= 0x01;
    CiphertextVerifier verifier(sealed.header);
    ASSERT_OK(FeedInOddPieces(&verifier, tampered));
    absl::Status status = verifier.Finish();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << at;
    EXPECT_EQ(FailureOf(status), EnvelopeFailure::kCiphertextHashMismatch)
        << at;
  }
}

TEST(CiphertextVerifierTest, RefusesATruncatedCiphertext) {
  Sealed sealed = SealAndSplit(2 * kMinChunkSize);
  CiphertextVerifier verifier(sealed.header);
  ASSERT_OK(
      FeedInOddPieces(&verifier, absl::string_view(sealed.ciphertext)
                                     .substr(0, sealed.ciphertext.size() - 1)));
  absl::Status status = verifier.Finish();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FailureOf(status), EnvelopeFailure::kTruncated);
}

TEST(CiphertextVerifierTest, RefusesExtraBytesAtUpdate) {
  Sealed sealed = SealAndSplit(100);
  CiphertextVerifier verifier(sealed.header);
  ASSERT_OK(verifier.Update(sealed.ciphertext));
  absl::Status status = verifier.Update("x");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FailureOf(status), EnvelopeFailure::kTrailingData);
  EXPECT_EQ(verifier.bytes_seen(), sealed.ciphertext.size());
  // The failure sticks: the stream is not accepted afterwards.
  EXPECT_FALSE(verifier.Finish().ok());
}

TEST(CiphertextVerifierTest, RefusesAnOverlongPieceEvenWhenItEndsTheStream) {
  Sealed sealed = SealAndSplit(100);
  CiphertextVerifier verifier(sealed.header);
  EXPECT_EQ(FailureOf(verifier.Update(sealed.ciphertext + "tail")),
            EnvelopeFailure::kTrailingData);
  EXPECT_EQ(verifier.bytes_seen(), 0u);
}

TEST(CiphertextVerifierTest, RefusesCiphertextFromAnotherEnvelope) {
  Sealed first = SealAndSplit(500);
  Sealed second = SealAndSplit(500);  // same length, different keys
  ASSERT_EQ(first.ciphertext.size(), second.ciphertext.size());
  CiphertextVerifier verifier(first.header);
  ASSERT_OK(verifier.Update(second.ciphertext));
  EXPECT_EQ(FailureOf(verifier.Finish()),
            EnvelopeFailure::kCiphertextHashMismatch);
}

TEST(CiphertextVerifierTest, FinishTwiceFails) {
  Sealed sealed = SealAndSplit(10);
  CiphertextVerifier verifier(sealed.header);
  ASSERT_OK(verifier.Update(sealed.ciphertext));
  ASSERT_OK(verifier.Finish());
  EXPECT_EQ(verifier.Finish().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(verifier.Update("").code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace handover::crypto

// Seal then open, for payload sizes across chunk boundaries and for one and
// five recipients.
#include <tuple>

#include "crypto/identity.h"
#include "crypto/opener.h"
#include "crypto/sealer.h"
#include "crypto_test_util.h"
#include "gtest/gtest.h"
#include "status_matchers.h"

namespace handover::crypto {
namespace {

using testing::OpenFromString;
using testing::PatternBytes;
using testing::SealToString;

constexpr size_t kChunk = kDefaultChunkSize;

class RoundTripTest : public ::testing::TestWithParam<std::tuple<size_t, int>> {
};

TEST_P(RoundTripTest, EveryRecipientRecoversThePlaintext) {
  const auto [size, recipient_count] = GetParam();
  ASSERT_OK_AND_ASSIGN(SecretIdentity sender,
                       SecretIdentity::Generate("stockport-cs"));
  std::vector<SecretIdentity> recipients;
  std::vector<PublicIdentity> to;
  for (int i = 0; i < recipient_count; ++i) {
    ASSERT_OK_AND_ASSIGN(SecretIdentity r, SecretIdentity::Generate(
                                               "agency-" + std::to_string(i)));
    to.push_back(r.public_identity());
    recipients.push_back(std::move(r));
  }
  const std::string plaintext = PatternBytes(size);
  ASSERT_OK_AND_ASSIGN(std::string envelope,
                       SealToString(sender, to, plaintext));

  StringSource source(envelope);
  ASSERT_OK_AND_ASSIGN(EnvelopeHead head, ReadEnvelopeHead(&source));
  EXPECT_EQ(head.header.plaintext_size, size);
  EXPECT_EQ(envelope.size(),
            head.header.CiphertextOffset() + head.header.CiphertextSize());
  EXPECT_EQ(head.header.ChunkCount(), size / kChunk + 1);

  for (const SecretIdentity& r : recipients) {
    ASSERT_OK_AND_ASSIGN(std::string opened,
                         OpenFromString(envelope, r, sender.public_identity()));
    EXPECT_EQ(opened.size(), plaintext.size()) << r.agency_id();
    EXPECT_TRUE(opened == plaintext) << r.agency_id();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Sizes, RoundTripTest,
    ::testing::Combine(::testing::Values(size_t{0}, size_t{1}, kChunk - 1,
                                         kChunk, kChunk + 1, 2 * kChunk,
                                         size_t{1} << 20, size_t{10} << 20),
                       ::testing::Values(1, 5)));

TEST(RoundTrip, SmallChunkSizeAndManyChunks) {
  ASSERT_OK_AND_ASSIGN(SecretIdentity sender, SecretIdentity::Generate("a"));
  ASSERT_OK_AND_ASSIGN(SecretIdentity r, SecretIdentity::Generate("b"));
  SealOptions options;
  options.chunk_size = kMinChunkSize;
  const std::string plaintext = PatternBytes(kMinChunkSize * 300 + 5);
  ASSERT_OK_AND_ASSIGN(
      std::string envelope,
      SealToString(sender, {r.public_identity()}, plaintext, options));
  ASSERT_OK_AND_ASSIGN(std::string opened,
                       OpenFromString(envelope, r, sender.public_identity()));
  EXPECT_TRUE(opened == plaintext);
}

TEST(RoundTrip, HeaderRecordsWhatWasSealed) {
  ASSERT_OK_AND_ASSIGN(SecretIdentity sender,
                       SecretIdentity::Generate("stockport-cs"));
  ASSERT_OK_AND_ASSIGN(SecretIdentity r1, SecretIdentity::Generate("bham-cs"));
  ASSERT_OK_AND_ASSIGN(SecretIdentity r2,
                       SecretIdentity::Generate("bham-hlth"));
  SealOptions options;
  options.transfer_id = std::string(16, '\x42');
  options.time_to_live = absl::Hours(2);
  ASSERT_OK_AND_ASSIGN(
      std::string envelope,
      SealToString(sender, {r1.public_identity(), r2.public_identity()},
                   "hello", options));
  StringSource source(envelope);
  ASSERT_OK_AND_ASSIGN(EnvelopeHead head, ReadEnvelopeHead(&source));
  const EnvelopeHeader& h = head.header;
  EXPECT_EQ(h.transfer_id, options.transfer_id);
  EXPECT_EQ(h.sender_id, "stockport-cs");
  EXPECT_EQ(h.sender_key_id, sender.public_identity().sign_key_id());
  EXPECT_EQ(h.created_at, absl::ToUnixSeconds(testing::kSealTime));
  EXPECT_EQ(h.expires_at, h.created_at + 7200);
  EXPECT_EQ(h.content_type, kCaseBundleContentType);
  ASSERT_EQ(h.recipients.size(), 2u);
  EXPECT_EQ(h.recipients[0].agency_id, "bham-cs");
  EXPECT_EQ(h.recipients[1].box_key_id, r2.public_identity().box_key_id());
  EXPECT_EQ(head.wrapped_keys.size(), 2u);
}

TEST(RoundTrip, FreshTransferIdsAndKeysEachTime) {
  ASSERT_OK_AND_ASSIGN(SecretIdentity sender, SecretIdentity::Generate("a"));
  ASSERT_OK_AND_ASSIGN(SecretIdentity r, SecretIdentity::Generate("b"));
  ASSERT_OK_AND_ASSIGN(std::string e1,
                       SealToString(sender, {r.public_identity()}, "same"));
  ASSERT_OK_AND_ASSIGN(std::string e2,
                       SealToString(sender, {r.public_identity()}, "same"));
  StringSource s1(e1), s2(e2);
  ASSERT_OK_AND_ASSIGN(EnvelopeHead h1, ReadEnvelopeHead(&s1));
  ASSERT_OK_AND_ASSIGN(EnvelopeHead h2, ReadEnvelopeHead(&s2));
  EXPECT_NE(h1.header.transfer_id, h2.header.transfer_id);
  EXPECT_NE(h1.header.key_commitment, h2.header.key_commitment);
}

TEST(SealerArguments, RejectsBadRecipientLists) {
  ASSERT_OK_AND_ASSIGN(SecretIdentity sender, SecretIdentity::Generate("a"));
  ASSERT_OK_AND_ASSIGN(SecretIdentity r, SecretIdentity::Generate("b"));
  StringSink sink;
  SealOptions options;
  EXPECT_EQ(EnvelopeSealer::Create(sender, {}, options, &sink).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      EnvelopeSealer::Create(sender, {r.public_identity(), r.public_identity()},
                             options, &sink)
          .status()
          .code(),
      absl::StatusCode::kInvalidArgument);
  std::vector<PublicIdentity> too_many(kMaxRecipients + 1, r.public_identity());
  for (size_t i = 0; i < too_many.size(); ++i) {
    too_many[i].agency_id = "r" + std::to_string(i);
  }
  EXPECT_EQ(
      EnvelopeSealer::Create(sender, too_many, options, &sink).status().code(),
      absl::StatusCode::kInvalidArgument);
  options.content_type = "bad type with spaces";
  EXPECT_EQ(
      EnvelopeSealer::Create(sender, {r.public_identity()}, options, &sink)
          .status()
          .code(),
      absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace handover::crypto

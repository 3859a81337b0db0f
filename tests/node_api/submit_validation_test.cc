// Request checks for SubmitTransfer: idempotency keys, recipients against
// the directory, time to live, attachment descriptors and the size
// estimate.
#include "node/api/submit_validation.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "node/api/transfer_id_hex.h"
#include "node_api/node_api_test_util.h"

namespace handover::node::api {
namespace {

using ::testing::HasSubstr;
using testing::Identity;
using testing::kNotYetLiveId;
using testing::kNow;
using testing::kOwnId;
using testing::kPeerId;
using testing::kPoliceId;
using testing::kRevokedId;
using testing::MinimalBundle;
using ::testing::Not;
using testing::TestDirectoryView;

google::protobuf::RepeatedPtrField<std::string> Ids(
    std::initializer_list<std::string> ids) {
  google::protobuf::RepeatedPtrField<std::string> out;
  for (const std::string& id : ids) *out.Add() = id;
  return out;
}

absl::StatusCode RecipientsCode(std::initializer_list<std::string> ids) {
  return ResolveRecipients(Ids(ids), *TestDirectoryView(), kOwnId, kNow)
      .status()
      .code();
}

TEST(IdempotencyKeyTest, AcceptsOneTo128PrintableCharacters) {
  EXPECT_TRUE(ValidateIdempotencyKey("a").ok());
  EXPECT_TRUE(ValidateIdempotencyKey("case-123 / move 2026-01-02 ~!").ok());
  EXPECT_TRUE(ValidateIdempotencyKey(std::string(128, 'k')).ok());
}

TEST(IdempotencyKeyTest, RefusesEmptyLongAndNonPrintable) {
  EXPECT_EQ(ValidateIdempotencyKey("").code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateIdempotencyKey(std::string(129, 'k')).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateIdempotencyKey("tab\there").code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateIdempotencyKey("del\x7f").code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateIdempotencyKey("caf\xc3\xa9").code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateIdempotencyKey(std::string("nul\0x", 5)).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(IdempotencyKeyTest, MessageDoesNotEchoTheKey) {
  absl::Status s = ValidateIdempotencyKey("secret-case-ref\n");
  EXPECT_THAT(s.message(), Not(HasSubstr("secret-case-ref")));
}

TEST(RecipientsTest, ResolvesEachRecipientsCurrentKeyInOrder) {
  absl::StatusOr<std::vector<crypto::PublicIdentity>> keys = ResolveRecipients(
      Ids({kPoliceId, kPeerId}), *TestDirectoryView(), kOwnId, kNow);
  ASSERT_TRUE(keys.ok()) << keys.status();
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_EQ((*keys)[0].agency_id, kPoliceId);
  EXPECT_EQ((*keys)[0].box_public_key,
            Identity(kPoliceId).public_identity().box_public_key);
  EXPECT_EQ((*keys)[1].agency_id, kPeerId);
}

TEST(RecipientsTest, RefusesEachBrokenRule) {
  EXPECT_EQ(RecipientsCode({}), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(RecipientsCode({kPeerId, kPeerId}),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(RecipientsCode({kOwnId}), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(RecipientsCode({"Not An Id"}), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(RecipientsCode({"nobody-here"}), absl::StatusCode::kNotFound);
  EXPECT_EQ(RecipientsCode({kPeerId, kRevokedId}),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(RecipientsCode({kNotYetLiveId}),
            absl::StatusCode::kFailedPrecondition);
}

TEST(RecipientsTest, RefusesMoreThanTheFormatAllows) {
  google::protobuf::RepeatedPtrField<std::string> many;
  for (int i = 0; i < 65; ++i) *many.Add() = "agency-" + std::to_string(i);
  EXPECT_EQ(ResolveRecipients(many, *TestDirectoryView(), kOwnId, kNow)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(TimeToLiveTest, ZeroIsFiveDaysAndTheRangeIsOneSecondToThirtyDays) {
  EXPECT_EQ(*ResolveTimeToLive(0), absl::Hours(24 * 5));
  EXPECT_EQ(*ResolveTimeToLive(1), absl::Seconds(1));
  EXPECT_EQ(*ResolveTimeToLive(30 * 86400), absl::Hours(24 * 30));
  EXPECT_EQ(ResolveTimeToLive(30 * 86400 + 1).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ResolveTimeToLive(UINT64_MAX).status().code(),
            absl::StatusCode::kInvalidArgument);
}

google::protobuf::RepeatedPtrField<handover::v1::AttachmentDescriptor>
Descriptors(std::initializer_list<std::pair<std::string, uint64_t>> items) {
  google::protobuf::RepeatedPtrField<handover::v1::AttachmentDescriptor> out;
  for (const auto& [name, size] : items) {
    handover::v1::AttachmentDescriptor* d = out.Add();
    d->set_name(name);
    d->set_size(size);
  }
  return out;
}

TEST(AttachmentPlanTest, FillsTheDefaultMediaType) {
  auto d = Descriptors({{"a.pdf", 10}, {"b.jpg", 0}});
  d[1].set_media_type("image/jpeg");
  absl::StatusOr<std::vector<AttachmentPlan>> plan = PlanAttachments(d, 5);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ((*plan)[0].media_type, "application/octet-stream");
  EXPECT_EQ((*plan)[1].media_type, "image/jpeg");
  EXPECT_EQ((*plan)[0].size, 10u);
}

TEST(AttachmentPlanTest, RefusesTooManyUnsafeAndRepeatedNames) {
  EXPECT_EQ(
      PlanAttachments(Descriptors({{"a", 1}, {"b", 1}}), 1).status().code(),
      absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(
      PlanAttachments(Descriptors({{"../etc/passwd", 1}}), 5).status().code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(PlanAttachments(Descriptors({{".hidden", 1}}), 5).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      PlanAttachments(Descriptors({{"a", 1}, {"a", 2}}), 5).status().code(),
      absl::StatusCode::kInvalidArgument);
  auto d = Descriptors({{"a", 1}});
  d[0].set_media_type("bad\ntype");
  EXPECT_EQ(PlanAttachments(d, 5).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(AttachmentPlanTest, MessagesDoNotEchoNames) {
  absl::Status s =
      PlanAttachments(Descriptors({{"Jane Doe/report.pdf", 1}}), 5).status();
  EXPECT_THAT(s.message(), Not(HasSubstr("Jane")));
}

TEST(CompleteBundleAttachmentsTest, KeepsLabelsAndFillsSizes) {
  handover::v1::CaseBundle bundle = MinimalBundle();
  handover::v1::Attachment* listed = bundle.add_attachments();
  listed->set_name("plan.pdf");
  listed->set_label("care-plan");
  listed->set_size_bytes(999);
  std::vector<AttachmentPlan> plan = {{"photo.jpg", "image/jpeg", 5},
                                      {"plan.pdf", "application/pdf", 7}};
  ASSERT_TRUE(CompleteBundleAttachments(plan, &bundle).ok());
  ASSERT_EQ(bundle.attachments_size(), 2);
  EXPECT_EQ(bundle.attachments(0).name(), "photo.jpg");
  EXPECT_EQ(bundle.attachments(0).label(), "attachment");
  EXPECT_EQ(bundle.attachments(1).label(), "care-plan");
  EXPECT_EQ(bundle.attachments(1).size_bytes(), 7u);
  EXPECT_EQ(bundle.attachments(1).media_type(), "application/pdf");
}

TEST(CompleteBundleAttachmentsTest, RefusesAListedAttachmentWithNoData) {
  handover::v1::CaseBundle bundle = MinimalBundle();
  bundle.add_attachments()->set_name("missing.pdf");
  EXPECT_EQ(CompleteBundleAttachments({}, &bundle).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(EstimateEnvelopeTest, GrowsWithDeclaredSizesAndRefusesOverflow) {
  std::vector<crypto::PublicIdentity> recipients = {
      Identity(kPeerId).public_identity()};
  absl::StatusOr<EnvelopeEstimate> small =
      EstimateEnvelope(100, {}, kOwnId, recipients, "t", 65536);
  ASSERT_TRUE(small.ok());
  absl::StatusOr<EnvelopeEstimate> big = EstimateEnvelope(
      100, {{"a", "x/y", uint64_t{1} << 30}}, kOwnId, recipients, "t", 65536);
  ASSERT_TRUE(big.ok());
  EXPECT_GT(big->envelope_bytes, small->envelope_bytes + (uint64_t{1} << 30));
  EXPECT_EQ(EstimateEnvelope(100, {{"a", "x/y", UINT64_MAX}}, kOwnId,
                             recipients, "t", 65536)
                .status()
                .code(),
            absl::StatusCode::kResourceExhausted);
}

TEST(TransferIdHexTest, RoundTripsAndIsStrict) {
  const std::string id(
      "\x00\x01\xab\xff\x10\x20\x30\x40\x50\x60\x70\x80\x90"
      "\xa0\xb0\xc0",
      16);
  const std::string hex = TransferIdToHex(id);
  EXPECT_EQ(hex, "0001abff102030405060708090a0b0c0");
  EXPECT_EQ(*TransferIdFromHex(hex), id);
  EXPECT_FALSE(TransferIdFromHex("0001ABFF102030405060708090a0b0c0").ok());
  EXPECT_FALSE(TransferIdFromHex("0001abff").ok());
  EXPECT_FALSE(TransferIdFromHex(hex + "00").ok());
  EXPECT_FALSE(TransferIdFromHex("zz01abff102030405060708090a0b0c0").ok());
}

}  // namespace
}  // namespace handover::node::api

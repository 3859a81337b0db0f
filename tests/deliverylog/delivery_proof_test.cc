// AttachDeliveryProof and VerifyDeliveryProof with a real recipient log: a
// proof as the recipient attaches it checks out, and every way of bending
// it (the entry, the head, the proof, the names) is caught.
#include "deliverylog/delivery_proof.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "auditlog/merkle.h"
#include "deliverylog/event_recorder.h"
#include "deliverylog/log_entry_codec.h"
#include "deliverylog/tree_head.h"
#include "gtest/gtest.h"
#include "log_test_util.h"
#include "status_matchers.h"

namespace handover::deliverylog {
namespace {

namespace v1 = handover::v1;
using testing::LogFixture;
using testing::SampleEntry;
using testing::TransferId;

constexpr char kSender[] = "gmp";

// Unauthenticated or InvalidArgument: the proof does not check out.
bool Refused(const absl::StatusOr<std::string>& verified) {
  return absl::IsUnauthenticated(verified.status()) ||
         absl::IsInvalidArgument(verified.status());
}

// The recipient is the log fixture's agency (stockport-cs). Its log holds
// some earlier events, the DELIVERED entry, and some later ones, so the
// entry sits inside the tree and its proof has several hashes.
class DeliveryProofTest : public LogFixture {
 protected:
  void SetUp() override {
    LogFixture::SetUp();
    AppendRange(0, 5);
    clock_.Advance(absl::Seconds(1));
    LogEvent delivered(v1::LOG_EVENT_KIND_DELIVERED);
    delivered.Transfer(transfer_id_)
        .Sender(kSender)
        .Recipient(kLogId)
        .Size(4242)
        .EnvelopeHash(hash_)
        .Actor("router")
        .Time(clock_.Now());
    ASSERT_OK_AND_ASSIGN(uint64_t index, log_->Append(delivered.entry()));
    ASSERT_EQ(index, 5u);
    entry_ = delivered.entry();
    entry_.set_index(index);
    AppendRange(6, 8);
    clock_.Advance(absl::Seconds(1));
    ASSERT_OK(AttachDeliveryProof(*log_, entry_, &receipt_));
  }

  absl::StatusOr<std::string> Verify(const v1::DeliveryReceipt& receipt) {
    return VerifyDeliveryProof(receipt, kLogId, transfer_id_, hash_, Keys());
  }

  absl::StatusOr<std::unique_ptr<SqliteDeliveryLog>> OpenLog(
      absl::string_view file, absl::string_view log_id,
      std::shared_ptr<const crypto::SecretIdentity> signer) {
    SqliteDeliveryLogOptions options;
    options.path = absl::StrCat(dir_.path(), "/", file);
    options.log_id = std::string(log_id);
    options.signer = std::move(signer);
    options.clock = &clock_;
    return SqliteDeliveryLog::Open(options);
  }

  crypto::SecretIdentity NewIdentity(absl::string_view agency) {
    auto id = crypto::SecretIdentity::Generate(agency);
    EXPECT_TRUE(id.ok()) << id.status();
    return *std::move(id);
  }

  const std::string transfer_id_ = TransferId(20);
  const std::string hash_ = std::string(kEnvelopeHashBytes, '\x5a');
  v1::LogEntry entry_;
  v1::DeliveryReceipt receipt_;
};

TEST_F(DeliveryProofTest, AnAttachedProofVerifies) {
  EXPECT_EQ(receipt_.log_entry().SerializeAsString(),
            entry_.SerializeAsString());
  EXPECT_EQ(receipt_.log_head().tree_size(), 8u);
  EXPECT_EQ(receipt_.log_head().log_id(), kLogId);
  EXPECT_EQ(receipt_.log_inclusion().leaf_index(), 5u);
  EXPECT_EQ(receipt_.log_inclusion().tree_size(), 8u);
  EXPECT_EQ(receipt_.log_inclusion().hashes_size(), 3);

  ASSERT_OK_AND_ASSIGN(std::string line, Verify(receipt_));
  EXPECT_TRUE(absl::StartsWith(line, "entry 5 of a tree of 8 signed at "))
      << line;
  EXPECT_TRUE(absl::EndsWith(line, TreeHeadTimeText(receipt_.log_head())))
      << line;
}

TEST_F(DeliveryProofTest, AttachingSignsAndStoresAFreshHead) {
  ASSERT_OK_AND_ASSIGN(std::optional<v1::SignedTreeHead> latest,
                       log_->LatestTreeHead());
  ASSERT_TRUE(latest.has_value());
  EXPECT_EQ(latest->SerializeAsString(),
            receipt_.log_head().SerializeAsString());
  EXPECT_EQ(TimestampMicros(latest->timestamp()),
            absl::ToUnixMicros(clock_.Now()));
}

TEST_F(DeliveryProofTest, TheEntryAsTheLogStoredItVerifies) {
  // What a sender might rebuild from the recipient's export: the entry as
  // queried back from the log, not as the recorder built it.
  LogQuery q;
  q.transfer_id = transfer_id_;
  ASSERT_OK_AND_ASSIGN(LogPage page, log_->Query(q));
  ASSERT_EQ(page.entries.size(), 1u);
  v1::DeliveryReceipt receipt = receipt_;
  *receipt.mutable_log_entry() = page.entries[0];
  EXPECT_OK(Verify(receipt).status());
}

TEST_F(DeliveryProofTest, AnAttachFailureLeavesTheReceiptUntouched) {
  v1::DeliveryReceipt receipt;
  receipt.set_ciphertext_hash(hash_);
  v1::LogEntry beyond = entry_;
  beyond.set_index(99);  // not in the log
  EXPECT_FALSE(AttachDeliveryProof(*log_, beyond, &receipt).ok());
  EXPECT_FALSE(receipt.has_log_entry());
  EXPECT_FALSE(receipt.has_log_head());
  EXPECT_FALSE(receipt.has_log_inclusion());
  EXPECT_TRUE(absl::IsNotFound(Verify(receipt).status()));
}

TEST_F(DeliveryProofTest, AReceiptWithoutProofIsNotFound) {
  v1::DeliveryReceipt receipt;
  receipt.set_ciphertext_hash(hash_);
  absl::StatusOr<std::string> verified = Verify(receipt);
  EXPECT_TRUE(absl::IsNotFound(verified.status())) << verified.status();
}

TEST_F(DeliveryProofTest, AReceiptWithAnEntryButNoHeadIsRefused) {
  v1::DeliveryReceipt receipt = receipt_;
  receipt.clear_log_head();
  EXPECT_TRUE(Refused(Verify(receipt))) << Verify(receipt).status();
  receipt = receipt_;
  receipt.clear_log_entry();
  EXPECT_TRUE(Refused(Verify(receipt))) << Verify(receipt).status();
  receipt = receipt_;
  receipt.clear_log_inclusion();
  EXPECT_TRUE(Refused(Verify(receipt))) << Verify(receipt).status();
}

TEST_F(DeliveryProofTest, AnEntryOfAnotherEventIsRefused) {
  v1::DeliveryReceipt receipt = receipt_;
  receipt.mutable_log_entry()->set_event(v1::LOG_EVENT_KIND_REJECTED);
  absl::StatusOr<std::string> verified = Verify(receipt);
  EXPECT_TRUE(absl::IsUnauthenticated(verified.status())) << verified.status();

  // Even a genuine, proven entry of another event does not prove delivery.
  clock_.Advance(absl::Seconds(1));
  LogEvent rejected(v1::LOG_EVENT_KIND_REJECTED);
  rejected.Transfer(transfer_id_)
      .Sender(kSender)
      .Recipient(kLogId)
      .EnvelopeHash(hash_)
      .Time(clock_.Now());
  ASSERT_OK_AND_ASSIGN(uint64_t index, log_->Append(rejected.entry()));
  v1::LogEntry entry = rejected.entry();
  entry.set_index(index);
  clock_.Advance(absl::Seconds(1));
  v1::DeliveryReceipt genuine;
  ASSERT_OK(AttachDeliveryProof(*log_, entry, &genuine));
  verified = Verify(genuine);
  EXPECT_TRUE(absl::IsUnauthenticated(verified.status())) << verified.status();
}

TEST_F(DeliveryProofTest, AnotherTransferIsRefused) {
  absl::StatusOr<std::string> verified =
      VerifyDeliveryProof(receipt_, kLogId, TransferId(21), hash_, Keys());
  EXPECT_TRUE(absl::IsUnauthenticated(verified.status())) << verified.status();
}

TEST_F(DeliveryProofTest, AnotherRecipientIsRefused) {
  // The proof is stockport-cs's; it says nothing of bham-cs's delivery,
  // even with bham-cs's key on the list.
  crypto::SecretIdentity bham = NewIdentity("bham-cs");
  absl::StatusOr<std::string> verified =
      VerifyDeliveryProof(receipt_, "bham-cs", transfer_id_, hash_,
                          {bham.public_identity(), signer_->public_identity()});
  EXPECT_TRUE(Refused(verified)) << verified.status();
}

TEST_F(DeliveryProofTest, OtherCiphertextIsRefused) {
  std::string other = hash_;
  other[31] ^= 1;
  absl::StatusOr<std::string> verified =
      VerifyDeliveryProof(receipt_, kLogId, transfer_id_, other, Keys());
  EXPECT_TRUE(absl::IsUnauthenticated(verified.status())) << verified.status();
  verified = VerifyDeliveryProof(receipt_, kLogId, transfer_id_, "", Keys());
  EXPECT_TRUE(absl::IsUnauthenticated(verified.status())) << verified.status();
}

TEST_F(DeliveryProofTest, AHeadNamingAnotherLogIsRefused) {
  v1::DeliveryReceipt receipt = receipt_;
  receipt.mutable_log_head()->set_log_id("bham-cs");
  absl::StatusOr<std::string> verified = Verify(receipt);
  EXPECT_TRUE(absl::IsUnauthenticated(verified.status())) << verified.status();
}

TEST_F(DeliveryProofTest, AHeadNamingAMalformedLogIsRefusedInOneLine) {
  // Found by fuzz_receipt_proof: the node logs this message, so a log id
  // with a line break or control character must not reach it verbatim.
  v1::DeliveryReceipt receipt = receipt_;
  receipt.mutable_log_head()->set_log_id("bham-cs\n[warn] forged line\a");
  absl::StatusOr<std::string> verified = Verify(receipt);
  EXPECT_TRUE(absl::IsUnauthenticated(verified.status())) << verified.status();
  for (char c : verified.status().message()) {
    EXPECT_TRUE(c >= 0x20 && c <= 0x7e) << verified.status();
  }
  EXPECT_FALSE(absl::StrContains(verified.status().message(), "forged"))
      << verified.status();
}

TEST_F(DeliveryProofTest, AGenuineHeadOfAnotherAgencysLogIsRefused) {
  // bham-cs keeps a log holding the very same entry and signs a head of it
  // with its own key; that head says nothing of stockport-cs's log.
  crypto::SecretIdentity bham = NewIdentity("bham-cs");
  const crypto::PublicIdentity bham_public = bham.public_identity();
  ASSERT_OK_AND_ASSIGN(
      std::unique_ptr<SqliteDeliveryLog> other,
      OpenLog("bham.db", "bham-cs",
              std::make_shared<crypto::SecretIdentity>(std::move(bham))));
  v1::LogEntry copy = entry_;
  copy.set_index(0);
  ASSERT_OK_AND_ASSIGN(uint64_t index, other->Append(copy));
  ASSERT_EQ(index, 0u);
  v1::DeliveryReceipt receipt;
  ASSERT_OK(AttachDeliveryProof(*other, copy, &receipt));
  // The head is genuinely bham-cs's ...
  EXPECT_OK(VerifyTreeHead(receipt.log_head(), {bham_public}));
  // ... so it is refused as stockport-cs's, even with both keys listed.
  absl::StatusOr<std::string> verified =
      VerifyDeliveryProof(receipt, kLogId, transfer_id_, hash_,
                          {signer_->public_identity(), bham_public});
  EXPECT_TRUE(absl::IsUnauthenticated(verified.status())) << verified.status();
}

TEST_F(DeliveryProofTest, AHeadSignedByAnotherKeyIsRefused) {
  // Same log id, size, root and time, signed by a key the directory does
  // not list for the recipient.
  crypto::SecretIdentity impostor = NewIdentity(kLogId);
  const v1::SignedTreeHead& head = receipt_.log_head();
  ASSERT_OK_AND_ASSIGN(
      v1::SignedTreeHead forged,
      SignTreeHead(impostor, head.log_id(), head.tree_size(), head.root_hash(),
                   MicrosToTime(TimestampMicros(head.timestamp()))));
  v1::DeliveryReceipt receipt = receipt_;
  *receipt.mutable_log_head() = forged;
  absl::StatusOr<std::string> verified = Verify(receipt);
  EXPECT_TRUE(absl::IsUnauthenticated(verified.status())) << verified.status();
  // Had the directory listed the impostor's key, it would pass: what
  // refused it above is the key check alone.
  EXPECT_OK(VerifyDeliveryProof(receipt, kLogId, transfer_id_, hash_,
                                {impostor.public_identity()})
                .status());

  // Claiming the real key's id does not help: the signature is checked.
  receipt.mutable_log_head()->set_signer_key_id(head.signer_key_id());
  verified = Verify(receipt);
  EXPECT_TRUE(absl::IsUnauthenticated(verified.status())) << verified.status();
}

TEST_F(DeliveryProofTest, AnAlteredRootIsRefused) {
  // Changed in place: the signature no longer holds.
  v1::DeliveryReceipt receipt = receipt_;
  (*receipt.mutable_log_head()->mutable_root_hash())[0] ^= 1;
  absl::StatusOr<std::string> verified = Verify(receipt);
  EXPECT_TRUE(absl::IsUnauthenticated(verified.status())) << verified.status();

  // Properly signed by the recipient's key but over another root: the
  // inclusion proof no longer leads to it.
  const v1::SignedTreeHead& head = receipt_.log_head();
  std::string root = head.root_hash();
  root[7] ^= 0x40;
  ASSERT_OK_AND_ASSIGN(
      v1::SignedTreeHead resigned,
      SignTreeHead(*signer_, head.log_id(), head.tree_size(), root,
                   MicrosToTime(TimestampMicros(head.timestamp()))));
  receipt = receipt_;
  *receipt.mutable_log_head() = resigned;
  verified = Verify(receipt);
  EXPECT_TRUE(absl::IsUnauthenticated(verified.status())) << verified.status();
}

TEST_F(DeliveryProofTest, AFlippedProofHashIsRefused) {
  for (int i = 0; i < receipt_.log_inclusion().hashes_size(); ++i) {
    v1::DeliveryReceipt receipt = receipt_;
    (*receipt.mutable_log_inclusion()->mutable_hashes(i))[0] ^= 1;
    absl::StatusOr<std::string> verified = Verify(receipt);
    EXPECT_TRUE(absl::IsUnauthenticated(verified.status()))
        << i << ": " << verified.status();
  }
  // One hash dropped, one added, a short one.
  v1::DeliveryReceipt receipt = receipt_;
  receipt.mutable_log_inclusion()->mutable_hashes()->RemoveLast();
  EXPECT_TRUE(Refused(Verify(receipt)));
  receipt = receipt_;
  receipt.mutable_log_inclusion()->add_hashes(std::string(32, '\x01'));
  EXPECT_TRUE(Refused(Verify(receipt)));
  receipt = receipt_;
  receipt.mutable_log_inclusion()->mutable_hashes(0)->resize(31);
  EXPECT_TRUE(Refused(Verify(receipt)));
}

TEST_F(DeliveryProofTest, AnOverlongProofIsInvalid) {
  v1::DeliveryReceipt receipt = receipt_;
  for (size_t i = 0; i <= auditlog::kMaxProofHashes; ++i) {
    receipt.mutable_log_inclusion()->add_hashes(std::string(32, '\x02'));
  }
  absl::StatusOr<std::string> verified = Verify(receipt);
  EXPECT_TRUE(absl::IsInvalidArgument(verified.status())) << verified.status();
}

TEST_F(DeliveryProofTest, AProofForAnotherIndexOrSizeIsRefused) {
  const uint64_t size = receipt_.log_head().tree_size();
  // A genuine proof, but of entry 4.
  ASSERT_OK_AND_ASSIGN(v1::InclusionProof other_index,
                       log_->ProveInclusion(4, size));
  v1::DeliveryReceipt receipt = receipt_;
  *receipt.mutable_log_inclusion() = other_index;
  absl::StatusOr<std::string> verified = Verify(receipt);
  EXPECT_TRUE(absl::IsUnauthenticated(verified.status())) << verified.status();

  // Entry 4's proof relabelled as entry 5's.
  receipt.mutable_log_inclusion()->set_leaf_index(5);
  verified = Verify(receipt);
  EXPECT_TRUE(absl::IsUnauthenticated(verified.status())) << verified.status();

  // A genuine proof of entry 5, in a smaller tree than the head's.
  ASSERT_OK_AND_ASSIGN(v1::InclusionProof other_size,
                       log_->ProveInclusion(5, 6));
  receipt = receipt_;
  *receipt.mutable_log_inclusion() = other_size;
  verified = Verify(receipt);
  EXPECT_TRUE(absl::IsUnauthenticated(verified.status())) << verified.status();
  // ... relabelled as the head's size.
  receipt.mutable_log_inclusion()->set_tree_size(size);
  verified = Verify(receipt);
  EXPECT_TRUE(Refused(verified)) << verified.status();
}

TEST_F(DeliveryProofTest, AnEntryAndProofMovedToAnotherIndexAreRefused) {
  // The index is part of the leaf: claiming the entry sits at 4, with
  // entry 4's genuine proof, does not check out.
  v1::DeliveryReceipt receipt = receipt_;
  receipt.mutable_log_entry()->set_index(4);
  ASSERT_OK_AND_ASSIGN(*receipt.mutable_log_inclusion(),
                       log_->ProveInclusion(4, 8));
  absl::StatusOr<std::string> verified = Verify(receipt);
  EXPECT_TRUE(absl::IsUnauthenticated(verified.status())) << verified.status();
}

TEST_F(DeliveryProofTest, AHeadFromBeforeTheEntryIsRefused) {
  // A genuine head of the recipient's, signed before the delivery was
  // logged, cannot cover the entry.
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<SqliteDeliveryLog> log,
                       OpenLog("early.db", kLogId, signer_));
  for (int i = 0; i < 5; ++i) {
    ASSERT_OK(log->Append(SampleEntry(i)).status());
  }
  clock_.Advance(absl::Seconds(1));
  ASSERT_OK_AND_ASSIGN(v1::SignedTreeHead early, log->PublishTreeHead());
  ASSERT_OK_AND_ASSIGN(uint64_t index, log->Append(entry_));
  ASSERT_EQ(index, entry_.index());
  v1::DeliveryReceipt receipt;
  clock_.Advance(absl::Seconds(1));
  ASSERT_OK(AttachDeliveryProof(*log, entry_, &receipt));
  ASSERT_OK(Verify(receipt).status());  // the proper head does

  *receipt.mutable_log_head() = early;
  absl::StatusOr<std::string> verified = Verify(receipt);
  EXPECT_TRUE(Refused(verified)) << verified.status();
  receipt.mutable_log_inclusion()->set_tree_size(early.tree_size());
  verified = Verify(receipt);
  EXPECT_TRUE(Refused(verified)) << verified.status();
}

TEST_F(DeliveryProofTest, AnEntryEditedAfterProvingIsRefused) {
  // The fields the sender compares are not touched; only the inclusion
  // proof can catch these.
  std::vector<std::function<void(v1::LogEntry&)>> edits = {
      [](v1::LogEntry& e) { e.set_size(e.size() + 1); },
      [](v1::LogEntry& e) { e.set_sender("bham-cs"); },
      [](v1::LogEntry& e) { e.set_actor("someone"); },
      [](v1::LogEntry& e) { e.set_detail("edited"); },
      [](v1::LogEntry& e) { e.set_view("health"); },
      [](v1::LogEntry& e) {
        e.mutable_time()->set_seconds(e.time().seconds() - 3600);
      },
  };
  for (size_t i = 0; i < edits.size(); ++i) {
    v1::DeliveryReceipt receipt = receipt_;
    edits[i](*receipt.mutable_log_entry());
    absl::StatusOr<std::string> verified = Verify(receipt);
    EXPECT_TRUE(absl::IsUnauthenticated(verified.status()))
        << "edit " << i << ": " << verified.status();
  }
}

TEST_F(DeliveryProofTest, AMalformedEntryIsInvalid) {
  v1::DeliveryReceipt receipt = receipt_;
  receipt.mutable_log_entry()->set_transfer_id("short");
  absl::StatusOr<std::string> verified = Verify(receipt);
  EXPECT_TRUE(absl::IsInvalidArgument(verified.status())) << verified.status();
  receipt = receipt_;
  receipt.mutable_log_entry()->clear_time();
  verified = Verify(receipt);
  EXPECT_TRUE(absl::IsInvalidArgument(verified.status())) << verified.status();
}

TEST_F(DeliveryProofTest, AKeyFromARotationStillVerifies) {
  // The directory lists the recipient's new key and the one that signed.
  crypto::SecretIdentity next = NewIdentity(kLogId);
  EXPECT_OK(
      VerifyDeliveryProof(receipt_, kLogId, transfer_id_, hash_,
                          {next.public_identity(), signer_->public_identity()})
          .status());
  absl::StatusOr<std::string> verified = VerifyDeliveryProof(
      receipt_, kLogId, transfer_id_, hash_, {next.public_identity()});
  EXPECT_TRUE(absl::IsUnauthenticated(verified.status())) << verified.status();
  verified = VerifyDeliveryProof(receipt_, kLogId, transfer_id_, hash_, {});
  EXPECT_TRUE(absl::IsUnauthenticated(verified.status())) << verified.status();
}

}  // namespace
}  // namespace handover::deliverylog

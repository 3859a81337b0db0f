// WithdrawTransfer through the real RouterServer over mTLS: pending copies
// are withdrawn with a router-signed WITHDRAWN report each and never
// pushed; pushed, stored and ended copies are reported as such; only the
// sender may withdraw; a transfer not yet held is refused on upload; and a
// second withdrawal changes nothing.
#include <grpcpp/client_context.h>

#include <sys/stat.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "crypto/identity.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "router/router_server_fixture.h"
#include "status_matchers.h"

namespace handover::router {
namespace {

using handover::v1::Ack;
using handover::v1::WithdrawnCopy;
using handover::v1::WithdrawTransferResponse;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::kBirmingham;
using testing::kPolice;
using testing::kRouterId;
using testing::kStockport;
using testing::MailboxClient;
using testing::Pushed;
using testing::SealedEnvelope;

class WithdrawalTest : public testing::RouterServerTest {
 protected:
  grpc::Status Withdraw(const std::string& caller,
                        const std::string& transfer_id,
                        WithdrawTransferResponse* response) {
    grpc::ClientContext context;
    handover::v1::WithdrawTransferRequest request;
    request.set_transfer_id(transfer_id);
    return Stub(caller)->WithdrawTransfer(&context, request, response);
  }
  // recipient -> outcome, from a response.
  std::map<std::string, WithdrawnCopy::Outcome> Outcomes(
      const WithdrawTransferResponse& response) {
    std::map<std::string, WithdrawnCopy::Outcome> out;
    for (const WithdrawnCopy& copy : response.copies()) {
      out[copy.recipient_id()] = copy.outcome();
    }
    return out;
  }
  // `to`'s first pushed item must be the envelope `marker`, sent now from
  // `from`: nothing queued earlier for `to` is pushed before it.
  void ExpectNextIs(MailboxClient* mailbox, const std::string& from,
                    const std::string& to, const SealedEnvelope& marker) {
    ASSERT_TRUE(Submit(from, marker).ok());
    std::optional<Pushed> next = mailbox->NextEnvelope();
    ASSERT_TRUE(next.has_value());
    EXPECT_EQ(next->head.signed_header(), marker.head.signed_header())
        << "something queued for " << to << " before the marker was pushed";
  }
  bool SpoolHolds(const SealedEnvelope& e) {
    auto envelope = server_->store()->FindEnvelope(e.transfer_id);
    EXPECT_TRUE(envelope.ok() && envelope->has_value());
    return (*envelope)->location != CiphertextLocation::kDeleted;
  }
};

using Outcome = std::map<std::string, WithdrawnCopy::Outcome>;

TEST_F(WithdrawalTest, PendingCopiesAreWithdrawnReportedAndNeverPushed) {
  // Large enough for the spool, to see the file go.
  SealedEnvelope e = Seal(kStockport, {kBirmingham, kPolice}, 200 * 1024);
  ASSERT_TRUE(Submit(kStockport, e).ok());
  auto stored = server_->store()->FindEnvelope(e.transfer_id);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  ASSERT_EQ((*stored)->location, CiphertextLocation::kSpool);
  const std::string file =
      server_->spool()->dir() + "/" + (*stored)->spool_name;

  WithdrawTransferResponse response;
  grpc::Status s = Withdraw(kStockport, e.transfer_id, &response);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_FALSE(response.not_held());
  EXPECT_EQ(Outcomes(response),
            (Outcome{{kBirmingham, WithdrawnCopy::OUTCOME_WITHDRAWN},
                     {kPolice, WithdrawnCopy::OUTCOME_WITHDRAWN}}));
  EXPECT_EQ(response.copies(0).recipient_id(), kBirmingham);  // header order
  EXPECT_EQ(StateOf(e, kBirmingham), DeliveryState::kWithdrawn);
  EXPECT_EQ(StateOf(e, kPolice), DeliveryState::kWithdrawn);
  EXPECT_FALSE(SpoolHolds(e));
  struct stat st;
  EXPECT_NE(stat(file.c_str(), &st), 0) << file << " is still there";

  // One signed report per copy, verified with the router's key.
  MailboxClient stockport(Stub(kStockport), 8);
  for (const char* recipient : {kBirmingham, kPolice}) {
    handover::v1::Notice report = NextNotice(&stockport, kRouterId);
    EXPECT_EQ(report.signer_id(), kRouterId);
    EXPECT_EQ(report.addressee_id(), kStockport);
    EXPECT_EQ(report.transfer_id(), e.transfer_id);
    ASSERT_TRUE(report.has_non_delivery());
    EXPECT_EQ(report.non_delivery().undelivered_recipient(), recipient);
    EXPECT_EQ(report.non_delivery().reason(),
              handover::v1::NON_DELIVERY_REASON_WITHDRAWN);
    EXPECT_EQ(report.non_delivery().detail(), "withdrawn by the sender");
  }

  // Never pushed: not now, and not after any backoff.
  clock_.Advance(absl::Hours(1));
  MailboxClient birmingham(Stub(kBirmingham), 8);
  ExpectNextIs(&birmingham, kStockport, kBirmingham,
               Seal(kStockport, {kBirmingham}, 100));
  EXPECT_EQ(StateOf(e, kBirmingham), DeliveryState::kWithdrawn);
}

TEST_F(WithdrawalTest, ASecondWithdrawalChangesNothing) {
  SealedEnvelope e = Seal(kStockport, {kBirmingham}, 100);
  ASSERT_TRUE(Submit(kStockport, e).ok());
  WithdrawTransferResponse first, second;
  ASSERT_TRUE(Withdraw(kStockport, e.transfer_id, &first).ok());
  ASSERT_TRUE(Withdraw(kStockport, e.transfer_id, &second).ok());
  EXPECT_FALSE(second.not_held());
  EXPECT_EQ(Outcomes(second),
            (Outcome{{kBirmingham, WithdrawnCopy::OUTCOME_WITHDRAWN}}));
  // The same envelope uploaded again is already stored, and stays withdrawn.
  bool already = false;
  ASSERT_TRUE(Submit(kStockport, e, &already).ok());
  EXPECT_TRUE(already);
  EXPECT_EQ(StateOf(e, kBirmingham), DeliveryState::kWithdrawn);

  // One report only: the next item after it is something queued later.
  MailboxClient stockport(Stub(kStockport), 8);
  EXPECT_EQ(NextNotice(&stockport, kRouterId).non_delivery().reason(),
            handover::v1::NON_DELIVERY_REASON_WITHDRAWN);
  ExpectNextIs(&stockport, kBirmingham, kStockport,
               Seal(kBirmingham, {kStockport}, 100));
}

TEST_F(WithdrawalTest, PushedAndStoredCopiesAreLeftAlone) {
  SealedEnvelope e = Seal(kStockport, {kBirmingham, kPolice}, 100);
  ASSERT_TRUE(Submit(kStockport, e).ok());
  MailboxClient birmingham(Stub(kBirmingham), 8);
  std::optional<Pushed> stored = birmingham.NextEnvelope();
  ASSERT_TRUE(stored.has_value());
  birmingham.Ack(stored->delivery_id, Ack::RESULT_STORED);
  ASSERT_TRUE(WaitForState(e, kBirmingham, DeliveryState::kStoredAtNode));
  MailboxClient police(Stub(kPolice), 8);
  ASSERT_TRUE(police.NextEnvelope().has_value());  // not answered
  ASSERT_EQ(StateOf(e, kPolice), DeliveryState::kPushed);

  WithdrawTransferResponse response;
  ASSERT_TRUE(Withdraw(kStockport, e.transfer_id, &response).ok());
  EXPECT_EQ(Outcomes(response),
            (Outcome{{kBirmingham, WithdrawnCopy::OUTCOME_DELIVERED},
                     {kPolice, WithdrawnCopy::OUTCOME_IN_DELIVERY}}));
  EXPECT_EQ(StateOf(e, kBirmingham), DeliveryState::kStoredAtNode);
  EXPECT_EQ(StateOf(e, kPolice), DeliveryState::kPushed);
  EXPECT_TRUE(SpoolHolds(e));  // the pushed copy may still need it

  // A receipt still counts as delivered; no report went to the sender.
  ASSERT_TRUE(
      SubmitNotice(kBirmingham, Receipt(kBirmingham, e, kStockport)).ok());
  ASSERT_TRUE(Withdraw(kStockport, e.transfer_id, &response).ok());
  EXPECT_EQ(Outcomes(response)[kBirmingham], WithdrawnCopy::OUTCOME_DELIVERED);
  MailboxClient stockport(Stub(kStockport), 8);
  EXPECT_TRUE(NextNotice(&stockport, kBirmingham).has_receipt());
  ExpectNextIs(&stockport, kPolice, kStockport,
               Seal(kPolice, {kStockport}, 100));
}

TEST_F(WithdrawalTest, EndedAndPendingCopiesTogether) {
  SealedEnvelope e = Seal(kStockport, {kBirmingham, kPolice}, 100);
  ASSERT_TRUE(Submit(kStockport, e).ok());
  MailboxClient police(Stub(kPolice), 8);
  std::optional<Pushed> pushed = police.NextEnvelope();
  ASSERT_TRUE(pushed.has_value());
  police.Ack(pushed->delivery_id, Ack::RESULT_REJECTED, "no");
  ASSERT_TRUE(WaitForState(e, kPolice, DeliveryState::kRejected));

  WithdrawTransferResponse response;
  ASSERT_TRUE(Withdraw(kStockport, e.transfer_id, &response).ok());
  EXPECT_EQ(Outcomes(response),
            (Outcome{{kBirmingham, WithdrawnCopy::OUTCOME_WITHDRAWN},
                     {kPolice, WithdrawnCopy::OUTCOME_ENDED}}));
  EXPECT_FALSE(SpoolHolds(e));  // no copy needs it any more
}

TEST_F(WithdrawalTest, OnlyTheSenderMayWithdraw) {
  SealedEnvelope e = Seal(kStockport, {kBirmingham}, 100);
  ASSERT_TRUE(Submit(kStockport, e).ok());
  WithdrawTransferResponse response;
  for (const char* caller : {kBirmingham, kPolice}) {
    grpc::Status s = Withdraw(caller, e.transfer_id, &response);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << caller;
    EXPECT_THAT(s.error_message(), HasSubstr(caller));
    EXPECT_THAT(s.error_message(), HasSubstr(crypto::ToHex(e.transfer_id)));
  }
  EXPECT_EQ(StateOf(e, kBirmingham), DeliveryState::kPending);
  EXPECT_TRUE(SpoolHolds(e));

  grpc::Status s = Withdraw(kStockport, "short", &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "transfer_id must be 16 bytes");
}

TEST_F(WithdrawalTest, ATransferNotYetHeldIsRefusedWhenItComes) {
  SealedEnvelope e = Seal(kStockport, {kBirmingham}, 200 * 1024);
  WithdrawTransferResponse response;
  ASSERT_TRUE(Withdraw(kStockport, e.transfer_id, &response).ok());
  EXPECT_TRUE(response.not_held());
  EXPECT_THAT(response.copies(), IsEmpty());
  ASSERT_TRUE(Withdraw(kStockport, e.transfer_id, &response).ok());
  EXPECT_TRUE(response.not_held());

  grpc::Status s = Submit(kStockport, e);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(s.error_message(),
            absl::StrCat("transfer ", crypto::ToHex(e.transfer_id),
                         " was withdrawn by its sender"));
  auto found = server_->store()->FindEnvelope(e.transfer_id);
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value());
  EXPECT_EQ(*server_->spool()->RemoveOrphans({}), 0);

  // Another sender's envelope that happens to reuse the id is not affected.
  SealedEnvelope theirs = SealWithId(kBirmingham, kPolice, e.transfer_id);
  s = Submit(kBirmingham, theirs);
  EXPECT_TRUE(s.ok()) << s.error_message();
}

}  // namespace
}  // namespace handover::router

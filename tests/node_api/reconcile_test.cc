// ReconcileLog: the classification of one copy at every stage and in every
// final state, and the whole call over a real SQLite outbox and delivery
// log with a scripted router: the window, the one router call per
// transfer, a router that logged nothing, a router that cannot be asked,
// the order of the rows and the cap on transfers.
#include "node/api/reconcile.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/clock.h"
#include "deliverylog/sqlite_delivery_log.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "node/api/transfer_id_hex.h"
#include "node/link_context.h"
#include "status_matchers.h"
#include "temp_dir.h"

namespace handover::node::api {
namespace {

namespace v1 = handover::v1;
using ::testing::HasSubstr;

const absl::Time kT0 = absl::FromUnixSeconds(1767225600);  // 2026-01-01
const absl::Time kNow = kT0 + absl::Hours(48);

constexpr char kSender[] = "stockport-cs";
constexpr char kPeer[] = "birmingham-cs";
constexpr char kPolice[] = "west-midlands-police";

std::string TransferId(int n) {
  std::string id(16, '\0');
  id[14] = static_cast<char>(n / 256);
  id[15] = static_cast<char>(n % 256);
  id[0] = '\x3f';
  return id;
}

v1::LogEntry Entry(v1::LogEventKind kind, const std::string& transfer_id,
                   const std::string& recipient, absl::Time at,
                   const std::string& view = "") {
  v1::LogEntry e;
  e.set_event(kind);
  e.set_transfer_id(transfer_id);
  e.set_sender(kSender);
  e.set_recipient(recipient);
  e.set_view(view);
  *e.mutable_time() = ToTimestamp(at);
  return e;
}

RecipientDelivery Delivery(const std::string& agency, v1::DeliveryState state,
                           absl::Time updated_at) {
  RecipientDelivery d;
  d.agency_id = agency;
  d.state = state;
  d.updated_at = updated_at;
  return d;
}

absl::Time SinceOf(const v1::ReconcileRow& row) {
  return FromTimestamp(row.since());
}

// ---- ClassifyCopy ----------------------------------------------------------

class ClassifyCopyTest : public ::testing::Test {
 protected:
  const std::string id_ = TransferId(1);
  const absl::Time queued_at_ = kT0 + absl::Minutes(1);
  const absl::Time sent_at_ = kT0 + absl::Minutes(2);
  const absl::Time accepted_at_ = kT0 + absl::Minutes(3);
  const absl::Time delivered_at_ = kT0 + absl::Minutes(4);
  // Ours: queued and sent for both recipients.
  std::vector<v1::LogEntry> node_ = {
      Entry(v1::LOG_EVENT_KIND_QUEUED, id_, kPeer, queued_at_, "health"),
      Entry(v1::LOG_EVENT_KIND_QUEUED, id_, kPolice,
            queued_at_ + absl::Seconds(1), "police"),
      Entry(v1::LOG_EVENT_KIND_SENT_TO_ROUTER, id_, kPeer, sent_at_),
      Entry(v1::LOG_EVENT_KIND_SENT_TO_ROUTER, id_, kPolice, sent_at_)};
  RouterTransferEntries router_{true, {}};
  RouterTransferEntries unasked_{false, {}};
};

TEST_F(ClassifyCopyTest, QueuedSinceItsQueuedEntry) {
  auto row = ClassifyCopy(id_, Delivery(kPeer, v1::DELIVERY_STATE_QUEUED, kT0),
                          node_, router_, kNow);
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->stage(), v1::RECONCILE_STAGE_QUEUED);
  EXPECT_EQ(row->transfer_id(), TransferIdToHex(id_));
  EXPECT_EQ(row->recipient(), kPeer);
  EXPECT_EQ(row->view(), "health");
  EXPECT_EQ(SinceOf(*row), queued_at_);
  EXPECT_THAT(row->detail(), HasSubstr("not yet handed to the router"));
}

TEST_F(ClassifyCopyTest, AtRouterWithoutAnyRouterEntryIsSentNotAccepted) {
  auto row = ClassifyCopy(
      id_,
      Delivery(kPolice, v1::DELIVERY_STATE_AT_ROUTER, kT0 + absl::Hours(1)),
      node_, router_, kNow);
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->stage(), v1::RECONCILE_STAGE_SENT_NOT_ACCEPTED);
  EXPECT_EQ(row->view(), "police");
  EXPECT_EQ(SinceOf(*row), sent_at_);  // our SENT_TO_ROUTER entry
  EXPECT_THAT(row->detail(), HasSubstr("logged nothing"));
}

TEST_F(ClassifyCopyTest, AnotherRecipientsAcceptanceDoesNotCount) {
  router_.entries = {
      Entry(v1::LOG_EVENT_KIND_ACCEPTED_BY_ROUTER, id_, kPeer, accepted_at_)};
  // No SENT_TO_ROUTER entry of ours either: since falls back to updated_at.
  std::vector<v1::LogEntry> queued_only(node_.begin(), node_.begin() + 2);
  const absl::Time updated = kT0 + absl::Minutes(7);
  auto row = ClassifyCopy(
      id_, Delivery(kPolice, v1::DELIVERY_STATE_AT_ROUTER, updated),
      queued_only, router_, kNow);
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->stage(), v1::RECONCILE_STAGE_SENT_NOT_ACCEPTED);
  EXPECT_EQ(SinceOf(*row), updated);
  EXPECT_THAT(row->detail(), HasSubstr("no acceptance of this copy"));
}

TEST_F(ClassifyCopyTest, AcceptedNotDeliveredSinceTheRoutersEntry) {
  router_.entries = {
      Entry(v1::LOG_EVENT_KIND_ACCEPTED_BY_ROUTER, id_, kPeer, accepted_at_),
      Entry(v1::LOG_EVENT_KIND_FORWARDED, id_, kPeer, accepted_at_),
      Entry(v1::LOG_EVENT_KIND_FORWARDED, id_, kPeer, accepted_at_)};
  auto row =
      ClassifyCopy(id_, Delivery(kPeer, v1::DELIVERY_STATE_AT_ROUTER, sent_at_),
                   node_, router_, kNow);
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->stage(), v1::RECONCILE_STAGE_ACCEPTED_NOT_DELIVERED);
  EXPECT_EQ(SinceOf(*row), accepted_at_);
  EXPECT_THAT(row->detail(), HasSubstr("pushed 2 times"));
}

TEST_F(ClassifyCopyTest, ARouterThatEndedTheCopyIsNamed) {
  router_.entries = {
      Entry(v1::LOG_EVENT_KIND_ACCEPTED_BY_ROUTER, id_, kPeer, accepted_at_),
      Entry(v1::LOG_EVENT_KIND_EXPIRED, id_, kPeer, delivered_at_)};
  auto row =
      ClassifyCopy(id_, Delivery(kPeer, v1::DELIVERY_STATE_AT_ROUTER, sent_at_),
                   node_, router_, kNow);
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->stage(), v1::RECONCILE_STAGE_ACCEPTED_NOT_DELIVERED);
  EXPECT_THAT(row->detail(), HasSubstr("the router logged it expired"));
}

TEST_F(ClassifyCopyTest, DeliveredByTheRouterWithoutAReceipt) {
  router_.entries = {
      Entry(v1::LOG_EVENT_KIND_ACCEPTED_BY_ROUTER, id_, kPeer, accepted_at_),
      Entry(v1::LOG_EVENT_KIND_DELIVERED, id_, kPeer, delivered_at_)};
  auto row =
      ClassifyCopy(id_, Delivery(kPeer, v1::DELIVERY_STATE_AT_ROUTER, sent_at_),
                   node_, router_, kNow);
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->stage(), v1::RECONCILE_STAGE_DELIVERED_NO_RECEIPT);
  EXPECT_EQ(SinceOf(*row), delivered_at_);
  EXPECT_THAT(row->detail(), HasSubstr("no receipt"));
}

TEST_F(ClassifyCopyTest, AnUnaskedRouterLeavesTheNodesView) {
  auto row =
      ClassifyCopy(id_, Delivery(kPeer, v1::DELIVERY_STATE_AT_ROUTER, kT0),
                   node_, unasked_, kNow);
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->stage(), v1::RECONCILE_STAGE_ACCEPTED_NOT_DELIVERED);
  EXPECT_EQ(SinceOf(*row), sent_at_);
  EXPECT_THAT(row->detail(), HasSubstr("could not be asked"));
}

TEST_F(ClassifyCopyTest, DeliveredNotAcknowledgedSinceTheReceipt) {
  RecipientDelivery d = Delivery(kPeer, v1::DELIVERY_STATE_DELIVERED,
                                 delivered_at_ + absl::Seconds(5));
  auto row = ClassifyCopy(id_, d, node_, router_, kNow);
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->stage(), v1::RECONCILE_STAGE_DELIVERED_NOT_ACKNOWLEDGED);
  EXPECT_EQ(SinceOf(*row), delivered_at_ + absl::Seconds(5));
  EXPECT_EQ(row->view(), "health");

  d.acknowledgement_due_at = kT0 + absl::Hours(1);
  row = ClassifyCopy(id_, d, node_, router_, kNow);
  ASSERT_TRUE(row.has_value());
  EXPECT_THAT(row->detail(), HasSubstr("overdue since 2026-01-01T01:00:00Z"));
  d.acknowledgement_due_at = kNow + absl::Hours(1);
  row = ClassifyCopy(id_, d, node_, router_, kNow);
  ASSERT_TRUE(row.has_value());
  EXPECT_THAT(row->detail(), HasSubstr("due at 2026-01-03T01:00:00Z"));
}

TEST_F(ClassifyCopyTest, AcknowledgedAndFinalCopiesHaveNoRow) {
  RecipientDelivery acknowledged =
      Delivery(kPeer, v1::DELIVERY_STATE_DELIVERED, delivered_at_);
  acknowledged.acknowledged_at = delivered_at_ + absl::Minutes(1);
  acknowledged.acknowledged_by = "duty-officer";
  EXPECT_FALSE(
      ClassifyCopy(id_, acknowledged, node_, router_, kNow).has_value());
  for (v1::DeliveryState state :
       {v1::DELIVERY_STATE_FAILED, v1::DELIVERY_STATE_EXPIRED,
        v1::DELIVERY_STATE_WITHDRAWN, v1::DELIVERY_STATE_UNSPECIFIED}) {
    SCOPED_TRACE(v1::DeliveryState_Name(state));
    EXPECT_FALSE(
        ClassifyCopy(id_, Delivery(kPeer, state, kT0), node_, router_, kNow)
            .has_value());
  }
}

TEST_F(ClassifyCopyTest, ASinceInTheFutureIsNow) {
  auto row = ClassifyCopy(
      id_, Delivery(kPeer, v1::DELIVERY_STATE_DELIVERED, kNow + absl::Hours(1)),
      node_, router_, kNow);
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(SinceOf(*row), kNow);
}

// ---- ReconcileLog over a real store and log --------------------------------

class ReconcileLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(store_, OpenSqliteNodeStore(dir_.path() + "/node.db"));
    deliverylog::SqliteDeliveryLogOptions options;
    options.path = dir_.path() + "/log.db";
    options.log_id = kSender;
    options.clock = &clock_;
    ASSERT_OK_AND_ASSIGN(log_, deliverylog::SqliteDeliveryLog::Open(options));
    env_.store = store_.get();
    env_.clock = &clock_;
    env_.log = log_.get();
    env_.router_transfer_log = [this](const std::string& transfer_id)
        -> absl::StatusOr<v1::GetTransferLogResponse> {
      ++router_calls_;
      if (!router_status_.ok()) return router_status_;
      v1::GetTransferLogResponse response;
      for (const v1::LogEntry& e : router_entries_) {
        if (e.transfer_id() == transfer_id) *response.add_entries() = e;
      }
      if (response.entries().empty()) {
        return absl::NotFoundError("the router logged nothing");
      }
      return response;
    };
  }

  // Sends transfer `n` to `recipients` at `at`: the outbox row and the
  // QUEUED entries.
  void Send(int n, const std::vector<std::string>& recipients, absl::Time at) {
    OutboxTransfer t;
    t.transfer_id = TransferId(n);
    t.client_name = "case-system";
    t.idempotency_key = absl::StrCat("key-", n);
    t.recipients = recipients;
    t.created_at = at;
    t.expires_at = at + absl::Hours(24 * 30);
    t.envelope_path = dir_.path() + "/x.envelope";
    t.ciphertext_hash = std::string(32, 'h');
    ASSERT_OK(store_->InsertOutbox(t).status());
    for (const std::string& r : recipients) {
      ASSERT_OK(
          log_->Append(Entry(v1::LOG_EVENT_KIND_QUEUED, t.transfer_id, r, at))
              .status());
    }
  }

  void Move(int n, const std::string& recipient, v1::DeliveryState state,
            absl::Time at) {
    DeliveryUpdate update;
    update.state = state;
    update.at = at;
    ASSERT_OK_AND_ASSIGN(
        bool applied, store_->UpdateDelivery(TransferId(n), recipient, update));
    ASSERT_TRUE(applied);
    if (state == v1::DELIVERY_STATE_AT_ROUTER) {
      ASSERT_OK(log_->Append(Entry(v1::LOG_EVENT_KIND_SENT_TO_ROUTER,
                                   TransferId(n), recipient, at))
                    .status());
    }
  }

  absl::StatusOr<v1::ReconcileLogResponse> Reconcile(
      std::optional<absl::Time> since = std::nullopt,
      std::optional<absl::Time> until = std::nullopt) {
    v1::ReconcileLogRequest request;
    if (since) *request.mutable_since() = ToTimestamp(*since);
    if (until) *request.mutable_until() = ToTimestamp(*until);
    return ReconcileLog(env_, request);
  }

  handover::testing::TempDir dir_;
  FakeClock clock_{kNow};
  std::unique_ptr<NodeStore> store_;
  std::unique_ptr<deliverylog::SqliteDeliveryLog> log_;
  NodeServiceEnv env_;
  std::vector<v1::LogEntry> router_entries_;
  absl::Status router_status_;
  int router_calls_ = 0;
};

TEST_F(ReconcileLogTest, RefusesABadWindow) {
  auto got = Reconcile(kT0, kT0);
  EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(got.status().message(), HasSubstr("since must be before until"));
  got = Reconcile(kNow - absl::Hours(24 * 367), kNow);
  EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(got.status().message(), HasSubstr("366 days"));
  EXPECT_OK(Reconcile(kNow - absl::Hours(24 * 366), kNow).status());
  // Unset since is 30 days before now: an until before that is empty.
  got = Reconcile(std::nullopt, kNow - absl::Hours(24 * 31));
  EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(ReconcileLogTest, ANodeWithoutALogCannotReconcile) {
  env_.log = nullptr;
  EXPECT_EQ(Reconcile().status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(ReconcileLogTest, ClassifiesEveryCopyOldestFirstAskingTheRouterOnce) {
  const absl::Time t1 = kT0 + absl::Hours(1);
  const absl::Time t2 = kT0 + absl::Hours(2);
  // Transfer 1: the peer's copy at the router (accepted there), the
  // police copy delivered and acknowledged.
  ASSERT_NO_FATAL_FAILURE(Send(1, {kPeer, kPolice}, t1));
  ASSERT_NO_FATAL_FAILURE(
      Move(1, kPeer, v1::DELIVERY_STATE_AT_ROUTER, t1 + absl::Minutes(1)));
  ASSERT_NO_FATAL_FAILURE(
      Move(1, kPolice, v1::DELIVERY_STATE_AT_ROUTER, t1 + absl::Minutes(1)));
  ASSERT_NO_FATAL_FAILURE(
      Move(1, kPolice, v1::DELIVERY_STATE_DELIVERED, t1 + absl::Minutes(3)));
  ASSERT_OK(store_
                ->RecordAcknowledgement(TransferId(1), kPolice, "officer",
                                        t1 + absl::Minutes(4), "notice")
                .status());
  router_entries_.push_back(Entry(v1::LOG_EVENT_KIND_ACCEPTED_BY_ROUTER,
                                  TransferId(1), kPeer, t1 + absl::Minutes(2)));
  // Transfer 2: still queued. Transfer 3: at the router, which logged
  // nothing for it. Transfer 4: delivered, not acknowledged.
  ASSERT_NO_FATAL_FAILURE(Send(2, {kPeer}, t2));
  ASSERT_NO_FATAL_FAILURE(Send(3, {kPeer}, t2 + absl::Minutes(1)));
  ASSERT_NO_FATAL_FAILURE(
      Move(3, kPeer, v1::DELIVERY_STATE_AT_ROUTER, t2 + absl::Minutes(2)));
  ASSERT_NO_FATAL_FAILURE(Send(4, {kPeer}, kT0));
  ASSERT_NO_FATAL_FAILURE(
      Move(4, kPeer, v1::DELIVERY_STATE_DELIVERED, kT0 + absl::Minutes(30)));

  ASSERT_OK_AND_ASSIGN(v1::ReconcileLogResponse got, Reconcile());
  EXPECT_EQ(got.router_error(), "");
  EXPECT_FALSE(got.truncated());
  ASSERT_EQ(got.rows_size(), 4) << got.DebugString();
  EXPECT_EQ(got.rows(0).transfer_id(), TransferIdToHex(TransferId(4)));
  EXPECT_EQ(got.rows(0).stage(),
            v1::RECONCILE_STAGE_DELIVERED_NOT_ACKNOWLEDGED);
  EXPECT_EQ(got.rows(1).transfer_id(), TransferIdToHex(TransferId(1)));
  EXPECT_EQ(got.rows(1).recipient(), kPeer);
  EXPECT_EQ(got.rows(1).stage(), v1::RECONCILE_STAGE_ACCEPTED_NOT_DELIVERED);
  EXPECT_EQ(SinceOf(got.rows(1)), t1 + absl::Minutes(2));
  EXPECT_EQ(got.rows(2).transfer_id(), TransferIdToHex(TransferId(2)));
  EXPECT_EQ(got.rows(2).stage(), v1::RECONCILE_STAGE_QUEUED);
  EXPECT_EQ(got.rows(3).transfer_id(), TransferIdToHex(TransferId(3)));
  EXPECT_EQ(got.rows(3).stage(), v1::RECONCILE_STAGE_SENT_NOT_ACCEPTED);
  EXPECT_EQ(SinceOf(got.rows(3)), t2 + absl::Minutes(2));
  // Only the transfers with a copy at the router were asked about.
  EXPECT_EQ(router_calls_, 2);

  // The window: only transfer 4 was queued before t1.
  ASSERT_OK_AND_ASSIGN(got, Reconcile(kT0 - absl::Hours(1), t1));
  ASSERT_EQ(got.rows_size(), 1);
  EXPECT_EQ(got.rows(0).transfer_id(), TransferIdToHex(TransferId(4)));
}

TEST_F(ReconcileLogTest, ARouterThatCannotBeAskedIsAskedOnce) {
  for (int n = 1; n <= 3; ++n) {
    ASSERT_NO_FATAL_FAILURE(Send(n, {kPeer}, kT0 + absl::Minutes(n)));
    ASSERT_NO_FATAL_FAILURE(Move(n, kPeer, v1::DELIVERY_STATE_AT_ROUTER,
                                 kT0 + absl::Minutes(10 + n)));
  }
  router_status_ = absl::UnavailableError("connection refused");
  ASSERT_OK_AND_ASSIGN(v1::ReconcileLogResponse got, Reconcile());
  EXPECT_EQ(got.router_error(),
            "the router could not be asked: connection refused");
  EXPECT_EQ(router_calls_, 1);
  ASSERT_EQ(got.rows_size(), 3);
  for (const v1::ReconcileRow& row : got.rows()) {
    EXPECT_EQ(row.stage(), v1::RECONCILE_STAGE_ACCEPTED_NOT_DELIVERED);
  }

  env_.router_transfer_log = nullptr;
  ASSERT_OK_AND_ASSIGN(got, Reconcile());
  EXPECT_EQ(got.router_error(), "the router cannot be asked from this node");
  EXPECT_EQ(got.rows_size(), 3);
}

TEST_F(ReconcileLogTest, ExaminesAtMostAThousandTransfers) {
  for (size_t n = 0; n <= kMaxReconcileTransfers; ++n) {
    ASSERT_NO_FATAL_FAILURE(Send(static_cast<int>(n), {kPeer},
                                 kT0 + absl::Seconds(static_cast<int>(n))));
  }
  ASSERT_OK_AND_ASSIGN(v1::ReconcileLogResponse got, Reconcile());
  EXPECT_TRUE(got.truncated());
  ASSERT_EQ(got.rows_size(), static_cast<int>(kMaxReconcileTransfers));
  EXPECT_EQ(got.rows(0).transfer_id(), TransferIdToHex(TransferId(0)));
  EXPECT_EQ(got.rows(got.rows_size() - 1).transfer_id(),
            TransferIdToHex(TransferId(999)));
}

}  // namespace
}  // namespace handover::node::api

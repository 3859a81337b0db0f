// ReconcileLog across the real network: a copy stuck at each hop shows as
// its own stage — queued with the router down, held by the router while the
// recipient is away, delivered but never acknowledged, and "sent, but the
// router has no record" after the router lost its acceptance entries — an
// acknowledged copy shows nothing, and with the router down the rows still
// come, with router_error set.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "harness/network_test.h"
#include "sqlite/sqlite_db.h"

namespace handover::integration {
namespace {

namespace v1 = handover::v1;

class ReconcileTest : public NetworkTest {
 protected:
  absl::StatusOr<v1::ReconcileLogResponse> Reconcile() {
    auto admin = net().Client(kStockport, Role::kAdmin);
    v1::ReconcileLogResponse response;
    std::unique_ptr<grpc::ClientContext> context = admin->NewContext();
    grpc::Status status = admin->stub().ReconcileLog(
        context.get(), v1::ReconcileLogRequest(), &response);
    if (!status.ok()) return FromGrpc(status);
    return response;
  }

  // The row of (transfer, recipient), or nullptr.
  static const v1::ReconcileRow* RowOf(const v1::ReconcileLogResponse& r,
                                       const std::string& transfer_id,
                                       const std::string& recipient) {
    for (const v1::ReconcileRow& row : r.rows()) {
      if (row.transfer_id() == transfer_id && row.recipient() == recipient) {
        return &row;
      }
    }
    return nullptr;
  }

  // The recipient takes the transfer on; waits until the sender has
  // recorded the acknowledgement.
  void Acknowledge(const std::string& recipient, const std::string& id) {
    auto reader = net().Client(recipient, Role::kReceiver);
    v1::AcknowledgeTransferRequest request;
    request.set_transfer_id(id);
    request.set_operator_id("duty-officer");
    v1::AcknowledgeTransferResponse response;
    std::unique_ptr<grpc::ClientContext> context = reader->NewContext();
    ASSERT_OK(FromGrpc(
        reader->stub().AcknowledgeTransfer(context.get(), request, &response)));
    auto sender = net().Client(kStockport, Role::kSubmitter);
    const absl::Time deadline = absl::Now() + Wait();
    for (;;) {
      ASSERT_OK_AND_ASSIGN(v1::TransferStatusResponse status,
                           sender->Status(id));
      if (status.recipients(0).has_acknowledged_at()) return;
      ASSERT_LT(absl::Now(), deadline)
          << "the acknowledgement never reached the sender";
      absl::SleepFor(absl::Milliseconds(50));
    }
  }

  void WaitFor(const std::string& id, v1::DeliveryState state) {
    ASSERT_OK(net()
                  .Client(kStockport, Role::kSubmitter)
                  ->WaitForState(id, state, Wait())
                  .status());
  }
};

TEST_F(ReconcileTest, ReconcileShowsWhereEachCopyIsStuck) {
  ASSERT_NO_FATAL_FAILURE(StartNetwork());
  // (e) delivered and acknowledged: nothing to chase.
  ASSERT_OK_AND_ASSIGN(const std::string acked,
                       Send(kStockport, {kPolice}, "REF-RECON-ACKED"));
  ASSERT_NO_FATAL_FAILURE(WaitFor(acked, v1::DELIVERY_STATE_DELIVERED));
  ASSERT_NO_FATAL_FAILURE(Acknowledge(kPolice, acked));
  // (c) delivered, never acknowledged.
  ASSERT_OK_AND_ASSIGN(const std::string unacked,
                       Send(kStockport, {kPolice}, "REF-RECON-UNACKED"));
  ASSERT_NO_FATAL_FAILURE(WaitFor(unacked, v1::DELIVERY_STATE_DELIVERED));
  // (b) the recipient is away: the router holds it.
  ASSERT_OK(net().StopNode(kBirmingham));
  ASSERT_OK_AND_ASSIGN(const std::string held,
                       Send(kStockport, {kBirmingham}, "REF-RECON-HELD"));
  ASSERT_NO_FATAL_FAILURE(WaitFor(held, v1::DELIVERY_STATE_AT_ROUTER));

  ASSERT_OK_AND_ASSIGN(v1::ReconcileLogResponse got, Reconcile());
  EXPECT_EQ(got.router_error(), "");
  EXPECT_FALSE(got.truncated());
  EXPECT_EQ(got.rows_size(), 2) << got.DebugString();
  EXPECT_EQ(RowOf(got, acked, kPolice), nullptr) << got.DebugString();
  const v1::ReconcileRow* row = RowOf(got, unacked, kPolice);
  ASSERT_NE(row, nullptr) << got.DebugString();
  EXPECT_EQ(row->stage(), v1::RECONCILE_STAGE_DELIVERED_NOT_ACKNOWLEDGED);
  row = RowOf(got, held, kBirmingham);
  ASSERT_NE(row, nullptr) << got.DebugString();
  EXPECT_EQ(row->stage(), v1::RECONCILE_STAGE_ACCEPTED_NOT_DELIVERED);
  EXPECT_GT(row->since().seconds(), 0);
  EXPECT_LE(row->since().seconds(), absl::ToUnixSeconds(absl::Now()));
  // Oldest first.
  for (int i = 1; i < got.rows_size(); ++i) {
    EXPECT_LE(got.rows(i - 1).since().seconds(), got.rows(i).since().seconds());
  }

  // (a) and (f): with the router down a new copy stays queued, and the
  // copy at the router rests on this node's view, with router_error set.
  ASSERT_OK(net().StopRouter());
  ASSERT_OK_AND_ASSIGN(const std::string queued,
                       Send(kStockport, {kPolice}, "REF-RECON-QUEUED"));
  ASSERT_OK_AND_ASSIGN(got, Reconcile());
  EXPECT_NE(got.router_error(), "") << got.DebugString();
  EXPECT_EQ(got.rows_size(), 3) << got.DebugString();
  row = RowOf(got, queued, kPolice);
  ASSERT_NE(row, nullptr) << got.DebugString();
  EXPECT_EQ(row->stage(), v1::RECONCILE_STAGE_QUEUED);
  row = RowOf(got, held, kBirmingham);
  ASSERT_NE(row, nullptr) << got.DebugString();
  EXPECT_EQ(row->stage(), v1::RECONCILE_STAGE_ACCEPTED_NOT_DELIVERED);
  EXPECT_NE(row->detail().find("could not be asked"), std::string::npos)
      << row->detail();
  row = RowOf(got, unacked, kPolice);
  ASSERT_NE(row, nullptr) << got.DebugString();
  EXPECT_EQ(row->stage(), v1::RECONCILE_STAGE_DELIVERED_NOT_ACKNOWLEDGED);
}

TEST_F(ReconcileTest, ReconcileShowsACopyTheRouterHasNoRecordOf) {
  ASSERT_NO_FATAL_FAILURE(StartNetwork());
  ASSERT_OK(net().StopNode(kBirmingham));
  ASSERT_OK_AND_ASSIGN(const std::string id,
                       Send(kStockport, {kBirmingham}, "REF-RECON-LOST"));
  ASSERT_NO_FATAL_FAILURE(WaitFor(id, v1::DELIVERY_STATE_AT_ROUTER));
  ASSERT_OK_AND_ASSIGN(v1::ReconcileLogResponse got, Reconcile());
  ASSERT_EQ(got.rows_size(), 1) << got.DebugString();
  EXPECT_EQ(got.rows(0).stage(), v1::RECONCILE_STAGE_ACCEPTED_NOT_DELIVERED);

  // The router loses its acceptance of the copy.
  ASSERT_OK(net().StopRouter());
  {
    ASSERT_OK_AND_ASSIGN(
        std::unique_ptr<sqlite::SqliteDb> db,
        sqlite::SqliteDb::Open(net().RouterDataDir() + "/log.db"));
    ASSERT_OK(db->Exec(
        absl::StrCat("DELETE FROM log_entries WHERE event = ",
                     static_cast<int>(v1::LOG_EVENT_KIND_ACCEPTED_BY_ROUTER),
                     " AND transfer_id = X'", id, "'")));
  }
  ASSERT_OK(net().StartRouter());
  ASSERT_OK(net().WaitForRouterLink(kStockport, Wait()));

  ASSERT_OK_AND_ASSIGN(got, Reconcile());
  EXPECT_EQ(got.router_error(), "") << got.DebugString();
  ASSERT_EQ(got.rows_size(), 1) << got.DebugString();
  EXPECT_EQ(got.rows(0).transfer_id(), id);
  EXPECT_EQ(got.rows(0).recipient(), kBirmingham);
  EXPECT_EQ(got.rows(0).stage(), v1::RECONCILE_STAGE_SENT_NOT_ACCEPTED);
}

}  // namespace
}  // namespace handover::integration

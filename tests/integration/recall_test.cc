// A recall after a key compromise, on the real daemons: the authority
// marks Stockport's signing key compromised since T (between transfers A
// and B) and lists a replacement key. The router holds C, still waiting
// for Birmingham, and logs HELD; Birmingham flags B (not A) in its inbox,
// its fetch and its log, and its admin report lists exactly B; a fresh
// envelope signed by the compromised key is refused; D, signed by the
// replacement key, is delivered and not flagged.
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "crypto/identity.h"
#include "gtest/gtest.h"
#include "harness/directory_builder.h"
#include "harness/envelopes.h"
#include "harness/log_calls.h"
#include "harness/network_test.h"
#include "harness/test_data.h"

namespace handover::integration {
namespace {

namespace v1 = handover::v1;

class RecallTest : public NetworkTest {
 protected:
  absl::StatusOr<std::string> SendDelivered(const std::string& reference) {
    absl::StatusOr<std::string> id = Send(kStockport, {kBirmingham}, reference);
    if (!id.ok()) return id.status();
    absl::Status delivered =
        net()
            .Client(kStockport, Role::kSubmitter)
            ->WaitForState(*id, v1::DELIVERY_STATE_DELIVERED, Wait())
            .status();
    if (!delivered.ok()) return delivered;
    return *id;
  }

  // The router's log of `transfer_id` once it holds a HELD entry.
  absl::StatusOr<v1::GetTransferLogResponse> WaitForRouterHold(
      const std::string& transfer_id) {
    absl::StatusOr<std::string> raw = FromHex(transfer_id);
    if (!raw.ok()) return raw.status();
    const absl::Time deadline = absl::Now() + Wait();
    auto router = net().RouterAs(kStockport);
    while (true) {
      absl::StatusOr<v1::GetTransferLogResponse> log =
          RouterTransferLog(*router, *raw, TestNetwork::CallTimeout());
      if (log.ok()) {
        for (const v1::LogEntry& e : log->entries()) {
          if (e.event() == v1::LOG_EVENT_KIND_HELD) return log;
        }
      }
      if (absl::Now() > deadline) {
        return absl::DeadlineExceededError("the router logged no HELD");
      }
      absl::SleepFor(absl::Milliseconds(100));
    }
  }

  // Birmingham's inbox entry `transfer_id` once it is flagged.
  absl::StatusOr<v1::InboxEntry> WaitForFlag(const std::string& transfer_id) {
    auto reader = net().Client(kBirmingham, Role::kReceiver);
    const absl::Time deadline = absl::Now() + Wait();
    while (true) {
      absl::StatusOr<std::vector<v1::InboxEntry>> inbox = reader->ListInbox();
      if (inbox.ok()) {
        for (const v1::InboxEntry& e : *inbox) {
          if (e.transfer_id() == transfer_id && e.has_recall()) return e;
        }
      }
      if (absl::Now() > deadline) {
        return absl::DeadlineExceededError("the transfer was never flagged");
      }
      absl::SleepFor(absl::Milliseconds(100));
    }
  }

  absl::StatusOr<v1::ListRecalledTransfersResponse> Recalls() {
    auto admin = net().Client(kBirmingham, Role::kAdmin);
    v1::ListRecalledTransfersResponse response;
    std::unique_ptr<grpc::ClientContext> context = admin->NewContext();
    absl::Status status = FromGrpc(admin->stub().ListRecalledTransfers(
        context.get(), v1::ListRecalledTransfersRequest(), &response));
    if (!status.ok()) return status;
    return response;
  }

  // Birmingham's RECALLED log entries.
  absl::StatusOr<std::vector<v1::LogEntry>> RecalledEntries() {
    auto admin = net().Client(kBirmingham, Role::kAdmin);
    v1::ListLogRequest filter;
    filter.add_events(v1::LOG_EVENT_KIND_RECALLED);
    return ListLogAll(*admin, filter);
  }
};

TEST_F(RecallTest, HoldsFlagsAndReportsWhatACompromisedKeySigned) {
  ASSERT_NO_FATAL_FAILURE(StartNetwork());
  const std::string old_key_dir = net().node_settings(kStockport).key_dir;
  const std::string old_key_id =
      crypto::ToHex(net().Key(kStockport, 0).public_identity().sign_key_id());

  // A: sent and delivered before the compromise.
  ASSERT_OK_AND_ASSIGN(const std::string a, SendDelivered("REF-A"));
  // T: the next whole second (envelope times are whole seconds), so A was
  // signed and accepted before it and everything after is at or after it.
  const absl::Time t =
      absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()) + 1);
  absl::SleepFor(t - absl::Now() + absl::Milliseconds(20));

  // B: sent after T and delivered. C: sent after T while Birmingham is
  // stopped, so it waits at the router.
  ASSERT_OK_AND_ASSIGN(const std::string b, SendDelivered("REF-B"));
  ASSERT_OK(net().StopNode(kBirmingham));
  ASSERT_OK_AND_ASSIGN(const std::string c,
                       Send(kStockport, {kBirmingham}, "REF-C"));
  auto sender = net().Client(kStockport, Role::kSubmitter);
  ASSERT_OK(
      sender->WaitForState(c, v1::DELIVERY_STATE_AT_ROUTER, Wait()).status());

  // The authority publishes the compromise with a replacement key.
  crypto::PublicIdentity replacement;
  ASSERT_OK_AND_ASSIGN(const std::string new_key_dir,
                       net().AddKey(kStockport, &replacement));
  v1::Directory next = net().directory();
  next.set_version(next.version() + 1);
  const absl::Time now = absl::Now();
  v1::Agency* stockport = FindAgency(&next, kStockport);
  v1::AgencyKey* old_key = stockport->mutable_keys(0);
  old_key->mutable_compromised_since()->set_seconds(absl::ToUnixSeconds(t));
  old_key->mutable_not_after()->set_seconds(absl::ToUnixSeconds(now) + 1);
  *stockport->add_keys() =
      MakeAgencyKey(replacement, t, now + absl::Hours(24 * 365));
  ASSERT_OK(net().PublishDirectory(next));

  // The router holds C, says why in its log, and reports it to the sender.
  ASSERT_OK_AND_ASSIGN(v1::GetTransferLogResponse router_log,
                       WaitForRouterHold(c));
  for (const v1::LogEntry& e : router_log.entries()) {
    if (e.event() != v1::LOG_EVENT_KIND_HELD) continue;
    EXPECT_EQ(e.recipient(), kBirmingham);
    EXPECT_TRUE(absl::StrContains(
        e.detail(), "signing key " + old_key_id + " compromised since"))
        << e.detail();
  }
  ASSERT_OK_AND_ASSIGN(
      v1::TransferStatusResponse c_status,
      sender->WaitForState(c, v1::DELIVERY_STATE_FAILED, Wait()));
  EXPECT_TRUE(absl::StrContains(c_status.recipients(0).reason(), "compromised"))
      << c_status.recipients(0).reason();

  // Birmingham comes back, learns the directory, flags B and never gets C.
  ASSERT_OK(net().StartNode(kBirmingham));
  ASSERT_OK(net().WaitForDirectoryVersion(kBirmingham, next.version(), Wait()));
  ASSERT_OK_AND_ASSIGN(v1::InboxEntry flagged_b, WaitForFlag(b));
  EXPECT_TRUE(absl::StrContains(flagged_b.recall().reason(),
                                "signing key " + old_key_id))
      << flagged_b.recall().reason();
  EXPECT_EQ(flagged_b.recall().directory_version(), next.version());
  auto reader = net().Client(kBirmingham, Role::kReceiver);
  ASSERT_OK_AND_ASSIGN(std::vector<v1::InboxEntry> inbox, reader->ListInbox());
  for (const v1::InboxEntry& e : inbox) {
    EXPECT_NE(e.transfer_id(), c) << "C was delivered";
    if (e.transfer_id() == a) {
      EXPECT_FALSE(e.has_recall()) << "A was flagged";
    }
  }
  // B stays readable, with the warning on the fetch.
  ASSERT_OK_AND_ASSIGN(FetchedTransfer fetched,
                       reader->Fetch(b, Scratch("fetch-b")));
  EXPECT_TRUE(fetched.ended);
  EXPECT_TRUE(fetched.header.has_recall());

  // One log entry, one report line: B only.
  ASSERT_OK_AND_ASSIGN(std::vector<v1::LogEntry> recalled, RecalledEntries());
  ASSERT_EQ(recalled.size(), 1u);
  EXPECT_EQ(ToHex(recalled[0].transfer_id()), b);
  EXPECT_EQ(recalled[0].sender(), kStockport);
  ASSERT_OK_AND_ASSIGN(v1::ListRecalledTransfersResponse report, Recalls());
  ASSERT_EQ(report.transfers_size(), 1);
  EXPECT_EQ(report.transfers(0).transfer_id(), b);
  EXPECT_EQ(report.transfers(0).sender_id(), kStockport);
  EXPECT_EQ(report.transfers(0).signing_key_id(), old_key_id);
  EXPECT_GT(report.transfers(0).fetch_count(), 0u);

  // Anything new signed by the compromised key is refused by name.
  const std::string fresh = Scratch("fresh.hov");
  ASSERT_OK(SealTestEnvelope(net().Key(kStockport, 0),
                             {net().Identity(kBirmingham).public_identity()},
                             "REF-FRESH", fresh)
                .status());
  absl::StatusOr<v1::SubmitEnvelopeResponse> refused =
      net().RouterAs(kStockport)->SubmitEnvelopeFile(fresh);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied)
      << refused.status();
  EXPECT_TRUE(absl::StrContains(refused.status().message(),
                                old_key_id + " of agency \"stockport-cs\" is "
                                             "revoked"))
      << refused.status();

  // Stockport moves to the replacement key: D is delivered and not flagged.
  ASSERT_OK(net().StopNode(kStockport));
  net().node_settings(kStockport).key_dir = new_key_dir;
  net().node_settings(kStockport).previous_key_dirs = {old_key_dir};
  ASSERT_OK(net().StartNode(kStockport));
  ASSERT_OK_AND_ASSIGN(const std::string d, SendDelivered("REF-D"));
  ASSERT_OK_AND_ASSIGN(v1::InboxEntry d_entry, reader->WaitForInbox(d, Wait()));
  EXPECT_FALSE(d_entry.has_recall());

  // Loading the same directory again (a restart) flags and logs nothing new.
  ASSERT_OK(net().StopNode(kBirmingham));
  ASSERT_OK(net().StartNode(kBirmingham));
  ASSERT_OK(net().WaitForDirectoryVersion(kBirmingham, next.version(), Wait()));
  ASSERT_OK_AND_ASSIGN(recalled, RecalledEntries());
  EXPECT_EQ(recalled.size(), 1u);
  ASSERT_OK_AND_ASSIGN(report, Recalls());
  EXPECT_EQ(report.transfers_size(), 1);
  EXPECT_EQ(InboxCount(kBirmingham, c), 0);
}

}  // namespace
}  // namespace handover::integration
